"""The household state machine (docs/architecture.md decision 3).

`Household.stage` is a protected FSMField declared in registry; the transitions live here on a
proxy model, so no view, admin action, import, API call or shell script can move a case except
through them — and their conditions are the policy rules, the evidence and the gates of the
stage table. `workflows.households.service` is the one caller; it locks, checks, records and audits.
"""

from django.utils import timezone
from django_fsm import RETURN_VALUE, transition

from registry.models import Household
from registry.models import HouseholdStage as S
from workflows.households import stages
from workflows.households.conditions import forward_blockers

REMOVABLE = [s.code for s in stages.HOUSEHOLD_STAGES if s.removable]


def ready_to_leave(household) -> bool:
    return not forward_blockers(household)


class HouseholdLifecycle(Household):
    class Meta:
        proxy = True
        verbose_name = "搬迁户流程"
        verbose_name_plural = "搬迁户流程"

    def _start_round(self):
        self.stage_round += 1
        self.stage_entered_at = timezone.now()

    # Forward, one stage at a time, as docs/domain.md §1 orders them.
    @transition(field="stage", source=S.APPLY, target=S.REVIEW, conditions=[ready_to_leave])
    def to_review(self):
        self._start_round()

    @transition(field="stage", source=S.REVIEW, target=S.NOTICE, conditions=[ready_to_leave])
    def to_notice(self):
        self._start_round()

    @transition(field="stage", source=S.NOTICE, target=S.APPROVAL, conditions=[ready_to_leave])
    def to_approval(self):
        self._start_round()

    @transition(field="stage", source=S.APPROVAL, target=S.CONSTRUCTION, conditions=[ready_to_leave])
    def to_construction(self):
        self._start_round()

    @transition(field="stage", source=S.CONSTRUCTION, target=S.ACCEPTANCE, conditions=[ready_to_leave])
    def to_acceptance(self):
        self._start_round()

    # seed 002: no move-in before the dwelling (and, centralised, its site) passed acceptance.
    @transition(field="stage", source=S.ACCEPTANCE, target=S.MOVE_IN, conditions=[ready_to_leave])
    def to_move_in(self):
        self._start_round()

    @transition(field="stage", source=S.MOVE_IN, target=S.DEMOLITION, conditions=[ready_to_leave])
    def to_demolition(self):
        self._start_round()

    @transition(field="stage", source=S.DEMOLITION, target=S.FOLLOW_UP, conditions=[ready_to_leave])
    def to_follow_up(self):
        self._start_round()

    # 退回: one stage back, with the reviewer's opinion (required by the service).
    @transition(field="stage", source=list(stages.ORDER[1:]), target=RETURN_VALUE(*stages.ORDER[:-1]))
    def send_back(self):
        self._start_round()
        return stages.previous_stage(self.stage)

    # 清退: from any stage before 入住, after county approval (checked by the service).
    @transition(field="stage", source=REMOVABLE, target=S.REMOVED)
    def remove(self):
        self._start_round()

    FORWARD = {
        S.REVIEW: "to_review", S.NOTICE: "to_notice", S.APPROVAL: "to_approval",
        S.CONSTRUCTION: "to_construction", S.ACCEPTANCE: "to_acceptance", S.MOVE_IN: "to_move_in",
        S.DEMOLITION: "to_demolition", S.FOLLOW_UP: "to_follow_up",
    }

    def advance(self):
        """Take the forward transition out of the current stage."""
        return getattr(self, self.FORWARD[stages.next_stage(self.stage)])()
