"""Bulk approval (批量审核): one confirmation, many households — each one still approved through
`workflows.households.service.decide`, with its own opinion, its own lock and its own audit event.

Only steps that record nothing but an opinion may be done in bulk; a step that records figures
(the measured area at acceptance, the reclaimed area) is done household by household.
"""

from dataclasses import dataclass, field

from registry.models import Household
from registry.policy import Violation
from workflows import acting, actions, worklist
from workflows.households import service

# The steps whose decision is an opinion only (service.STEP_FIELDS records nothing for them).
BULK_STEPS = frozenset({"township_review", "county_approval", "start_record", "township_acceptance",
                        "resubmit_after_notice"}) - set(service.STEP_FIELDS)


@dataclass
class PlanRow:
    task_id: int
    household: Household
    step: str
    step_label: str
    blockers: list[Violation] = field(default_factory=list)
    moves_to: str | None = None  # the stage the household enters if this approval completes its stage

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def moves_to_label(self) -> str:
        return worklist.stage_label(self.moves_to) if self.moves_to else ""


def what_blocks(household, step_code: str, actor) -> tuple[list[Violation], str | None]:
    """What would refuse approving `step_code` now, and where the household would go: the one
    answer of workflows.actions (nothing is changed here)."""
    action = actions.household_step(actor, household, step_code)
    return action.unmet, action.moves_to


def plan(actor, task_ids) -> list[PlanRow]:
    """The rows of the confirmation page: tasks the actor can see, of bulk steps only."""
    tasks = (worklist.with_case(worklist.open_tasks().filter(pk__in=list(task_ids)).filter(worklist.visible_task_q(actor)))
             .order_by(worklist.HOUSEHOLD + "number"))
    tasks = [t for t in tasks if t.case_id is not None]  # site tasks are decided on the site's page
    households = Household.objects.in_bulk([t.case_id for t in tasks])
    result = []
    for task in tasks:
        code = task.flow_task.name
        household = households[task.case_id]
        row = PlanRow(task.pk, household, code, worklist.step_label(code))
        if code not in BULK_STEPS:
            row.blockers = [Violation("not_bulk", "step", "此环节须逐户办理（需录入数据）。")]
        else:
            row.blockers, row.moves_to = what_blocks(household, code, actor)
        result.append(row)
    return result


@dataclass
class Result:
    household: Household
    step_label: str
    ok: bool
    message: str


def execute(actor, items, *, request=None) -> list[Result]:
    """items: (task id, opinion) pairs the official confirmed. Each is re-planned (the page may
    be stale) and decided on its own; one refusal does not stop the others."""
    opinions = dict(items)
    results = []
    for row in plan(actor, opinions):
        if row.step not in BULK_STEPS:
            results.append(Result(row.household, row.step_label, False, row.blockers[0].message))
            continue
        try:
            outcome = service.decide(row.household.pk, step=row.step, actor=actor, decision="approve",
                                      opinion=opinions[row.task_id], request=request)
        except acting.Refused as exc:
            results.append(Result(row.household, row.step_label, False, exc.message))
        else:
            moved = f"，转入“{worklist.stage_label(outcome.moved_to)}”" if outcome.moved_to else ""
            results.append(Result(row.household, row.step_label, True, f"已同意{moved}。"))
    return results
