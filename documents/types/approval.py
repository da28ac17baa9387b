"""审核审批表: the review and approval form (docs/domain.md §1 stage 4) with one opinion block per
signature level. Levels not yet decided print blank for signing by hand; the lifecycle passes
the recorded opinions as `signatures`."""

import datetime

from . import DocumentSpec, Subject, register
from .common import chinese_date, household_data

# (level, heading, what the level attests). The workflows stage table names the same levels.
DEFAULT_LEVELS = (
    ("village", "村级意见", "经村民代表大会民主评议并张榜公示无异议，同意上报。"),
    ("township", "乡镇审核意见", "经乡镇入户调查核实，"),
    ("county", "县级审批意见", "经县级抽样实地踏验和信息比对，"),
)


def build_context(subject: Subject, *, public: bool, signatures: list[dict] | None = None) -> dict:
    given = {s["level"]: s for s in (signatures or [])}
    levels = []
    for level, heading, hint in DEFAULT_LEVELS:
        s = given.get(level, {})
        signed_at = s.get("signed_at")
        if isinstance(signed_at, datetime.datetime):
            signed_at = signed_at.date()
        levels.append({
            "level": level,
            "heading": s.get("heading") or heading,
            "hint": hint,
            "opinion": s.get("opinion", ""),
            "signer": s.get("signer", ""),
            "signed_at": chinese_date(signed_at) if signed_at else "",
        })
    return {"household": household_data(subject.household, public=public), "levels": levels}


def title(subject: Subject) -> str:
    return "易地扶贫搬迁对象审核审批表"


SPEC = register(DocumentSpec(
    code="approval_form",
    label="审核审批表",
    number_word="审批",
    template="documents/pdf/approval.html",
    version="1",
    build_context=build_context,
    title=title,
    options=("signatures",),
))
