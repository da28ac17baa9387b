"""One answer to "what may I do on this case now, and why not": the case page, bulk approval and the
API list the same actions with the same refusal texts for the same official and case
(workflows.actions)."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from tests.api.conftest import as_user  # noqa: F401
from tests.conftest import make_official
from workflows import claims, worklist
from workflows.acting import NotPermitted
from workflows.households import service
from workflows.households.stages import REMOVAL_REQUEST

from .conftest import approve, walk_to_approval

BULK = "approvals:bulk"


def page_answer(client, user, household):
    client.force_login(user)
    response = client.get(reverse("approvals:case", args=[household.pk]))
    assert response.status_code == 200
    return {a.name: [v.message for v in a.unmet] for a in response.context["actions"]}


def api_answer(as_user, user, household):  # noqa: F811
    body = as_user(user).get(f"/api/v1/households/{household.pk}/transitions/").json()
    return {t["name"]: [v["message"] for v in t["unmet"]] for t in body["transitions"]}


def bulk_answer(client, user, household):
    """The bulk confirmation page's reasons, for the household's open tasks of bulk steps."""
    client.force_login(user)
    tasks = [t.pk for t in worklist.open_tasks_of(household)]
    response = client.post(reverse(BULK), {"task": tasks})
    assert response.status_code == 200
    return {row.step: [v.message for v in row.blockers] for row in response.context["rows"]
            if row.step in {"township_review", "county_approval", "start_record", "township_acceptance",
                            "resubmit_after_notice"}}


def fresh(household):
    return type(household).objects.get(pk=household.pk)


@pytest.fixture
def dual(areas):
    """A township reviewer who also holds the county office's post (审批分离 applies to them)."""
    user = make_official("dual", "role_township_reviewer", areas["town"])
    assign_perm("registry.role_county_office", user, areas["county"])
    return user


def _missing_survey(ctx):
    return "reviewer", None


def _survey_given(ctx):
    ctx["give"](ctx["household"], "household_survey")
    return "reviewer", None


def _claimed_by_another(ctx):
    other = make_official("reviewer2", "role_township_reviewer", ctx["areas"]["town"])
    task = next(t for t in worklist.open_tasks_of(ctx["household"]) if t.flow_task.name == "township_review")
    claims.claim(task.pk, actor=other)
    return "reviewer", None


def _own_review(ctx):
    ctx["give"](ctx["household"], "household_survey", "signed_agreement")
    approve(ctx["household"], "township_review", ctx["dual"])
    return None, ctx["dual"]


def _county_after_review(ctx):
    ctx["give"](ctx["household"], "household_survey")
    approve(ctx["household"], "township_review", ctx["officials"]["reviewer"])
    return "county_office", None


def _removal_requested(ctx):
    service.request_removal(ctx["household"].pk, actor=ctx["officials"]["reviewer"], reason="经核查为财政供养人员")
    return "county_office", None


SCENARIOS = {
    "reviewer, survey missing": _missing_survey,
    "reviewer, survey on file": _survey_given,
    "reviewer, task claimed by another": _claimed_by_another,
    "dual post, reviewing own work": _own_review,
    "county office after the township": _county_after_review,
    "county office, removal pending": _removal_requested,
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_page_bulk_and_api_give_the_same_actions_and_reasons(scenario, client, as_user, officials, give,  # noqa: F811
                                                             areas, household, dual):
    walk_to_approval(household, officials, give, areas)
    ctx = {"household": household, "officials": officials, "give": give, "areas": areas, "dual": dual}
    role, user = SCENARIOS[scenario](ctx)
    user = user or officials[role]
    household = fresh(household)

    page = page_answer(client, user, household)
    api = api_answer(as_user, user, household)
    assert page == api
    assert page, "every scenario offers the official something to do"
    for step, reasons in bulk_answer(client, user, household).items():
        # A task the official only supervises is not theirs to approve: bulk says so, the page
        # and the API do not offer it.
        assert reasons == page[step] if step in page else reasons, step


def test_the_reasons_are_the_services_own(client, as_user, officials, give, areas, household, dual):  # noqa: F811
    """What the listing says stands in the way is what the service refuses with."""
    walk_to_approval(household, officials, give, areas)
    give(household, "household_survey", "signed_agreement")
    approve(household, "township_review", dual)
    [listed] = api_answer(as_user, dual, fresh(household))["county_approval"]
    with pytest.raises(NotPermitted) as refused:
        approve(household, "county_approval", dual)
    assert refused.value.message == listed


def test_the_removal_request_is_listed_where_the_service_would_take_it(as_user, officials, give, areas,  # noqa: F811
                                                                        household):
    walk_to_approval(household, officials, give, areas)
    assert REMOVAL_REQUEST.code in api_answer(as_user, officials["reviewer"], household)
    assert REMOVAL_REQUEST.code not in api_answer(as_user, officials["clerk_a"], household)
