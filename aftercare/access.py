"""Who may record 后扶 work on a household, and when.

Reading goes through registry.scope like every page (get_household_for, visible_to); recording is a
post's act: the posts below, over the household's area (workflows.acting.require_role: 404 outside
the reading scope, 403 for another post). The 后扶专干 is a township or county official (001:
"所有集中安置点明确了一名乡镇干部作为后扶专干"), the village clerk keeps the village's ledger, and the
county's HR bureau answers for employment (docs/domain.md §1 stage 9)."""

from registry.models import HouseholdStage as S
from registry.policy import Violation
from workflows.acting import AFTERCARE, Refused, acting_role, require_role

RECORDING_ROLES = ("role_township_reviewer", "role_township_leader", "role_county_office", "role_county_hrss",
                   "role_village_clerk")
# 后扶 starts when the family lives in the new house (入住); the old house's demolition runs beside it.
MOVED_IN = (S.MOVE_IN, S.DEMOLITION, S.FOLLOW_UP)


def post_for(user, roles, household) -> str | None:
    """The first of `roles` the user holds for 后扶 work on the household: over its area, or — for a
    household resettled across counties — over its host site (workflows.acting.HOST_ACTS)."""
    return acting_role(user, roles, household, act=AFTERCARE)


def require_recorder(actor, household, what: str) -> str:
    """The post through which `actor` records `what` for the household; refuses a household that has
    not moved in (400)."""
    role = require_role(actor, household, RECORDING_ROLES, what, act=AFTERCARE)
    if household.stage not in MOVED_IN:
        raise Refused(Violation("not_moved_in", "stage", "该户尚未搬迁入住（或已清退），不能录入后续扶持信息。"))
    return role
