"""What the one transition service guarantees: one winner in a race, bounded queries, and all or
nothing when something fails after the state changed."""

import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.log import record
from audit.models import AuditEvent
from registry.models import HouseholdStage as S
from tests.conftest import make_official
from tests.workflows.conftest import upload
from tests.workflows.test_walk import approve, walk_to_approval
from workflows.households import service
from workflows.models import Opinion
from workflows import acting


def application_ready(household, give):
    give(household, "hukou_scan", "current_house_photo", "signed_application")


def test_the_query_count_of_a_transition_does_not_grow_with_the_case_history(officials, give, areas):
    from tests.factories import HouseholdFactory

    counts = []
    # The first transition of a process warms caches (content types, permissions): measure after.
    for history in (0, 1, 50):
        household = HouseholdFactory(village=areas["village_a"])
        application_ready(household, give)
        for i in range(history):
            record(officials["clerk_a"], "household.note", household, {"i": i})
            Opinion.objects.create(household=household, stage="apply", round=0, step="note", decision="approve",
                                   actor=officials["clerk_a"])
        fresh = type(household).objects.get(pk=household.pk)
        with CaptureQueriesContext(connection) as queries:
            approve(fresh, "submit_application", officials["clerk_a"])
        counts.append(len(queries))
    assert counts[1] == counts[2], counts
    assert counts[1] <= 60, counts


def test_a_failure_after_the_state_change_leaves_everything_as_before(officials, give, household):
    application_ready(household, give)
    before = (AuditEvent.objects.count(), Opinion.objects.count())

    def failing_record(actor, action, *args, **kwargs):
        if action == "household.stage_change":
            raise RuntimeError("audit store unavailable")
        return record(actor, action, *args, **kwargs)

    with mock.patch("workflows.households.service.record", side_effect=failing_record):
        with pytest.raises(RuntimeError):
            approve(household, "submit_application", officials["clerk_a"])
    fresh = type(household).objects.get(pk=household.pk)
    assert (fresh.stage, fresh.stage_round) == (S.APPLY, household.stage_round)
    assert (AuditEvent.objects.count(), Opinion.objects.count()) == before
    from workflows.models import HouseholdProcess

    assert list(HouseholdProcess.objects.filter(household=household).values_list("stage", "status")) == [
        ("apply", "NEW")
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_officials_approving_the_same_step_at_once_yield_one_approval(areas, settings, tmp_path):
    from documents.evidence.services import ingest_evidence
    from tests.factories import HouseholdFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    county_office = make_official("county_office", "role_county_office", areas["county"])
    reviewers = [make_official(f"reviewer{i}", "role_township_reviewer", areas["town"]) for i in range(20)]
    household = HouseholdFactory(village=areas["village_a"])
    for kind in ("hukou_scan", "current_house_photo", "signed_application"):
        ingest_evidence(actor=county_office, upload=upload(), stage=S.APPLY, kind=kind, household=household)
    # Put the case in 审核 with the survey uploaded, the state the race starts from.
    clerk = make_official("clerk", "role_village_clerk", areas["village_a"])
    approve(household, "submit_application", clerk)
    type(household).objects.filter(pk=household.pk).update(stage=S.APPROVAL, stage_round=7)
    ingest_evidence(actor=county_office, upload=upload(), stage=S.APPROVAL, kind="household_survey",
                    household=household)
    events_before = AuditEvent.objects.count()

    barrier = threading.Barrier(20)
    results = []

    def attempt(user):
        try:
            barrier.wait()
            service.decide(household.pk, step="township_review", actor=user, decision="approve", opinion="同意")
            results.append("ok")
        except acting.AlreadyHandled:
            results.append("already")
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already"] * 19 + ["ok"]
    assert Opinion.objects.filter(household=household, step="township_review").count() == 1
    assert AuditEvent.objects.filter(action="household.township_review.approve").count() == 1
    assert AuditEvent.objects.count() == events_before + 1
    from audit.verify import verify_chain

    assert verify_chain().ok


def test_a_stale_page_submitting_a_step_already_passed_gets_already_handled(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    with pytest.raises(acting.AlreadyHandled):
        approve(household, "submit_application", officials["clerk_a"])


def test_nothing_but_a_transition_can_write_the_stage(household):
    with pytest.raises(AttributeError):
        household.stage = S.FOLLOW_UP
    with transaction.atomic():
        assert type(household).objects.get(pk=household.pk).stage == S.APPLY
