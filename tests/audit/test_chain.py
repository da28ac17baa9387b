"""The audit trail is a chain: verify passes when intact and names the first rewritten event."""

import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.log import record
from audit.models import AuditEvent
from audit.verify import verify_chain


@contextmanager
def behind_the_applications_back():
    """Rewrite rows as an intruder with database access would: on PostgreSQL the append-only
    trigger is disabled first (and re-enabled after), SQLite has no trigger to disable."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def write_events(n, actor=None):
    return [record(actor, "test.event", None, {"n": i, "text": "公示", "amount": "10000.00"}) for i in range(n)]


def test_events_link_to_their_predecessor(db):
    first, second = write_events(2)
    assert second.prev_hash == first.hash
    assert verify_chain().ok


def test_event_records_actor_target_area_and_ip(cast, household_a, rf):
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    event = record(cast["clerk_a"], "household.change", household_a, {"before": {}, "after": {}}, request=request)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_username, stored.ip_address, stored.area_code) == ("clerk_a", "10.1.2.3", "520999101201")
    assert (stored.target_type, stored.target_id) == ("registry.household", str(household_a.pk))


def test_verify_audit_command_passes_on_an_intact_chain(db, capsys):
    write_events(3)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "共校验 3 个事件" in out and "每秒" in out  # its speed, for planning a province's check


def test_an_event_rolled_back_with_its_change_leaves_the_chain_intact(db):
    write_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(None, "test.event", None, {"n": "lost"})
        raise RuntimeError("the change failed")
    write_events(1)
    assert verify_chain().ok and AuditEvent.objects.count() == 2


def test_a_rewritten_event_is_named(db):
    events = write_events(5)
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[2].pk).update(data={"n": 99})
    report = verify_chain()
    assert report.broken_event_id == events[2].pk
    with pytest.raises(CommandError, match=f"事件 #{events[2].pk}"):
        call_command("verify_audit")


def test_a_deleted_event_is_detected(db):
    events = write_events(4)
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert verify_chain().broken_event_id == events[2].pk


def test_a_deleted_last_event_is_detected(db):
    events = write_events(3)
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert not verify_chain().ok



@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_events(db):
    [event] = write_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.postgres
def test_tampering_with_the_trigger_disabled_is_named_by_verify(db):
    events = write_events(4)
    with behind_the_applications_back(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'someone' WHERE id = %s", [events[1].pk])
    assert verify_chain().broken_event_id == events[1].pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_leave_one_unbroken_chain():
    write_events(1)
    barrier = threading.Barrier(20)
    errors = []

    def writer(i):
        try:
            barrier.wait()
            with transaction.atomic():
                record(None, "test.concurrent", None, {"thread": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 20
    report = verify_chain()
    assert report.ok and report.checked == 21
    assert len(set(AuditEvent.objects.values_list("prev_hash", flat=True))) == 21


# ---------------------------------------------------------------- the actor's posts at the time


def test_an_event_stores_the_posts_its_actor_holds_over_its_area(cast, household_a, household_b):
    event = AuditEvent.objects.get(pk=record(cast["reviewer"], "household.change", household_a).pk)
    assert event.actor_posts == [{"role": "role_township_reviewer", "label": "乡镇审核员"}]
    # A post over another area is not a post over this one; a system event and an event without an
    # area store none.
    assert AuditEvent.objects.get(pk=record(cast["clerk_a"], "x.view", household_b).pk).actor_posts == []
    assert AuditEvent.objects.get(pk=record(None, "x.system", household_a).pk).actor_posts is None
    assert AuditEvent.objects.get(pk=record(cast["clerk_a"], "x.login").pk).actor_posts is None
    given = record(cast["clerk_a"], "x.given", household_a, posts=[{"role": "r", "label": "给定"}])
    assert AuditEvent.objects.get(pk=given.pk).actor_posts == [{"role": "r", "label": "给定"}]
    assert verify_chain().ok


def test_events_recorded_before_posts_were_kept_still_verify(cast, household_a, monkeypatch, capsys):
    import audit.log

    with monkeypatch.context() as patched:
        patched.setattr(audit.log, "_posts_provider", None)  # as before posts were stored
        old = [record(cast["clerk_a"], "household.change", household_a) for _ in range(2)]
    new = record(cast["clerk_a"], "household.change", household_a)
    assert [AuditEvent.objects.get(pk=e.pk).actor_posts for e in old] == [None, None]
    assert AuditEvent.objects.get(pk=new.pk).actor_posts == [{"role": "role_village_clerk",
                                                               "label": "村级经办人（村文书）"}]
    assert new.prev_hash == old[-1].hash
    report = verify_chain()
    assert report.ok and report.checked == 3
    call_command("verify_audit")
    assert "共校验 3 个事件" in capsys.readouterr().out


def test_rewritten_posts_are_named_by_verify(cast, household_a, monkeypatch):
    import audit.log

    with monkeypatch.context() as patched:
        patched.setattr(audit.log, "_posts_provider", None)
        old = record(cast["clerk_a"], "household.change", household_a)
    events = [record(cast["clerk_a"], "household.change", household_a) for _ in range(3)]
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_posts=[{"role": "role_county_office",
                                                                         "label": "县易地扶贫搬迁办公室"}])
    assert verify_chain().broken_event_id == events[1].pk
    with pytest.raises(CommandError, match=f"事件 #{events[1].pk}"):
        call_command("verify_audit")
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_posts=events[1].actor_posts)
        # Giving an old event posts it never had, or wiping a new event's, is a rewrite too.
        AuditEvent.objects.filter(pk=old.pk).update(actor_posts=[])
    assert verify_chain().broken_event_id == old.pk
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=old.pk).update(actor_posts=None)
        AuditEvent.objects.filter(pk=events[2].pk).update(actor_posts=None)
    assert verify_chain().broken_event_id == events[2].pk
