"""What the lifecycle's documents share: signatures read from the recorded opinions, numbers as
printed, and free text made safe for a public page.

Every signature is read from the database when the document is rendered (after the move that
calls for it has committed), never from what a caller passes: the paper says what was recorded.
"""

import datetime
import re
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from documents.masking import mask_id_number, mask_phone
from documents.models import Evidence
from documents.types.common import chinese_date
from registry.models import HouseholdStage as S
from registry.people import display_name as person_name
from workflows.households import deadlines
from workflows.models.households import Decision, Opinion

# The same patterns documents.masking refuses on a public page; here they are masked in free text
# (an objection or a resolution an official typed may quote a number).
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

_CHINESE_DIGITS = "零一二三四五六七八九十"


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def signature(opinion: Opinion | None) -> dict:
    """An opinion as a signature block: text, who signed, when (empty when not yet decided)."""
    if opinion is None:
        return {"opinion": "", "signer": "", "signed_at": "", "signed_on": None}
    signed_on = local_date(opinion.created_at)
    return {
        "opinion": opinion.text,
        # A rule the system applied (公示期满) has no person behind it.
        "signer": person_name(opinion.actor) if opinion.actor_id else "系统自动办理",
        "signed_at": chinese_date(signed_on),
        "signed_on": signed_on,
    }


def last_round_approvals(household, stage: str) -> dict[str, Opinion]:
    """The approved opinions of the stage's last round, by step (the latest one of a step wins)."""
    last = Opinion.objects.filter(household=household, stage=stage).aggregate(n=Max("round"))["n"]
    if last is None:
        return {}
    opinions = (Opinion.objects.filter(household=household, stage=stage, round=last,
                                       decision__in=[Decision.APPROVE, Decision.SYSTEM])
                .select_related("actor").order_by("id"))
    return {o.step: o for o in opinions}


def last_approval(household, step: str) -> Opinion | None:
    return (Opinion.objects.filter(household=household, step=step, decision=Decision.APPROVE)
            .select_related("actor").order_by("-id").first())


def approval_signatures(household) -> list[dict]:
    """The 审核审批表's `signatures`: the village level from the review meeting, the township and
    the county from the last round of 审核."""
    approval = last_round_approvals(household, S.APPROVAL)
    found = [("village", last_approval(household, "review_meeting")),
             ("township", approval.get("township_review")),
             ("county", approval.get("county_approval"))]
    signatures = []
    for level, opinion in found:
        if opinion is not None:
            s = signature(opinion)
            signatures.append({"level": level, "opinion": s["opinion"], "signer": s["signer"],
                               "signed_at": s["signed_on"]})
    return signatures


def demolition_days() -> int:
    """seed 002: the old house is demolished after moving in, within the 拆旧复垦 stage's due
    period (stage table, overridable by WORKFLOW_DEADLINE_DAYS)."""
    return deadlines.deadline_days(S.DEMOLITION)


def number(value, places: int | None = None) -> str:
    """A decimal as printed: measured values keep their places, others drop trailing zeros."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if places is not None:
        return f"{value:.{places}f}"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def masked_text(text: str) -> str:
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text or "")
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def chinese_count(n: int) -> str:
    """一 … 十 for the small numbers of a rule (三分之二); larger ones stay Arabic."""
    return _CHINESE_DIGITS[n] if 0 <= n <= 10 else str(n)


def evidence_count(household, stage: str, *kinds: str) -> int:
    return Evidence.objects.filter(household=household, stage=stage, kind__in=kinds,
                                   withdrawn_at__isnull=True).count()
