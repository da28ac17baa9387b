"""The stage table (docs/architecture.md decision 2): the lifecycle of docs/domain.md §1, declared once.

Pure data. The FSM conditions, the flows' task titles, the inbox, the archive catalogue and
the completeness report all read it; nobody repeats the list of stages.

A stage is the work a case is in. It is left forward when all of its steps are approved in the
current round (a round starts each time the case enters the stage), its required evidence is
present and its own conditions hold. Steps run in order, or all at once when the stage is a
joint sign-off (验收). A stage without steps is left by a batch or a timer (评议 by the review
meeting, 公示 when the notice period ends).
"""

from dataclasses import dataclass, field

from registry.models import HouseholdStage as S
from workflows.steps import (  # noqa: F401  (the posts and signature levels are part of the table's vocabulary)
    CLERK,
    COUNTY,
    COUNTY_OFFICE,
    HEAD,
    HOUSEHOLD,
    HOUSING,
    HRSS,
    LEADER,
    NATURAL_RESOURCES,
    REVIEWER,
    SIGNATURE_LEVELS,
    TOWNSHIP,
    VILLAGE,
    Stage,
    Step,
)

HOUSEHOLD_STAGES: tuple[Stage, ...] = (
    Stage(
        S.APPLY, "申报",
        steps=(Step("submit_application", "提交搬迁申请", (CLERK,), VILLAGE,
                    evidence=("hukou_scan", "current_house_photo", "signed_application")),),
        documents=("application_form",),
        deadline_days=15,
    ),
    # Left by the village representatives' meeting (ReviewMeeting), not by a single step. The
    # meeting's scans are filed into each household's record (each household file is complete).
    Stage(S.REVIEW, "评议", evidence=("meeting_minutes_scan", "sign_in_sheet"), documents=("review_record",),
          deadline_days=30),
    # Left when the notice batch ends with no open objection (close_due_notices, which records
    # the step as the system), or, after a return from 审核, by the clerk's resubmission.
    Stage(
        S.NOTICE, "公示",
        steps=(Step("resubmit_after_notice", "公示期满后重新报送审核", (CLERK,), VILLAGE),),
        evidence=("posted_notice_photo",),
        documents=("public_notice", "notice_result"),
        deadline_days=15,
    ),
    Stage(
        S.APPROVAL, "审核",
        steps=(
            Step("township_review", "乡镇审核（入户调查）", (REVIEWER,), TOWNSHIP, evidence=("household_survey",),
                 reviews=True),
            Step("county_approval", "县级审批（抽样踏验与信息比对）", (COUNTY_OFFICE,), COUNTY, reviews=True),
        ),
        # The county's decision prints the 审核审批表 and the 搬迁协议: the agreement is the township
        # government's contract with an approved household and names the county's approval, so it
        # is signed after the decision — as the first paper of 开工, not a condition of the decision.
        documents=("approval_form", "relocation_agreement"),
        deadline_days=20,
    ),
    Stage(
        S.CONSTRUCTION, "开工",
        # The agreement printed at the county's decision comes back signed before work starts.
        steps=(Step("start_record", "开工确认", (REVIEWER,), TOWNSHIP,
                    evidence=("signed_agreement", "construction_photo")),),
        documents=("construction_start",),
        deadline_days=60,
    ),
    Stage(
        S.ACCEPTANCE, "验收",
        steps=(
            Step("housing_acceptance", "住建部门质量验收", (HOUSING,), COUNTY, evidence=("inspection_photo",),
                 reviews=True),
            Step("township_acceptance", "乡镇验收", (REVIEWER, LEADER), TOWNSHIP, reviews=True),
            Step("household_confirmation", "搬迁户代表确认（乡镇录入）", (REVIEWER,), HOUSEHOLD,
                 evidence=("signed_confirmation",)),
        ),
        joint=True,
        documents=("acceptance_form",),
        # The 竣工验收单 is printed for the joint acceptance and signed by the household's
        # representative (signed_confirmation) before the stage can be left.
        for_signing=("acceptance_form",),
        deadline_days=30,
    ),
    Stage(
        S.MOVE_IN, "入住",
        steps=(Step("move_in_confirmation", "入住确认（钥匙交付）", (REVIEWER,), TOWNSHIP,
                    evidence=("old_new_house_photo", "signed_move_in")),),
        documents=("move_in_confirmation",),
        for_signing=("move_in_confirmation",),  # the 入住确认书 the household signs (signed_move_in)
        deadline_days=30,
        removable=False,
    ),
    Stage(
        S.DEMOLITION, "拆旧复垦",
        steps=(
            Step("demolition_record", "拆旧复垦登记", (REVIEWER,), TOWNSHIP,
                 evidence=("before_demolition_photo", "after_demolition_photo")),
            Step("reclamation_acceptance", "自然资源部门复垦验收", (NATURAL_RESOURCES,), COUNTY, reviews=True),
        ),
        # Leaving 拆旧复垦 opens 后扶: its help card (后扶帮扶卡) is issued with the acceptance sheet.
        documents=("demolition_acceptance", "follow_up_card"),
        deadline_days=180,
        removable=False,
    ),
    Stage(S.FOLLOW_UP, "后扶", deadline_days=90, removable=False),
)

STAGES: dict[str, Stage] = {s.code: s for s in HOUSEHOLD_STAGES}
ORDER: tuple[str, ...] = tuple(s.code for s in HOUSEHOLD_STAGES)

# 清退: requested by the township, approved by the county relocation office (seed 002).
REMOVAL_LABEL = "清退"
REMOVAL_REQUEST = Step("removal_request", "清退申请", (REVIEWER, COUNTY_OFFICE), TOWNSHIP)
REMOVAL_APPROVAL = Step("removal_approval", "清退审批", (COUNTY_OFFICE,), COUNTY)
# Keeping the old house (拆旧 exemption): requested by the township, approved by the county.
DEMOLITION_EXEMPTION_APPROVAL = Step("demolition_exemption", "保留旧房审批", (COUNTY_OFFICE,), COUNTY)
# Acts of the village batches (batches.py) that leave an opinion on each household: the review
# meeting's vote (recorded by the village head) and the township's decision on an objection.
REVIEW_MEETING = Step("review_meeting", "民主评议", (HEAD,), VILLAGE)
OBJECTION_RESOLUTION = Step("objection", "公示异议处理", (REVIEWER, LEADER), TOWNSHIP)
# Steps outside the stages' own, in the order a case page lists them.
OTHER_STEPS: tuple[Step, ...] = (REVIEW_MEETING, OBJECTION_RESOLUTION, REMOVAL_REQUEST, REMOVAL_APPROVAL,
                                 DEMOLITION_EXEMPTION_APPROVAL)


def next_stage(code: str) -> str | None:
    i = ORDER.index(code)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def previous_stage(code: str) -> str | None:
    i = ORDER.index(code)
    return ORDER[i - 1] if i > 0 else None


def label(code: str) -> str:
    return S(code).label


@dataclass(frozen=True)
class EvidenceKindUse:
    stage: str
    kind: str
    step: str = ""
    extra: dict = field(default_factory=dict)


def required_evidence() -> list[EvidenceKindUse]:
    """Every (stage, kind) the table requires: what the completeness report checks."""
    return [
        EvidenceKindUse(stage.code, kind, step.code)
        for stage in HOUSEHOLD_STAGES for step in stage.steps for kind in step.evidence
    ] + [EvidenceKindUse(stage.code, kind) for stage in HOUSEHOLD_STAGES for kind in stage.evidence]
