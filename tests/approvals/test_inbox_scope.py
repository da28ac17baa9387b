"""The inbox is scoped by area and post: 5 counties × 3 posts, each official's queue, inbox and
badge count exactly the tasks of their own area and post (viewflow's own queue would count every
task routed to the post, in every county)."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import worklist, claims
from registry.models import AreaLevel
from tests.conftest import make_official
from tests.factories import AreaFactory, HouseholdFactory
from workflows.households.flows import ApprovalFlow, RemovalFlow

AREAS = 5
# Per county k (0..4): households with only the application task, with a township review task,
# and with a removal approval task — different numbers everywhere, so a leak shows.
APPLICATIONS = [1, 2, 3, 4, 5]
REVIEWS = [2, 0, 1, 3, 2]
REMOVALS = [1, 3, 0, 2, 1]


@pytest.fixture
def world(db):
    officials = {}
    for k in range(AREAS):
        county = AreaFactory(code=f"52{k + 1:02d}01000000", name=f"县{k}", level=AreaLevel.COUNTY)
        town = AreaFactory(code=county.code[:6] + "101000", name=f"镇{k}", level=AreaLevel.TOWNSHIP, parent=county)
        village = AreaFactory(code=county.code[:6] + "101201", name=f"村{k}", level=AreaLevel.VILLAGE, parent=town)
        officials[("clerk", k)] = make_official(f"clerk{k}", "role_village_clerk", village)
        officials[("reviewer", k)] = make_official(f"reviewer{k}", "role_township_reviewer", town)
        officials[("county", k)] = make_official(f"county{k}", "role_county_office", county)
        for _ in range(APPLICATIONS[k]):
            HouseholdFactory(village=village)
        for _ in range(REVIEWS[k]):
            ApprovalFlow.start.run(household=HouseholdFactory(village=village))
        for _ in range(REMOVALS[k]):
            RemovalFlow.start.run(household=HouseholdFactory(village=village))
    return officials


def expected(post, k):
    households = APPLICATIONS[k] + REVIEWS[k] + REMOVALS[k]
    return {"clerk": households, "reviewer": REVIEWS[k], "county": REMOVALS[k]}[post]


def badge_of(client, user):
    client.force_login(user)
    response = client.get("/work/?tab=queue")
    assert response.status_code == 200
    return str(response.context["inbox_badge"]), response


@pytest.mark.parametrize("post", ["clerk", "reviewer", "county"])
def test_each_officials_queue_and_badge_hold_exactly_their_area_and_post(world, client, post):
    for k in range(AREAS):
        user = world[(post, k)]
        assert worklist.queue(user).count() == expected(post, k), (post, k)
        assert worklist.inbox(user).count() == 0
        badge, response = badge_of(client, user)
        assert badge == str(expected(post, k))
        assert str(dict((c, n) for c, _, n in response.context["tabs"])["queue"]) == str(expected(post, k))
        # Every row shown is a case of the official's own county.
        for row in response.context["rows"]:
            assert row.task.process.householdprocess.area_code.startswith(f"52{k + 1:02d}01")


def test_viewflows_unscoped_queue_would_count_every_county(world):
    unscoped = Task.objects.filter(status=STATUS.NEW, owner_permission="registry.role_township_reviewer").count()
    assert unscoped == sum(REVIEWS)
    assert worklist.queue(world[("reviewer", 3)]).count() == REVIEWS[3] < unscoped


def test_a_claimed_task_leaves_the_queue_for_the_inbox_and_the_badge_keeps_counting_it(world, client):
    reviewer = world[("reviewer", 0)]
    task = worklist.queue(reviewer).first()
    claims.claim(task.pk, actor=reviewer)
    assert worklist.queue(reviewer).count() == REVIEWS[0] - 1
    assert list(worklist.inbox(reviewer)) == [task]
    badge, _ = badge_of(client, reviewer)
    assert badge == str(REVIEWS[0])
    # The other reviewers' counts did not move.
    for k in range(1, AREAS):
        assert worklist.queue(world[("reviewer", k)]).count() == REVIEWS[k]


def test_counts_per_step_match_the_queue(world, client):
    client.force_login(world[("county", 1)])
    response = client.get("/work/?tab=queue")
    counts = {code: str(n) for code, _, n in response.context["step_counts"]}
    assert counts["removal_approval"] == str(REMOVALS[1])
    assert counts["county_approval"] == "0"


def test_counts_are_bounded_not_counted_over_the_whole_table(world, settings):
    settings.APPROVALS_COUNT_CAP = 2
    clerk = world[("clerk", 4)]  # 8 tasks
    bounded = worklist.bounded_count(worklist.queue(clerk))
    assert (bounded.value, bounded.more, str(bounded)) == (2, True, "2+")
