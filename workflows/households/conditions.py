"""What must hold before a case may leave its stage: the FSM's conditions, with reasons.

Each blocker is a `registry.policy.Violation` (code for tests, Chinese message for officials).
The service asks first to explain a refusal; the FSM asks again as the last guard. Within one
locked service call the answer cannot change, so it is cached on the instance for that round.
"""

from decimal import Decimal

from django.utils import timezone

from documents.models import kind_label
from registry import policy
from registry.models import LABOUR_WITH_ABILITY, Employment, ResettlementMode, SiteStage
from registry.models import HouseholdStage as S
from registry.policy import Violation
from workflows import memo
from workflows.households import evidence, stages
from workflows.models.households import Decision, ObjectionStatus, Opinion, ReviewVote
from workflows.sites.allocation import move_in_blockers

SITE_READY = {SiteStage.HANDOVER, SiteStage.FOLLOW_UP}


def approved_steps(household) -> set[str]:
    """Steps approved in the current round of the current stage."""
    return set(
        Opinion.objects.filter(
            household=household, stage=household.stage, round=household.stage_round,
            decision__in=[Decision.APPROVE, Decision.SYSTEM],
        ).values_list("step", flat=True)
    )


DEMOLITION_PHOTOS = ("before_demolition_photo", "after_demolition_photo")


def missing_evidence(household, kinds) -> list[Violation]:
    if household.old_house_kept:
        # A kept old house (approved by the county) is not demolished: nothing to photograph.
        kinds = tuple(k for k in kinds if k not in DEMOLITION_PHOTOS)
    if not kinds:
        return []
    missing = [k for k in kinds if k not in evidence.present_kinds(household)]
    if not missing:
        return []
    names = "、".join(kind_label(k) for k in missing)
    return [Violation("missing_evidence", "evidence", f"缺少必备佐证材料：{names}。")]


def forget(household, *, data: bool = False) -> None:
    """Drop the answers kept for this call: after a step is recorded or evidence filed, and with
    `data` after the call changed the household's own fields (the policy check reads them)."""
    memo.forget(household, "_blockers", *(("_policy",) if data else ()))
    evidence.forget(household)


def policy_violations(household) -> list[Violation]:
    """The registry's rules for the household and its members (registry.policy), warnings too;
    asked once per service call however many checks read it."""
    return memo.remember(household, "_policy", household.pk,
                         lambda: policy.check_household(household, household.members.all()))


def policy_blockers(household) -> list[Violation]:
    return policy.blocking(policy_violations(household))


def forward_blockers(household) -> list[Violation]:
    """Why the household may not leave its stage now (kept for the stage and round it holds for)."""
    return memo.remember(household, "_blockers", (household.stage, household.stage_round),
                         lambda: _forward_blockers(household))


def _forward_blockers(household) -> list[Violation]:
    if household.stage not in stages.STAGES or stages.next_stage(household.stage) is None:
        return [Violation("no_next_stage", "stage", f"“{stages.label(household.stage)}”之后没有下一阶段。")]
    stage = stages.STAGES[household.stage]
    found: list[Violation] = []

    done = approved_steps(household)
    pending = [s.label for s in stage.steps if s.code not in done]
    if pending:
        found.append(Violation("steps_pending", "stage", f"本阶段尚有环节未完成：{'、'.join(pending)}。"))

    found += missing_evidence(household, stage.all_evidence)

    members = list(household.members.all())
    found += policy_blockers(household)
    found += STAGE_CHECKS.get(household.stage, lambda h, m: [])(household, members)
    return found


def _review_passed(household, members):
    passed = ReviewVote.objects.filter(
        household=household, passed=True, meeting__recorded_at__gte=household.stage_entered_at
    ).exists()
    return [] if passed else [Violation("review_not_passed", "stage", "尚无本轮民主评议通过的记录。")]


def _notice_over(household, members):
    batch = current_notice_batch(household)
    if batch is None:
        return [Violation("no_notice", "stage", "该户尚未列入公示批次。")]
    found = []
    if timezone.localdate() <= batch.ends_on:
        found.append(Violation("notice_not_over", "stage",
                               f"公示期至{batch.ends_on:%Y年%m月%d日}止，期满前不得进入审核。"))
    statuses = set(batch.objections.filter(household=household).values_list("status", flat=True))
    if ObjectionStatus.OPEN in statuses:
        found.append(Violation("objection_open", "stage", "该户有尚未处理的公示异议。"))
    if ObjectionStatus.UPHELD in statuses:
        found.append(Violation("objection_upheld", "stage", "该户公示异议成立，须重新评议。"))
    return found


def current_notice_batch(household):
    return household.notice_batches.order_by("-id").first()


def _acceptance(household, members):
    found = []
    if household.actual_floor_area is None:
        found.append(Violation("actual_area_missing", "actual_floor_area", "验收须录入实测住房面积。"))
    else:
        # seed 002: 25 m² per person holds for the house as built, not only as planned.
        found += [
            Violation(v.code, "actual_floor_area", "验收实测：" + v.message)
            for v in policy.check_floor_area(household.actual_floor_area, len(members))
        ]
    if household.resettlement_mode == ResettlementMode.CENTRALISED:
        site = household.site
        if site is None or site.stage not in SITE_READY:
            stage = site.get_stage_display() if site else "未指定"
            found.append(Violation("site_not_ready", "site",
                                   f"集中安置点未通过竣工验收并交付（当前：{stage}），不得搬迁入住。"))
        # The household's unit at its site (分房, by lot or choice) is recorded with its evidence
        # before 入住 (workflows/sites/allocation.py).
        found += move_in_blockers(household)
    return found


def _demolition(household, members):
    found = []
    if household.old_house_kept:
        approved = Opinion.objects.filter(
            household=household, step=stages.DEMOLITION_EXEMPTION_APPROVAL.code, decision=Decision.APPROVE
        ).exists()
        if not approved:
            found.append(Violation("exemption_not_approved", "old_house_kept", "保留旧房须经县级批准。"))
    elif household.reclaimed_area_mu is None or household.reclaimed_area_mu <= Decimal("0"):
        found.append(Violation("reclaimed_area_missing", "reclaimed_area_mu", "须录入宅基地复垦面积（亩）。"))
    # Entering 后扶 needs a follow-up plan: the officer and every labourer's employment status.
    if household.follow_up_officer_id is None:
        found.append(Violation("follow_up_officer_missing", "follow_up_officer", "进入后扶阶段须指定后扶专干。"))
    unknown = [m.name for m in members
               if m.labour_ability in LABOUR_WITH_ABILITY and m.employment == Employment.NOT_APPLICABLE]
    if unknown:
        found.append(Violation("employment_unknown", "members",
                               f"须登记有劳动能力成员的就业状况：{'、'.join(unknown)}。"))
    return found


STAGE_CHECKS = {
    S.REVIEW: _review_passed,
    S.NOTICE: _notice_over,
    S.ACCEPTANCE: _acceptance,
    S.DEMOLITION: _demolition,
}
