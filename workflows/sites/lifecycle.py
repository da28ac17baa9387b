"""The site state machine (docs/architecture.md decision 3), the same mechanism as the household's.

`ResettlementSite.stage` is a protected FSMField declared in registry; the transitions live here
on a proxy model, their conditions are the gate papers and rules of the site stage table, and
`workflows.sites.service` is the one caller (it locks, checks, records and audits). The round
and entry time live on the site's project row (workflows.models.sites.SiteProject), which the
service saves with the site.
"""

from django.utils import timezone
from django_fsm import RETURN_VALUE, transition

from registry.models import ResettlementSite
from registry.models import SiteStage as T
from workflows.sites import stages as site_stages
from workflows.sites.conditions import forward_blockers


def ready_to_leave(site) -> bool:
    return not forward_blockers(site)


class SiteLifecycle(ResettlementSite):
    class Meta:
        proxy = True
        verbose_name = "安置点流程"
        verbose_name_plural = "安置点流程"

    def _start_round(self):
        project = self.project
        project.stage_round += 1
        project.stage_entered_at = timezone.now()

    # Forward, one stage at a time, as docs/domain.md §3 orders them: no skipping.
    @transition(field="stage", source=T.SELECTION, target=T.PLAN_APPROVAL, conditions=[ready_to_leave])
    def to_plan_approval(self):
        self._start_round()

    @transition(field="stage", source=T.PLAN_APPROVAL, target=T.TENDER, conditions=[ready_to_leave])
    def to_tender(self):
        self._start_round()

    @transition(field="stage", source=T.TENDER, target=T.CONSTRUCTION, conditions=[ready_to_leave])
    def to_construction(self):
        self._start_round()

    @transition(field="stage", source=T.CONSTRUCTION, target=T.STRUCTURE_DONE, conditions=[ready_to_leave])
    def to_structure_done(self):
        self._start_round()

    @transition(field="stage", source=T.STRUCTURE_DONE, target=T.ACCEPTANCE, conditions=[ready_to_leave])
    def to_acceptance(self):
        self._start_round()

    # seed 002: households move in only after the site (housing and facilities) passed acceptance.
    @transition(field="stage", source=T.ACCEPTANCE, target=T.HANDOVER, conditions=[ready_to_leave])
    def to_handover(self):
        self._start_round()

    @transition(field="stage", source=T.HANDOVER, target=T.FOLLOW_UP, conditions=[ready_to_leave])
    def to_follow_up(self):
        self._start_round()

    # 退回: one stage back, with the reviewer's opinion (required by the service).
    @transition(field="stage", source=list(site_stages.ORDER[1:]), target=RETURN_VALUE(*site_stages.ORDER[:-1]))
    def send_back(self):
        self._start_round()
        return site_stages.previous_stage(self.stage)

    FORWARD = {
        T.PLAN_APPROVAL: "to_plan_approval", T.TENDER: "to_tender", T.CONSTRUCTION: "to_construction",
        T.STRUCTURE_DONE: "to_structure_done", T.ACCEPTANCE: "to_acceptance", T.HANDOVER: "to_handover",
        T.FOLLOW_UP: "to_follow_up",
    }

    def advance(self):
        """Take the forward transition out of the current stage."""
        return getattr(self, self.FORWARD[site_stages.next_stage(self.stage)])()
