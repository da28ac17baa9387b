"""The site stage table (docs/architecture.md decision 2): a centralised resettlement site (集中安置点) as a
construction project, docs/domain.md §3, declared once with the household table's `Stage`/`Step`.

Pure data plus one piece of configuration: which county bureaus sit in the joint plan review
(集中会审) is the setting SITE_JOINT_REVIEW_ROLES. The table holds a step for every bureau that
may sit; `stage()` gives the stage as configured, and every reader (conditions, service, flows,
documents) goes through it.

Gate papers (seed 002 "审批要件齐全、程序合法合规"): the site selection study and the geological
hazard assessment before 方案审批; the implementation plan with its three companion plans before
anyone signs the review; tender documents (unless below the tendering threshold, with a reason),
contract, drawing review and construction permit before 开工; the acceptance report and the
supporting facilities' acceptance before 竣工验收 completes ("配套设施应与安置住房同步验收").
"""

import dataclasses

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from registry.models import SiteStage as T
from workflows.steps import (  # noqa: F401  (the posts are part of the table's vocabulary)
    COUNTY,
    COUNTY_OFFICE,
    DRC,
    FINANCE,
    HOUSING,
    HRSS,
    LEADER,
    NATURAL_RESOURCES,
    REVIEWER,
    TOWNSHIP,
    Stage,
    Step,
)

# The package the joint review examines; each bureau signs only when all of it is on file.
PLAN_PACKAGE = ("implementation_plan", "industry_employment_plan", "social_security_plan",
                "demolition_reclamation_plan")
SELECTION_PAPERS = ("site_selection_study", "geological_hazard_assessment")
# Not needed when the site is below the tendering threshold (tender exemption, with a reason).
TENDER_DOCUMENTS = "tender_documents"


def _review(role: str, code: str, bureau: str) -> Step:
    return Step(code, f"方案会审（{bureau}）", (role,), COUNTY, evidence=PLAN_PACKAGE)


# Every bureau that may sit in the joint review, by role; SITE_JOINT_REVIEW_ROLES picks from these.
# Node names of the review flow are these step codes: keep them stable (docs/traps.md).
JOINT_REVIEW_STEPS: dict[str, Step] = {
    COUNTY_OFFICE: _review(COUNTY_OFFICE, "review_relocation_office", "县易地扶贫搬迁办公室"),
    HOUSING: _review(HOUSING, "review_housing", "县住房和城乡建设局"),
    NATURAL_RESOURCES: _review(NATURAL_RESOURCES, "review_natural_resources", "县自然资源局"),
    FINANCE: _review(FINANCE, "review_finance", "县财政局"),
    DRC: _review(DRC, "review_drc", "县发展和改革局"),
    HRSS: _review(HRSS, "review_hrss", "县人力资源和社会保障局"),
}

SITE_STAGES: tuple[Stage, ...] = (
    # 选址规划: the site is chosen ("四近一建", 001) and planned; the plan goes to the review.
    Stage(
        T.SELECTION, "选址规划",
        steps=(
            Step("selection_opinion", "选址意见（自然资源部门）", (NATURAL_RESOURCES,), COUNTY,
                 evidence=SELECTION_PAPERS),
            Step("plan_submission", "报送实施方案及配套方案（含建设进度计划）", (COUNTY_OFFICE,), COUNTY,
                 evidence=PLAN_PACKAGE),
        ),
        documents=("site_selection_opinion",),
        deadline_days=90,
        removable=False,
    ),
    # 方案审批: the joint review, every configured bureau in parallel; any return sends the plan back.
    Stage(
        T.PLAN_APPROVAL, "方案审批",
        steps=tuple(JOINT_REVIEW_STEPS.values()),
        joint=True,
        documents=("site_joint_review", "site_plan_approval"),
        deadline_days=30,
        removable=False,
    ),
    # 招投标: tender (where the size requires it), contract, drawing review, construction permit.
    Stage(
        T.TENDER, "招投标",
        steps=(
            Step("tender_record", "招标投标及施工合同登记", (COUNTY_OFFICE,), COUNTY,
                 evidence=(TENDER_DOCUMENTS, "construction_contract")),
            Step("permit_check", "施工图审查与施工许可核验", (HOUSING,), COUNTY,
                 evidence=("drawing_review_certificate", "construction_permit"), reviews=True),
        ),
        documents=("site_construction_report",),  # 开工报告: issued as the site starts
        deadline_days=60,
        removable=False,
    ),
    # 开工建设: progress reports with photos; the housing bureau confirms the structure is topped out.
    Stage(
        T.CONSTRUCTION, "开工建设",
        steps=(Step("structure_check", "主体完工核验（质量安全监督）", (HOUSING,), COUNTY,
                    evidence=("site_progress_photo",)),),
        deadline_days=180,
        removable=False,
    ),
    Stage(
        T.STRUCTURE_DONE, "主体完工",
        steps=(Step("acceptance_application", "申请竣工验收", (COUNTY_OFFICE,), COUNTY),),
        deadline_days=90,
        removable=False,
    ),
    # 竣工验收: housing and supporting facilities accepted together (seed 002); settlement audit.
    Stage(
        T.ACCEPTANCE, "竣工验收",
        steps=(
            Step("completion_acceptance", "住房与配套设施竣工验收", (HOUSING,), COUNTY,
                 evidence=("completion_acceptance_report", "facilities_acceptance_report")),
            Step("acceptance_confirmation", "竣工验收备案与结算审计", (COUNTY_OFFICE,), COUNTY,
                 evidence=("settlement_audit_report",), reviews=True),
        ),
        documents=("site_acceptance_form", "site_funds_statement"),
        deadline_days=30,
        removable=False,
    ),
    # 交付入住: keys and facilities handed over; its households may now move in. Leaving it opens
    # 后扶: "一人、一图、一表、一中心" (001) — a follow-up officer, a leading industry, a service centre.
    Stage(
        T.HANDOVER, "交付入住",
        steps=(Step("handover_record", "交付移交（住房钥匙与配套设施）", (COUNTY_OFFICE,), COUNTY,
                    evidence=("handover_receipt",)),),
        documents=("site_handover_list",),
        deadline_days=60,
        removable=False,
    ),
    Stage(T.FOLLOW_UP, "后续扶持", deadline_days=90, removable=False),
)

_TABLE: dict[str, Stage] = {s.code: s for s in SITE_STAGES}
ORDER: tuple[str, ...] = tuple(s.code for s in SITE_STAGES)

# Who does the site's other business (not stage steps).
SCHEDULE_ROLES = (COUNTY_OFFICE,)
PROGRESS_ROLES = (HOUSING, COUNTY_OFFICE, REVIEWER)
FUNDS_ROLES = (FINANCE, COUNTY_OFFICE)
ALLOCATION_ROLES = (COUNTY_OFFICE, REVIEWER)  # on the household's area
SELF_FUNDS_ROLES = (REVIEWER, COUNTY_OFFICE)  # on the household's area
FOLLOW_UP_OFFICER_ROLES = (REVIEWER, LEADER, COUNTY_OFFICE)
SIGNATURE_LEVELS = {COUNTY: "县级意见", TOWNSHIP: "乡镇意见"}


def joint_review_roles() -> tuple[str, ...]:
    """The bureaus (role codenames) of the joint review, as configured, in the table's order."""
    configured = list(dict.fromkeys(getattr(settings, "SITE_JOINT_REVIEW_ROLES", ()) or ()))
    unknown = [r for r in configured if r not in JOINT_REVIEW_STEPS]
    if unknown or not configured:
        raise ImproperlyConfigured(
            f"SITE_JOINT_REVIEW_ROLES must name at least one of {sorted(JOINT_REVIEW_STEPS)}; unknown: {unknown}"
        )
    return tuple(r for r in JOINT_REVIEW_STEPS if r in configured)


@checks.register()
def check_joint_review_roles(app_configs=None, **kwargs):
    """A misconfigured joint review is reported by `manage.py check`, not at the first site."""
    try:
        joint_review_roles()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="workflows.E501")]
    return []


def stage(code: str) -> Stage | None:
    """The stage as configured (the joint review holds the configured bureaus only)."""
    found = _TABLE.get(code)
    if found is not None and code == T.PLAN_APPROVAL:
        found = dataclasses.replace(found, steps=tuple(JOINT_REVIEW_STEPS[r] for r in joint_review_roles()))
    return found


def next_stage(code: str) -> str | None:
    i = ORDER.index(code)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def previous_stage(code: str) -> str | None:
    i = ORDER.index(code)
    return ORDER[i - 1] if i > 0 else None


def reached(site_stage: str, code: str) -> bool:
    """Has a site in `site_stage` reached (or passed) stage `code`?"""
    return ORDER.index(site_stage) >= ORDER.index(code)


def label(code: str) -> str:
    return T(code).label


def step_anywhere(code: str) -> tuple[Stage, Step] | None:
    """The stage and step of a step code, whatever the configuration (for 'already handled')."""
    for s in SITE_STAGES:
        for step in s.steps:
            if step.code == code:
                return s, step
    return None
