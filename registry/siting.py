"""The one place a household is counted against a resettlement site's plan (issue 15 item 1).

Every path that puts a household at a site — the admin's household form, the API's create and
update (api/registry_edit.py), the lifecycle's assignment (workflows/sites/allocation.py), and an
import to come — calls `assignment_violations` inside the transaction that saves the household.
It locks the site row (SELECT … FOR UPDATE) before counting, so two requests racing for the last
unit are serialised: the second counts the first's household once it has committed, and is
refused. Cutting a site's plan goes through `plan_violations` under the same lock, so a plan can
never be cut below the households already counted. On SQLite `FOR UPDATE` is ignored (writes are
serialised by the database file's lock instead); the races are tested on PostgreSQL.

Lock order: the site row first, then the household row (as `workflows.acting.lock_site` /
`lock_household` are taken by the lifecycle), so no two paths wait on each other in a cycle.
"""

from django.db import transaction

from registry import policy
from registry.models import ResettlementSite
from registry.policy import Violation


def lock_site_row(site_id):
    """The site row, locked until the caller's transaction ends; None when there is no such site."""
    if site_id is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A site's capacity is checked only inside the transaction that assigns to it.")
    return ResettlementSite.objects.select_for_update(of=("self",)).filter(pk=site_id).first()


def assignment_violations(household, members, *, site_id=None, what: str | None = None) -> list[Violation]:
    """The capacity violations of keeping `household` (with `members`) at its site — or of moving it
    to `site_id` —, counted with the site row locked in the caller's transaction and the plan read
    from the locked row. Without `what` the registry's rule applies (`policy.check_site_assignment`:
    a correction that adds nobody at the same site passes); with it (the lifecycle's assignment) the
    household is counted as one more, whatever it was before."""
    members = list(members)
    site = lock_site_row(site_id if site_id is not None else household.site_id)
    if site is None:
        return []
    if what is None:
        return policy.check_site_assignment(household, members, site=site)
    counted, present = policy.site_occupancy(site, excluding=household)
    return policy.check_site_capacity(site, counted, present, more_households=1, more_persons=len(members),
                                      what=what)


def plan_violations(site, planned_units, planned_persons) -> list[Violation]:
    """A site's plan may not be cut below the households and persons it already counts."""
    if site.pk is None:
        return []
    lock_site_row(site.pk)
    counted, present = policy.site_occupancy(site)
    found = []
    if planned_units is not None and planned_units < counted:
        found.append(Violation("plan_below_occupancy", "planned_units",
                               f"该安置点已安排{counted}户，计划安置套数不能少于{counted}套。"))
    if planned_persons is not None and planned_persons < present:
        found.append(Violation("plan_below_occupancy", "planned_persons",
                               f"该安置点已安排{present}人，计划安置人数不能少于{present}人。"))
    return found
