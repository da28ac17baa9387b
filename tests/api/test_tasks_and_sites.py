"""/api/v1/tasks/ (the caller's inbox and queue, claim/release) and /api/v1/sites/ (the same
shape as households: detail, transitions through the site service, evidence, history)."""

import pytest

from registry.models import SiteStage as T
from tests.api.conftest import assert_error
from tests.api.helpers import png_file
from tests.factories import SiteFactory
from workflows.sites.lifecycle import SiteLifecycle


def submit_task(client):
    tasks = client.get("/api/v1/tasks/").json()["results"]
    return next(t for t in tasks if t["step"] == "submit_application")


def test_clerk_sees_the_application_task_in_the_queue(cast, household, as_user):
    task = submit_task(as_user(cast["clerk_a"]))
    assert task["case_type"] == "household" and task["case_id"] == household.pk
    assert task["owner"] is None and task["step_label"].startswith("申报")
    assert as_user(cast["clerk_b"]).get("/api/v1/tasks/").json()["results"] == []
    assert as_user(cast["auditor"]).get("/api/v1/tasks/").json()["results"] == []


def test_claim_then_release(cast, household, as_user):
    client = as_user(cast["clerk_a"])
    task = submit_task(client)
    r = client.post(f"/api/v1/tasks/{task['id']}/claim")
    assert r.status_code == 200, r.json()
    assert r.json()["held_by_me"] is True and r.json()["owner"] == "clerk_a"
    assert [t["id"] for t in client.get("/api/v1/tasks/", {"box": "inbox"}).json()["results"]] == [task["id"]]
    assert client.get("/api/v1/tasks/", {"box": "queue"}).json()["results"] == []
    assert_error(client.post(f"/api/v1/tasks/{task['id']}/claim"), 409, "already_handled")
    r = client.post(f"/api/v1/tasks/{task['id']}/release")
    assert r.status_code == 200 and r.json()["owner"] is None
    assert_error(client.post(f"/api/v1/tasks/{task['id']}/release"), 409)


def test_claiming_out_of_scope_is_404_and_by_wrong_post_403(cast, household, as_user):
    task = submit_task(as_user(cast["clerk_a"]))
    assert_error(as_user(cast["clerk_b"]).post(f"/api/v1/tasks/{task['id']}/claim"), 404)
    assert_error(as_user(cast["head_a"]).post(f"/api/v1/tasks/{task['id']}/claim"), 403, "wrong_role")
    assert_error(as_user(cast["auditor"]).post(f"/api/v1/tasks/{task['id']}/claim"), 403)
    assert_error(as_user(cast["clerk_a"]).post("/api/v1/tasks/999999/claim"), 404)


def test_a_retried_claim_with_its_key_is_replayed(cast, household, as_user):
    client = as_user(cast["clerk_a"])
    task = submit_task(client)
    first = client.post(f"/api/v1/tasks/{task['id']}/claim", HTTP_IDEMPOTENCY_KEY="claim-1")
    again = client.post(f"/api/v1/tasks/{task['id']}/claim", HTTP_IDEMPOTENCY_KEY="claim-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()


def test_bad_box_is_400(cast, as_user):
    assert_error(as_user(cast["clerk_a"]).get("/api/v1/tasks/", {"box": "everything"}), 400)


# --- sites -----------------------------------------------------------------------------------

@pytest.fixture
def site(areas):
    return SiteFactory(area=areas["county"], name="幸福家园安置点")


def site_url(site, rest=""):
    return f"/api/v1/sites/{site.pk}/{rest}"


def test_sites_are_listed_within_scope(cast, officials, site, as_user):
    assert [s["id"] for s in as_user(officials["county_office"]).get("/api/v1/sites/").json()["results"]] == [site.pk]
    assert as_user(cast["other_reviewer"]).get("/api/v1/sites/").json()["results"] == []
    assert_error(as_user(cast["other_reviewer"]).get(site_url(site)), 404)
    body = as_user(officials["county_office"]).get(site_url(site)).json()
    assert body["stage"] == "selection" and body["stage_label"] == "选址规划"


def test_site_selection_through_the_api(officials, site, as_user):
    office, natres = as_user(officials["county_office"]), as_user(officials["natres"])
    offer = natres.get(site_url(site, "transitions/")).json()["transitions"]
    assert [(t["name"], t["available"]) for t in offer] == [("selection_opinion", False)]
    for kind in ("site_selection_study", "geological_hazard_assessment"):
        r = office.post(site_url(site, "evidence/"), {"file": png_file(), "kind": kind, "stage": "selection"},
                        format="multipart")
        assert r.status_code == 201, r.json()
    assert natres.get(site_url(site, "transitions/")).json()["transitions"][0]["available"] is True
    r = natres.post(site_url(site, "transitions/selection_opinion/"), {"opinion": "选址符合要求"}, format="json")
    assert r.status_code == 200, r.json()
    assert_error(natres.post(site_url(site, "transitions/selection_opinion/"), {"opinion": "再次"}, format="json"),
                 409, "already_handled")
    assert_error(as_user(officials["housing"]).post(site_url(site, "transitions/plan_submission/"),
                                                    {"opinion": "x"}, format="json"), 403, "wrong_role")
    assert_error(as_user(officials["other_reviewer"]).post(site_url(site, "transitions/selection_opinion/"),
                                                           {"opinion": "x"}, format="json"), 404)
    assert len(office.get(site_url(site, "evidence/")).json()) == 2
    history = office.get(site_url(site, "history/")).json()
    assert any(e["action"] == "site.selection_opinion.approve" for e in history)
    assert SiteLifecycle.objects.get(pk=site.pk).stage == T.SELECTION
