"""The flows that put a site stage's tasks in front of the county bureaus (viewflow), read top to
bottom like the site stage table. Started by `site_flowsync.open_stage` when a site enters a
stage; the state moves only through `workflows.sites.service`, which completes these tasks.
Tasks are routed to a role (a permission on areas) for the site's area.
Node names are stored in task rows: keep them stable (docs/traps.md).
"""

from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.views import View
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow import Flow

from registry.models import SiteStage as T
from workflows.models.sites import SiteProcess
from workflows.sites import stages as site_stages
from workflows.sites.stages import COUNTY_OFFICE, DRC, FINANCE, HOUSING, HRSS, JOINT_REVIEW_STEPS, NATURAL_RESOURCES


class SiteStepTaskView(View):
    """Every site task hands over to the site's page, where the form posts to the service."""

    def get(self, request, *args, **kwargs):
        site = request.activation.process.coerced.site
        try:
            return HttpResponseRedirect(reverse("site_detail", args=[site.pk]))
        except NoReverseMatch:
            return HttpResponseRedirect("/")

    post = get


def site_of(process):
    return process.coerced.site


def role_task(step):
    """A human task for one step: the first role of the step, checked on the site's area."""
    return (
        flow.View(SiteStepTaskView)
        .Annotation(title=step.label)
        .Permission(f"registry.{step.roles[0]}", obj=site_of)
    )


def _step(stage, code):
    return site_stages._TABLE[stage].step(code)


def sits_in_review(role):
    """Split condition: the bureau is one of the configured joint reviewers (SITE_JOINT_REVIEW_ROLES)."""
    return lambda activation: role in site_stages.joint_review_roles()


class SiteStageFlow(Flow):
    process_class = SiteProcess
    lock_impl = lock.select_for_update_lock
    stage: str = ""

    def start_stage(self, activation, site):
        activation.process.site = site
        activation.process.stage = site.stage
        activation.process.round = site.project.stage_round
        return activation.process


class SiteSelectionFlow(SiteStageFlow):
    """选址规划: the natural-resources bureau gives its site opinion, the county office submits the plan."""

    process_title = "安置点选址规划"
    stage = T.SELECTION
    start = flow.StartHandle(this.start_stage).Next(this.selection_opinion)
    selection_opinion = role_task(_step(T.SELECTION, "selection_opinion")).Next(this.plan_submission)  # natres
    plan_submission = role_task(_step(T.SELECTION, "plan_submission")).Next(this.end)  # county office
    end = flow.End()


class JointReviewFlow(SiteStageFlow):
    """方案审批 (集中会审): every configured county bureau signs in parallel; the join waits for all."""

    process_title = "安置点方案集中会审"
    stage = T.PLAN_APPROVAL
    start = flow.StartHandle(this.start_stage).Next(this.split)
    split = (
        flow.Split()
        .Next(this.review_relocation_office, case=sits_in_review(COUNTY_OFFICE))
        .Next(this.review_housing, case=sits_in_review(HOUSING))
        .Next(this.review_natural_resources, case=sits_in_review(NATURAL_RESOURCES))
        .Next(this.review_finance, case=sits_in_review(FINANCE))
        .Next(this.review_drc, case=sits_in_review(DRC))
        .Next(this.review_hrss, case=sits_in_review(HRSS))
    )
    review_relocation_office = role_task(JOINT_REVIEW_STEPS[COUNTY_OFFICE]).Next(this.join)
    review_housing = role_task(JOINT_REVIEW_STEPS[HOUSING]).Next(this.join)
    review_natural_resources = role_task(JOINT_REVIEW_STEPS[NATURAL_RESOURCES]).Next(this.join)
    review_finance = role_task(JOINT_REVIEW_STEPS[FINANCE]).Next(this.join)
    review_drc = role_task(JOINT_REVIEW_STEPS[DRC]).Next(this.join)
    review_hrss = role_task(JOINT_REVIEW_STEPS[HRSS]).Next(this.join)
    join = flow.Join().Next(this.end)
    end = flow.End()


class TenderFlow(SiteStageFlow):
    """招投标: the county office records tender and contract, the housing bureau checks the permit."""

    process_title = "安置点招投标"
    stage = T.TENDER
    start = flow.StartHandle(this.start_stage).Next(this.tender_record)
    tender_record = role_task(_step(T.TENDER, "tender_record")).Next(this.permit_check)  # county office
    permit_check = role_task(_step(T.TENDER, "permit_check")).Next(this.end)  # housing bureau
    end = flow.End()


class SiteConstructionFlow(SiteStageFlow):
    """开工建设: the housing bureau confirms the structure is complete (progress reports meanwhile)."""

    process_title = "安置点开工建设"
    stage = T.CONSTRUCTION
    start = flow.StartHandle(this.start_stage).Next(this.structure_check)
    structure_check = role_task(_step(T.CONSTRUCTION, "structure_check")).Next(this.end)  # housing bureau
    end = flow.End()


class StructureDoneFlow(SiteStageFlow):
    """主体完工: the county office applies for completion acceptance once the work is complete."""

    process_title = "安置点主体完工"
    stage = T.STRUCTURE_DONE
    start = flow.StartHandle(this.start_stage).Next(this.acceptance_application)
    acceptance_application = role_task(_step(T.STRUCTURE_DONE, "acceptance_application")).Next(this.end)
    end = flow.End()


class SiteAcceptanceFlow(SiteStageFlow):
    """竣工验收: housing and facilities accepted together by the housing bureau, then the county
    office files the acceptance with the settlement audit."""

    process_title = "安置点竣工验收"
    stage = T.ACCEPTANCE
    start = flow.StartHandle(this.start_stage).Next(this.completion_acceptance)
    completion_acceptance = role_task(_step(T.ACCEPTANCE, "completion_acceptance")).Next(this.acceptance_confirmation)
    acceptance_confirmation = role_task(_step(T.ACCEPTANCE, "acceptance_confirmation")).Next(this.end)
    end = flow.End()


class HandoverFlow(SiteStageFlow):
    """交付入住: the county office records the handover of keys and facilities."""

    process_title = "安置点交付入住"
    stage = T.HANDOVER
    start = flow.StartHandle(this.start_stage).Next(this.handover_record)
    handover_record = role_task(_step(T.HANDOVER, "handover_record")).Next(this.end)  # county office
    end = flow.End()


SITE_STAGE_FLOWS = {f.stage: f for f in (SiteSelectionFlow, JointReviewFlow, TenderFlow, SiteConstructionFlow,
                                         StructureDoneFlow, SiteAcceptanceFlow, HandoverFlow)}
