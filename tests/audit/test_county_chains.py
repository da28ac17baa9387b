"""One audit chain per county (issue 18 item 6): a county's writers lock only their county's head,
each chain verifies alone, and the signed checkpoints anchor every head."""

import threading

import pytest
from django.db import connection, transaction

from audit import checkpoints
from audit.log import chain_of, record
from audit.models import AuditEvent, ChainHead, CountyChainHead
from audit.verify import verify_chain
from tests.audit.test_chain import behind_the_applications_back

COUNTY_A, COUNTY_B = "520101", "520102"


def event(area_code, n=0):
    return record(None, "test.event", None, {"n": n}, area_code=area_code)


def test_an_event_goes_on_its_countys_chain_and_links_only_to_that_chain(db):
    a1 = event(COUNTY_A + "101201")
    b1 = event(COUNTY_B + "100000")
    none1 = event("")
    a2 = event(COUNTY_A + "102203")
    province = event("52")  # shorter than a county: chain ""
    assert [e.chain for e in (a1, b1, none1, a2, province)] == [COUNTY_A, COUNTY_B, "", COUNTY_A, ""]
    assert a2.prev_hash == a1.hash and province.prev_hash == none1.hash
    assert b1.prev_hash == a1.prev_hash == none1.prev_hash == "0" * 64  # each chain starts at the genesis
    assert dict(CountyChainHead.objects.values_list("chain", "last_hash")) == {COUNTY_A: a2.hash, COUNTY_B: b1.hash}
    assert ChainHead.objects.get(pk=1).last_hash == province.hash
    report = verify_chain()
    assert report.ok and report.checked == 5


def test_the_chain_of_an_area_code():
    assert chain_of("520101101201") == "520101"
    assert chain_of("520101") == "520101"
    assert chain_of("5201") == "" and chain_of("") == "" and chain_of(None) == ""


def test_a_rewritten_event_is_named_in_its_county_chain(db):
    a = [event(COUNTY_A + "101201", n) for n in range(3)]
    [event(COUNTY_B + "101201", n) for n in range(3)]
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=a[1].pk).update(data={"n": "rewritten"})
    report = verify_chain()
    assert report.broken_event_id == a[1].pk and "事件内容与其哈希不符" in report.problem


def test_an_event_moved_to_another_countys_chain_does_not_verify(db):
    a = [event(COUNTY_A + "101201", n) for n in range(2)]
    b = [event(COUNTY_B + "101201", n) for n in range(2)]
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=b[1].pk).update(chain=COUNTY_A, prev_hash=a[1].hash)
    assert verify_chain().broken_event_id == b[1].pk  # the chain is hashed with the event


def test_a_countys_deleted_tail_is_caught_by_its_head_and_by_the_checkpoint(db):
    a = [event(COUNTY_A + "101201", n) for n in range(3)]
    b = [event(COUNTY_B + "101201", n) for n in range(3)]
    checkpoint = checkpoints.write_checkpoint()
    assert [list(h) for h in checkpoint.heads] == [[COUNTY_A, a[-1].pk, a[-1].hash], [COUNTY_B, b[-1].pk, b[-1].hash]]
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=a[-1].pk).delete()
    report = verify_chain(checkpoints=False)
    assert not report.ok and f"县级链 {COUNTY_A}的链头与最后一个事件不符" in report.problem
    # The intruder moves the head back as well: the signed checkpoint still names the lost event.
    CountyChainHead.objects.filter(chain=COUNTY_A).update(last_event_id=a[-2].pk, last_hash=a[-2].hash)
    assert verify_chain(checkpoints=False).ok
    report = verify_chain()
    assert report.broken_event_id == a[-1].pk and f"县级链 {COUNTY_A}链头不符" in report.problem


def test_a_checkpoint_written_before_chains_were_per_county_still_verifies(db):
    """Files without heads (written before this change) are read and held as they were."""
    import json

    [event("", n) for n in range(2)]
    checkpoint = checkpoints.write_checkpoint()
    storage = checkpoints._storage()
    with storage.open(checkpoint.name, "rb") as f:
        values = json.loads(f.read())
    del values[checkpoints.HEADS]
    values["signature"] = checkpoints.keyed_digest(values["key_id"], checkpoints._signed_bytes(values))
    storage.delete(checkpoint.name)
    storage.save(checkpoint.name, __import__("io").BytesIO(json.dumps(values).encode()))
    report = verify_chain()
    assert report.ok and report.checkpoints == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_county_writing_does_not_wait_for_another_county_holding_its_head():
    """County A's transaction holds its head until commit; county B's writer commits meanwhile.
    With one head for the province B would wait for A (and this test would time out)."""
    event(COUNTY_A + "101201")
    event(COUNTY_B + "101201")
    a_holds, b_done, errors = threading.Event(), threading.Event(), []

    def county_a():
        try:
            with transaction.atomic():
                event(COUNTY_A + "101201", 1)
                a_holds.set()
                b_done.wait(timeout=60)  # keep A's head locked until B has committed
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def county_b():
        try:
            a_holds.wait(timeout=60)
            with transaction.atomic():
                event(COUNTY_B + "101201", 1)
            b_done.set()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=county_a), threading.Thread(target=county_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert errors == []
    assert b_done.is_set(), "county B waited for county A's lock"
    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_county_still_queue_on_its_head():
    event(COUNTY_A + "101201")
    barrier = threading.Barrier(10)
    errors = []

    def writer(i):
        try:
            barrier.wait()
            with transaction.atomic():
                event(COUNTY_A + f"10{i % 10}201", i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    chain = list(AuditEvent.objects.filter(chain=COUNTY_A).order_by("id"))
    assert len(chain) == 11 and all(e.prev_hash == p.hash for p, e in zip(chain, chain[1:]))
    assert verify_chain().ok
