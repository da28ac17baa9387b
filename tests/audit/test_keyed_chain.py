"""An audit trail a database administrator cannot rewrite (issue 15 item 3): the chain is keyed
(HMAC-SM3 under a key from the environment, named by its key id), and signed checkpoints of the
head are written outside the database. Someone who can run any SQL but does not hold the key —
editing an event and recomputing the whole chain and the head — is caught by verify_audit
(exit 1, naming where)."""

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit import checkpoints
from audit.chain import canonical
from audit.log import record
from audit.models import AuditEvent, ChainHead
from audit.verify import verify_chain
from tests.audit.test_chain import behind_the_applications_back, write_events

TEST_KEY = bytes.fromhex("746573742d61756469742d636861696e2d6b6579")


def recompute_without_the_key(*, strip_key_id=False):
    """What an intruder with database access does: recompute every event's hash (SHA-256, the only
    hash he can compute without the key) and the chain head, as plain SQL would."""
    prev = "0" * 64
    events = list(AuditEvent.objects.order_by("id"))
    with behind_the_applications_back(), connection.cursor() as cursor:
        for event in events:
            if strip_key_id:
                event.key_id = ""
            event.prev_hash = prev
            event.hash = hashlib.sha256(canonical(event)).hexdigest()
            cursor.execute("UPDATE audit_auditevent SET key_id = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [event.key_id, event.prev_hash, event.hash, event.id])
            prev = event.hash
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [prev])


def test_each_event_is_keyed_with_hmac_sm3_under_the_configured_key_id(db):
    [event] = write_events(1)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.key_id == "test-audit1"
    assert stored.hash == hmac.new(TEST_KEY, canonical(stored), "sm3").hexdigest()
    assert stored.hash != hashlib.sha256(canonical(stored)).hexdigest()
    assert verify_chain().ok


def test_an_event_edited_and_the_whole_chain_recomputed_is_named_by_verify_audit(db):
    events = write_events(5)
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[2].pk).update(data={"n": 2, "text": "公示", "amount": "99999.00"})
    recompute_without_the_key()
    head = ChainHead.objects.get(pk=1)
    assert head.last_hash == AuditEvent.objects.order_by("-id").first().hash  # the head agrees, as he made it
    with pytest.raises(CommandError, match=f"事件 #{events[0].pk}：事件内容与其哈希不符"):
        call_command("verify_audit")


def test_a_chain_stripped_of_its_key_ids_and_recomputed_is_caught_by_the_signed_checkpoint(db):
    events = write_events(4)
    checkpoint = checkpoints.write_checkpoint()
    assert checkpoint.event_id == events[-1].pk and checkpoint.events == 4
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"n": "rewritten"})
    recompute_without_the_key(strip_key_id=True)
    report = verify_chain()
    assert report.broken_event_id == events[-1].pk
    assert f"与检查点 {checkpoint.code}" in report.problem and "重算了整条链" in report.problem
    with pytest.raises(CommandError, match=f"事件 #{events[-1].pk}"):
        call_command("verify_audit")


def test_a_deleted_tail_and_head_rewritten_to_match_are_caught_by_the_checkpoint(db):
    events = write_events(4)
    checkpoints.write_checkpoint()
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    ChainHead.objects.filter(pk=1).update(last_event_id=events[-2].pk, last_hash=events[-2].hash)
    report = verify_chain()
    assert report.broken_event_id == events[-1].pk and "已不存在" in report.problem


def test_an_altered_checkpoint_file_is_reported(db):
    write_events(2)
    checkpoint = checkpoints.write_checkpoint()
    storage = checkpoints._storage()
    with storage.open(checkpoint.name, "rb") as f:
        values = json.loads(f.read())
    values["events"] = 1
    storage.delete(checkpoint.name)
    storage.save(checkpoint.name, io.BytesIO(json.dumps(values).encode()))
    report = verify_chain()
    assert not report.ok and "检查点签名不符" in report.problem


def test_verify_audit_says_how_many_checkpoints_agree(db, capsys):
    write_events(2)
    checkpoints.write_checkpoint()
    write_events(1)
    checkpoints.write_checkpoint()
    call_command("verify_audit")
    assert "共校验 3 个事件，与 2 个签名检查点一致" in capsys.readouterr().out


def test_a_rotated_key_still_verifies_older_events_and_an_unknown_key_id_is_named(db, settings):
    old = write_events(2)
    settings.AUDIT_CHAIN_KEYS = "test-audit2:" + "11" * 32 + ",test-audit1:" + TEST_KEY.hex()
    new = write_events(1)
    assert AuditEvent.objects.get(pk=new[0].pk).key_id == "test-audit2"
    assert verify_chain().ok
    settings.AUDIT_CHAIN_KEYS = "test-audit2:" + "11" * 32
    report = verify_chain()
    assert report.broken_event_id == old[0].pk and "test-audit1" in report.problem


def test_the_audit_checkpoint_command_prints_the_short_code(db, capsys):
    write_events(3)
    call_command("audit_checkpoint")
    [checkpoint] = checkpoints.read_all()[0]
    out = capsys.readouterr().out
    assert checkpoint.code in out and f"事件 #{checkpoint.event_id}" in out
    assert len(checkpoint.code) == 9 and checkpoint.code[4] == "-"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dba_rewrite_in_plain_sql_is_detected_by_verify_audit_with_exit_1():
    """The issue's scenario on PostgreSQL, entirely in SQL: the trigger disabled, an event's data
    edited, every hash recomputed with the database's own sha256() in chain order, the head set;
    then `manage.py verify_audit` run as the operator runs it."""
    events = [record(None, "household.change", None, {"amount": "10000.00", "n": i}) for i in range(4)]
    with behind_the_applications_back(), connection.cursor() as cursor:
        cursor.execute("""UPDATE audit_auditevent SET data = '{"amount": "1.00", "n": 1}' WHERE id = %s""",
                       [events[1].pk])
        prev = "0" * 64
        for event in AuditEvent.objects.order_by("id"):  # the canonical form is in the source: he can build it
            event.prev_hash = prev
            cursor.execute("UPDATE audit_auditevent SET prev_hash = %s, hash = encode(sha256(%s), 'hex') "
                           "WHERE id = %s RETURNING hash", [prev, canonical(event), event.id])
            prev = cursor.fetchone()[0]
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [prev])
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    result = subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"审计链校验失败：事件 #{events[0].pk}：事件内容与其哈希不符" in result.stderr
