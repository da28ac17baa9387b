"""Forms signed during their stage (竣工验收单 at 验收, 入住确认书 at 入住) are printed from the case
page for signing before anyone uploads the signed scan; leaving the stage prints them again as a
new version of the same document, with the recorded decisions."""

from django.urls import reverse

from documents.models import Document
from registry.models import HouseholdStage as S
from tests.workflows.test_walk import approve, stage_of

from .conftest import walk_to_approval


def to_acceptance(household, officials, give, areas):
    walk_to_approval(household, officials, give, areas)
    give(household, "household_survey")
    approve(household, "township_review", officials["reviewer"])
    approve(household, "county_approval", officials["county_office"])
    give(household, "signed_agreement", "construction_photo")
    approve(household, "start_record", officials["reviewer"])
    assert stage_of(household) == S.ACCEPTANCE


def print_url(household, kind="acceptance_form"):
    return reverse("approvals:print_for_signing", args=[household.pk, kind])


def test_the_reviewer_prints_the_acceptance_form_for_signing_and_leaving_makes_its_final_version(
        login, officials, give, areas, household, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        to_acceptance(household, officials, give, areas)
    client = login(officials["reviewer"])
    assert "打印待签竣工验收单" in client.get(reverse("approvals:case", args=[household.pk])).content.decode()

    response = client.post(print_url(household))
    printed = Document.objects.get(doc_type="acceptance_form", household=household)
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[printed.pk])
    assert printed.versions.count() == 1
    assert client.post(print_url(household)).status_code == 302  # printing again opens the same document
    assert Document.objects.filter(doc_type="acceptance_form", household=household).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        give(household, "inspection_photo", "signed_confirmation")
        approve(household, "household_confirmation", officials["reviewer"])
        approve(household, "township_acceptance", officials["leader"])
        approve(household, "housing_acceptance", officials["housing"], changes={"actual_floor_area": "25.00"})
    assert stage_of(household) == S.MOVE_IN
    final = Document.objects.get(doc_type="acceptance_form", household=household)
    assert final.number == printed.number
    assert list(final.versions.order_by("version").values_list("version", "reason")) == [
        (1, ""), (2, "阶段办结，按办理结果更新")]


def test_a_form_of_another_stage_is_not_printed_for_signing(login, officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    response = login(officials["reviewer"]).post(print_url(household))
    assert response.status_code == 404
    assert not Document.objects.filter(doc_type="acceptance_form").exists()


def test_an_auditor_prints_nothing(login, officials, give, areas, household):
    to_acceptance(household, officials, give, areas)
    assert login(officials["auditor"]).post(print_url(household)).status_code == 403
    assert not Document.objects.filter(doc_type="acceptance_form").exists()
