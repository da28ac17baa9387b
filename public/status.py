"""A household's own status for the public window (issue 22 item 5): found only by its household
number together with the head's full ID number (compared through the blind index, never decrypted),
and told in what a posted notice would show — the head's name, the ID masked — plus the stage, the
next step, what is missing and whom to ask."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.crypto import blind_index
from registry.idnumbers import check_id_number, mask_id_number, normalise
from registry.models import Household, Member, Relation
from registry.models import HouseholdStage as S
from registry.people import display_name
from registry.roles import ROLES
from workflows.households import conditions, stages
from workflows.households.deadlines import due_at

NUMBER = re.compile(r"^\d{12,20}$")

WAITING = {
    S.REVIEW: "等待村民代表会议民主评议",
    S.NOTICE: "张榜公示",
    S.FOLLOW_UP: "已入住，进入后续扶持",
    S.REMOVED: "已清退，不再办理",
}


@dataclass
class Status:
    number: str
    head_name: str
    head_id_masked: str
    village: str
    stage: str
    next_step: str
    next_post: str
    due: str
    missing: list[str] = field(default_factory=list)
    contact: str = ""


def clean(number: str, id_number: str) -> tuple[str, str]:
    """The typed pair, normalised; ValidationError (Chinese) when either is malformed."""
    number = (number or "").strip()
    if not NUMBER.match(number):
        raise ValidationError("户编号应为12至20位数字。", code="number")
    checked = check_id_number(normalise(id_number))
    return number, checked.number


def find(number: str, id_number: str):
    """The household whose number is `number` and whose head's ID number is `id_number`, or None
    (the same None for an unknown number, a wrong ID and an ID of another member)."""
    return (Household.objects.select_related("village__parent", "responsible_cadre")
            .filter(number=number, members__relation=Relation.HEAD, members__id_index=blind_index(id_number))
            .first())


def describe(household) -> Status:
    head = Member.objects.filter(household=household, relation=Relation.HEAD).first()
    stage = stages.STAGES.get(household.stage)
    next_step = next_post = ""
    missing = []
    if stage is not None and stage.steps and household.stage != S.NOTICE:  # 公示's step only follows a return
        done = conditions.approved_steps(household)
        pending = [s for s in stage.steps if s.code not in done]
        if pending:
            next_step = "、".join(s.label for s in pending) if stage.joint else pending[0].label
            next_post = "、".join(ROLES[r].label for s in pending[:1] for r in s.roles if r in ROLES)
    if not next_step:
        next_step = WAITING.get(household.stage, S(household.stage).label)
        if household.stage == S.NOTICE:
            batch = conditions.current_notice_batch(household)
            if batch is not None:
                next_step = f"公示中（{batch.posted_on:%Y年%m月%d日}至{batch.ends_on:%Y年%m月%d日}）"
    if stage is not None and household.stage not in (S.FOLLOW_UP, S.REMOVED):
        kinds = stage.evidence + tuple(k for s in stage.steps for k in s.evidence)
        for violation in conditions.missing_evidence(household, kinds):
            missing.append(violation.message)
    due = due_at(household) if household.stage not in (S.FOLLOW_UP, S.REMOVED) else None
    village = household.village
    township = village.parent.name if village.parent_id else ""
    cadre = display_name(household.responsible_cadre) if household.responsible_cadre_id else ""
    contact = (f"包保责任人 {cadre}；或" if cadre else "请") + f"咨询{township}{village.name}村民委员会、{township}人民政府易地扶贫搬迁工作人员。"
    return Status(
        number=household.number, head_name=head.name if head else "",
        head_id_masked=mask_id_number(head.id_number) if head else "", village=f"{township}{village.name}",
        stage=S(household.stage).label, next_step=next_step, next_post=next_post,
        due=f"{timezone.localtime(due):%Y年%m月%d日}" if due else "", missing=missing, contact=contact)
