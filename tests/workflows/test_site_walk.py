"""A site walks from 选址规划 to 后扶 through the site service, as the proper county bureaus; at
every step the stage, the opinions, the audit events, the viewflow tasks and the documents are
asserted. The joint plan review (集中会审) waits for every configured bureau.

The helpers here (`site_officials`, `give_site`, `walk_site` …) are shared by the other
tests/workflows/test_site_*.py modules."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.models import Document, Evidence
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.documents.conftest import pdf_text, stored_bytes
from tests.factories import SiteFactory
from tests.workflows.conftest import upload
from workflows.sites import progress as site_progress, service as site_service, stages as site_stages
from workflows.models import SiteOpinion, SiteProcess
from workflows.sites.lifecycle import SiteLifecycle
from workflows.models import Milestone
from workflows import acting

SELECTION_PAPERS = ("site_selection_study", "geological_hazard_assessment")
PLAN_PACKAGE = ("implementation_plan", "industry_employment_plan", "social_security_plan",
                "demolition_reclamation_plan")
FACILITIES = [{"name": "供水管网", "result": "合格"}, {"name": "社区服务中心", "result": "合格"},
              {"name": "幼儿园", "result": "合格"}]


def today() -> datetime.date:
    return timezone.localdate()


def in_days(n) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def site_officials(officials, areas):
    """The cast plus the finance and development-and-reform bureaus (issue 5's new posts)."""
    named = {**officials,
             "finance": make_official("finance", "role_county_finance", areas["county"]),
             "drc": make_official("drc", "role_county_drc", areas["county"])}
    for key, (last, first) in {"natres": ("孙", "自然"), "county_office": ("赵", "县办"), "housing": ("钱", "住建"),
                               "finance": ("周", "财政")}.items():
        named[key].last_name, named[key].first_name = last, first
        named[key].save(update_fields=["last_name", "first_name"])
    return named


@pytest.fixture
def site(areas):
    return SiteFactory(area=areas["county"], name="幸福家园安置点", planned_units=40, planned_persons=160,
                       planned_funds=Decimal("8000000.00"))


def fresh(site):
    return SiteLifecycle.objects.select_related("project").get(pk=site.pk)


def stage_of(site) -> str:
    return fresh(site).stage


def give_site(site, *kinds, actor) -> list[Evidence]:
    """Upload evidence of the given kinds for the site's current stage."""
    current = fresh(site)
    return [ingest_evidence(actor=actor, upload=upload(f"{kind}.png"), stage=current.stage, kind=kind, site=current)
            for kind in kinds]


def approve(site, step, actor, **kwargs):
    return site_service.decide(site.pk, step=step, actor=actor, decision="approve",
                                opinion=kwargs.pop("opinion", "同意"), **kwargs)


def schedule(start=30, structure=120, handover=200) -> dict:
    return {"start_by": in_days(start), "structure_by": in_days(structure), "handover_by": in_days(handover)}


def report(site, o, percent, milestone="", **kwargs):
    photo = give_site(site, "site_progress_photo", actor=o["housing"])
    return site_progress.report_progress(site.pk, actor=o["housing"], reported_on=today(), percent=percent,
                                         milestone=milestone, note=kwargs.pop("note", "按计划推进"), photos=photo,
                                         **kwargs)


REVIEWERS = {"role_county_office": "county_office", "role_county_housing": "housing",
             "role_county_natural_resources": "natres", "role_county_finance": "finance", "role_county_drc": "drc",
             "role_county_hrss": "hrss"}


def walk_selection(site, o, plan=schedule()):
    give_site(site, *SELECTION_PAPERS, actor=o["county_office"])
    assert approve(site, "selection_opinion", o["natres"], opinion="选址符合“四近一建”要求，无地质灾害隐患。").moved_to is None
    give_site(site, *PLAN_PACKAGE, actor=o["county_office"])
    assert approve(site, "plan_submission", o["county_office"], changes=plan).moved_to == T.PLAN_APPROVAL


def walk_review(site, o):
    roles = site_stages.joint_review_roles()
    for i, role in enumerate(roles, 1):
        step = site_stages.JOINT_REVIEW_STEPS[role].code
        outcome = approve(site, step, o[REVIEWERS[role]], opinion=f"{site_stages.JOINT_REVIEW_STEPS[role].label}：同意")
        assert outcome.moved_to == (T.TENDER if i == len(roles) else None)


def walk_tender(site, o, **tender):
    give_site(site, "tender_documents", "construction_contract", actor=o["county_office"])
    approve(site, "tender_record", o["county_office"],
            changes={"contractor": "示例建工集团有限公司", "contract_amount": "6500000.00", **tender})
    give_site(site, "drawing_review_certificate", "construction_permit", actor=o["county_office"])
    assert approve(site, "permit_check", o["housing"]).moved_to == T.CONSTRUCTION


def walk_construction(site, o):
    report(site, o, "35.5", Milestone.START)
    report(site, o, "70", Milestone.STRUCTURE, note="主体封顶")
    assert approve(site, "structure_check", o["housing"]).moved_to == T.STRUCTURE_DONE
    report(site, o, "100", Milestone.COMPLETION)
    assert approve(site, "acceptance_application", o["county_office"]).moved_to == T.ACCEPTANCE


def walk_acceptance(site, o):
    give_site(site, "completion_acceptance_report", "facilities_acceptance_report", actor=o["housing"])
    approve(site, "completion_acceptance", o["housing"], changes={"facilities": FACILITIES},
            opinion="住房与配套设施同步验收合格。")
    give_site(site, "settlement_audit_report", actor=o["county_office"])
    assert approve(site, "acceptance_confirmation", o["county_office"]).moved_to == T.HANDOVER


def walk_handover(site, o):
    give_site(site, "handover_receipt", actor=o["county_office"])
    assert approve(site, "handover_record", o["county_office"], changes={
        "leading_industry": "食用菌种植与扶贫车间", "service_centre": "幸福家园社区服务中心",
        "follow_up_officer": o["reviewer"].pk}).moved_to == T.FOLLOW_UP


def walk_site(site, o, *, to=T.FOLLOW_UP):
    """Walk the site forward until it is in stage `to`."""
    for stage, walk in ((T.PLAN_APPROVAL, walk_selection), (T.TENDER, walk_review), (T.CONSTRUCTION, walk_tender),
                        (T.ACCEPTANCE, walk_construction), (T.HANDOVER, walk_acceptance),
                        (T.FOLLOW_UP, walk_handover)):
        if site_stages.reached(stage_of(site), stage):
            continue
        walk(site, o)
        if site_stages.reached(stage_of(site), to):
            break
    assert stage_of(site) == to


EXPECTED_STEPS = [
    ("selection", "selection_opinion", "natres"),
    ("selection", "plan_submission", "county_office"),
    ("plan_approval", "review_relocation_office", "county_office"),
    ("plan_approval", "review_housing", "housing"),
    ("plan_approval", "review_natural_resources", "natres"),
    ("plan_approval", "review_finance", "finance"),
    ("tender", "tender_record", "county_office"),
    ("tender", "permit_check", "housing"),
    ("construction", "structure_check", "housing"),
    ("structure_done", "acceptance_application", "county_office"),
    ("acceptance", "completion_acceptance", "housing"),
    ("acceptance", "acceptance_confirmation", "county_office"),
    ("handover", "handover_record", "county_office"),
]
DOCUMENTS_IN_ORDER = ["site_selection_opinion", "site_joint_review", "site_plan_approval", "site_construction_report",
                      "site_acceptance_form", "site_funds_statement", "site_handover_list"]


def text_of(document) -> str:
    """The PDF's text with line breaks removed (table cells wrap long names)."""
    return pdf_text(stored_bytes(document.versions.get(version=1))).replace("\n", "")


def test_a_site_walks_from_selection_to_follow_up_with_the_right_bureaus(site_officials, site,
                                                                         django_capture_on_commit_callbacks):
    o = site_officials
    with django_capture_on_commit_callbacks(execute=True):
        walk_site(site, o)

    final = fresh(site)
    assert final.stage == T.FOLLOW_UP
    project = final.project
    assert (project.contractor, project.contract_amount) == ("示例建工集团有限公司", Decimal("6500000.00"))
    assert project.facilities == FACILITIES and project.follow_up_officer == o["reviewer"]

    opinions = SiteOpinion.objects.filter(site=site).order_by("id")
    assert [(x.stage, x.step, x.actor.username) for x in opinions] == EXPECTED_STEPS
    assert {x.decision for x in opinions} == {"approve"}
    assert {x.role for x in opinions if x.stage == "plan_approval"} == set(site_stages.joint_review_roles())

    moves = AuditEvent.objects.filter(action="site.stage_change", target_id=str(site.pk)).order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in moves] == list(zip(site_stages.ORDER, site_stages.ORDER[1:]))
    approvals = AuditEvent.objects.filter(target_id=str(site.pk), action__startswith="site.",
                                          action__endswith=".approve")
    assert [(e.action, e.actor_username) for e in approvals.order_by("id")] == [
        (f"site.{step}.approve", who) for _, step, who in EXPECTED_STEPS]
    assert AuditEvent.objects.filter(action="site.progress_report", target_id=str(site.pk)).count() == 3

    # One process per stage with people in it, all ended; the review had one task per bureau.
    processes = SiteProcess.objects.filter(site=site)
    assert [p.stage for p in processes.order_by("pk")] == list(site_stages.ORDER[:-1])
    assert set(processes.values_list("status", flat=True)) == {"DONE"}
    review = processes.get(stage=T.PLAN_APPROVAL)
    human = Task.objects.filter(process=review, flow_task_type="HUMAN")
    assert sorted(t.flow_task.name for t in human) == sorted(
        site_stages.JOINT_REVIEW_STEPS[r].code for r in site_stages.joint_review_roles())
    assert {t.owner.username for t in human} == {"county_office", "housing", "natres", "finance"}

    documents = Document.objects.filter(site=site).order_by("id")
    assert [d.doc_type for d in documents] == DOCUMENTS_IN_ORDER
    assert all(d.number.startswith("示例县搬迁〔") and "〕安置点" in d.number for d in documents)
    assert not AuditEvent.objects.filter(action="document.render_failed").exists()
    texts = {d.doc_type: text_of(d) for d in documents}
    assert "幸福家园安置点" in texts["site_selection_opinion"] and "选址符合“四近一建”要求" in texts["site_selection_opinion"]
    for signer in ("赵县办", "钱住建", "孙自然", "周财政"):  # one row per configured bureau
        assert signer in texts["site_joint_review"]
    assert "第1次会审" in texts["site_joint_review"] and "各成员单位一致同意" in texts["site_joint_review"]
    assert "县自然资源局、县财政局集中会审" in texts["site_plan_approval"]
    assert "后续产业发展和就业扶持方案" in texts["site_plan_approval"]
    assert "示例建工集团有限公司" in texts["site_construction_report"] and "6,500,000.00" in texts["site_construction_report"]
    for facility in ("供水管网", "社区服务中心", "幼儿园"):
        assert facility in texts["site_acceptance_form"]
    assert "住房与配套设施同步验收合格" in texts["site_acceptance_form"] and "钱住建" in texts["site_acceptance_form"]
    assert "食用菌种植与扶贫车间" in texts["site_handover_list"]
    assert "8,000,000.00" in texts["site_funds_statement"]


def test_the_joint_review_waits_for_every_configured_bureau(site_officials, site, settings):
    o = site_officials
    settings.SITE_JOINT_REVIEW_ROLES = ["role_county_office", "role_county_housing", "role_county_natural_resources",
                                        "role_county_finance", "role_county_drc", "role_county_hrss"]
    walk_selection(site, o)
    process = SiteProcess.objects.get(site=site, stage=T.PLAN_APPROVAL)
    open_tasks = Task.objects.filter(process=process, flow_task_type="HUMAN", status="NEW")
    assert open_tasks.count() == 6
    role_of = {key: role for role, key in REVIEWERS.items()}
    for key in ("drc", "hrss", "finance", "housing", "natres"):
        step = site_stages.JOINT_REVIEW_STEPS[role_of[key]].code
        assert approve(site, step, o[key]).moved_to is None
        assert stage_of(site) == T.PLAN_APPROVAL
    assert [t.flow_task.name for t in open_tasks.all()] == ["review_relocation_office"]
    assert approve(site, "review_relocation_office", o["county_office"]).moved_to == T.TENDER
    process.refresh_from_db()
    assert process.status == "DONE"


def test_a_bureau_outside_the_configured_review_is_refused(site_officials, site, settings):
    o = site_officials
    walk_selection(site, o)
    with pytest.raises(acting.NotPermitted) as info:
        approve(site, "review_drc", o["drc"])
    assert info.value.codes == ["not_in_review"]
    assert "县发展和改革局" in info.value.message


def test_a_return_in_the_joint_review_sends_the_plan_back_with_the_opinions(site_officials, site,
                                                                           django_capture_on_commit_callbacks):
    o = site_officials
    walk_selection(site, o)
    approve(site, "review_housing", o["housing"], opinion="户型设计符合标准。")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = site_service.decide(site.pk, step="review_finance", actor=o["finance"], decision="return",
                                       opinion="资金筹措方案不明确，请补充地方政府债券额度。")
    assert outcome.moved_to == T.SELECTION
    review_round = SiteOpinion.objects.get(site=site, step="review_housing").round
    assert stage_of(site) == T.SELECTION and fresh(site).project.stage_round == review_round + 1
    returned = SiteOpinion.objects.get(site=site, step="review_finance")
    assert (returned.decision, returned.round) == ("return", review_round)
    # The open review tasks are cancelled; the plan goes back with a 会审表 of that round.
    review = SiteProcess.objects.get(site=site, stage=T.PLAN_APPROVAL)
    assert review.status == "CANCELED"
    form = Document.objects.get(site=site, doc_type="site_joint_review")
    text = text_of(form)
    assert "资金筹措方案不明确" in text and "户型设计符合标准" in text and "退回修改" in text
    # Resubmitted, the review starts again: every bureau signs the new round.
    walk_selection(site, o)
    second = fresh(site).project.stage_round
    assert stage_of(site) == T.PLAN_APPROVAL and second == review_round + 2
    walk_review(site, o)
    assert SiteOpinion.objects.filter(site=site, stage=T.PLAN_APPROVAL, round=second, decision="approve").count() == 4
