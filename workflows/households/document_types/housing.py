"""The dwelling's papers: 开工确认单 (stage 5), 竣工验收单 (stage 6, the joint sign-off) and
入住确认书 (stage 7). Internal forms about one household: the head's ID number is masked anyway,
the household number and name identify the case."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from documents.types import DocumentSpec, Subject, register
from documents.types.common import household_data
from registry import policy
from registry.models import HouseholdStage as S
from workflows.households.document_types.common import (
    demolition_days,
    evidence_count,
    last_round_approvals,
    number,
    signature,
)


def _dwelling(household) -> dict:
    site = household.site
    return {
        "mode": household.get_resettlement_mode_display(),
        "site_name": site.name if site else "",
        "site_code": site.code if site else "",
        "location": (site.location if site else household.scattered_location) or "",
    }


def _max_area_per_person() -> Decimal:
    return Decimal(str(settings.POLICY_MAX_FLOOR_AREA_PER_PERSON))


# 开工确认单 ---------------------------------------------------------------------------------

def construction_start_context(subject: Subject, *, public: bool) -> dict:
    household = subject.household
    data = household_data(household, public=True)
    return {
        "household": data,
        "dwelling": _dwelling(household),
        "started": signature(last_round_approvals(household, S.CONSTRUCTION).get("start_record")),
        "photos": evidence_count(household, S.CONSTRUCTION, "construction_photo"),
        "max_area_per_person": number(_max_area_per_person()),
    }


CONSTRUCTION_START = register(DocumentSpec(
    code="construction_start",
    full_id_numbers=False,  # prints masked numbers only
    label="开工确认单",
    number_word="开工",
    template="documents/pdf/construction_start.html",
    version="1",
    build_context=construction_start_context,
    title=lambda subject: "易地扶贫搬迁住房开工确认单",
))


# 竣工验收单 ---------------------------------------------------------------------------------

# The joint sign-off (seed 002: no move-in before quality acceptance): who signs which block.
ACCEPTANCE_BLOCKS = (
    ("housing_acceptance", "县住房和城乡建设局", "质量验收意见", "验收人（签字）："),
    ("township_acceptance", "乡镇人民政府", "乡镇验收意见", "负责人（签字）："),
    ("household_confirmation", "搬迁户代表", "搬迁户确认意见", "户主（签字或按手印）："),
)


def acceptance_form_context(subject: Subject, *, public: bool) -> dict:
    household = subject.household
    data = household_data(household, public=True)
    approvals = last_round_approvals(household, S.ACCEPTANCE)
    blocks = []
    for step, party, heading, sign_label in ACCEPTANCE_BLOCKS:
        block = signature(approvals.get(step))
        blocks.append({**block, "party": party, "heading": heading, "sign_label": sign_label,
                       # The township enters the household's confirmation; the head signs the paper.
                       "entered_by": block["signer"] if step == "household_confirmation" else ""})
    measured = household.actual_floor_area
    size = data["size"]
    limit = _max_area_per_person()
    over = policy.check_floor_area(measured, size) if measured is not None else []
    per_person = (measured / size).quantize(Decimal("0.01"), ROUND_HALF_UP) if measured is not None and size else None
    all_signed = all(step in approvals for step, *_ in ACCEPTANCE_BLOCKS)
    return {
        "household": data,
        "dwelling": _dwelling(household),
        "area": {
            "planned": number(household.planned_floor_area, 2),
            "measured": number(measured, 2),
            "per_person": number(per_person, 2),
            "limit_per_person": number(limit),
            "limit_total": number(limit * size, 2),
            # seed 002: 人均住房建设面积不超过25平方米
            "verdict": (over[0].message if over else f"符合人均住房建设面积不超过{number(limit)}平方米的规定。")
            if measured is not None else "未录入实测面积。",
            "within": measured is not None and not over,
        },
        "blocks": blocks,
        "conclusion": ("经县住房和城乡建设局、乡镇人民政府和搬迁户代表联合验收，住房质量合格，同意交付入住。"
                       if all_signed and not over else "联合验收尚未完成或未通过，不得搬迁入住。"),
        "photos": evidence_count(household, S.ACCEPTANCE, "inspection_photo"),
    }


ACCEPTANCE_FORM = register(DocumentSpec(
    code="acceptance_form",
    full_id_numbers=False,  # prints masked numbers only
    label="竣工验收单",
    number_word="验收",
    template="documents/pdf/acceptance_form.html",
    version="1",
    build_context=acceptance_form_context,
    title=lambda subject: "易地扶贫搬迁住房竣工验收单",
))


# 入住确认书 ---------------------------------------------------------------------------------

def move_in_context(subject: Subject, *, public: bool) -> dict:
    household = subject.household
    data = household_data(household, public=True)
    accepted = signature(last_round_approvals(household, S.ACCEPTANCE).get("housing_acceptance"))
    return {
        "household": data,
        "dwelling": _dwelling(household),
        "measured": number(household.actual_floor_area, 2),
        "accepted_at": accepted["signed_at"],
        "moved_in": signature(last_round_approvals(household, S.MOVE_IN).get("move_in_confirmation")),
        "photos": evidence_count(household, S.MOVE_IN, "old_new_house_photo"),
        "old_house_kept": household.old_house_kept,
        "old_house_kept_reason": household.get_old_house_kept_reason_display() if household.old_house_kept else "",
        "demolition_days": demolition_days(),
    }


MOVE_IN_CONFIRMATION = register(DocumentSpec(
    code="move_in_confirmation",
    full_id_numbers=False,  # prints masked numbers only
    label="入住确认书",
    number_word="入住",
    template="documents/pdf/move_in_confirmation.html",
    version="1",
    build_context=move_in_context,
    title=lambda subject: "易地扶贫搬迁入住确认书",
))
