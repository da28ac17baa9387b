"""Idempotency-Key: a retried POST answers with the first result and acts no second time."""

from audit.models import AuditEvent
from documents.models import Evidence
from registry.models import Household
from tests.api.conftest import assert_error
from tests.api.helpers import household_body, png_file, transition
from workflows.models import Opinion

URL = "/api/v1/households/"


def test_a_retried_registration_returns_the_first_result_and_registers_once(cast, as_user):
    client, body = as_user(cast["clerk_a"]), household_body()
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="reg-7f3a")
    assert first.status_code == 201
    events = AuditEvent.objects.count()
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="reg-7f3a")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Household.objects.count() == 1 and AuditEvent.objects.count() == events


def test_a_retried_transition_returns_the_first_result_and_acts_once(cast, household, give, as_user):
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    client = as_user(cast["clerk_a"])
    first = transition(client, household.pk, "submit_application", HTTP_IDEMPOTENCY_KEY="k-1")
    again = transition(client, household.pk, "submit_application", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Opinion.objects.filter(household=household).count() == 1
    assert AuditEvent.objects.filter(action="household.stage_change").count() == 1


def test_a_retried_upload_stores_one_item(cast, household, as_user):
    client = as_user(cast["clerk_a"])
    for _ in range(2):
        r = client.post(f"{URL}{household.pk}/evidence/", {"file": png_file(), "kind": "hukou_scan",
                                                            "stage": "apply"}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="upload-1")
        assert r.status_code == 201
    assert Evidence.objects.filter(household=household).count() == 1


def test_the_same_key_for_another_request_is_422(cast, as_user):
    client = as_user(cast["clerk_a"])
    assert client.post(URL, household_body(), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    r = client.post(URL, household_body(seq=2), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert_error(r, 422, "idempotency_key_reused")
    assert Household.objects.count() == 1


def test_keys_belong_to_their_official(cast, areas, as_user):
    """Another official's identical key is another request."""
    assert as_user(cast["clerk_a"]).post(URL, household_body(), format="json",
                                         HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    r = as_user(cast["county_office"]).post(URL, household_body(seq=2), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert r.status_code == 201 and Household.objects.count() == 2


def test_a_refusal_is_not_remembered(cast, household, give, as_user):
    client = as_user(cast["clerk_a"])
    assert_error(transition(client, household.pk, "submit_application", HTTP_IDEMPOTENCY_KEY="later"), 400)
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    assert transition(client, household.pk, "submit_application", HTTP_IDEMPOTENCY_KEY="later").status_code == 200


def test_a_malformed_key_is_400(cast, as_user):
    r = as_user(cast["clerk_a"]).post(URL, household_body(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 200)
    assert_error(r, 400, "bad_idempotency_key")
    assert not Household.objects.exists()
