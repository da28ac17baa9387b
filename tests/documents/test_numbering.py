"""文号: consecutive per county, year and type; a failed generation gives its number back."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from documents import services
from documents.models import Document, DocumentVersion, NumberCounter
from documents.services import generate_document
from documents.storage import walk
from registry.models import AdminArea, AreaLevel
from tests.factories import AreaFactory

from .conftest import make_family


def test_numbers_count_up_per_type(cast, areas):
    families = [make_family(areas["village_a"]) for _ in range(3)]
    numbers = [generate_document("application_form", actor=cast["clerk_a"], household=f).document for f in families]
    assert [d.serial for d in numbers] == [1, 2, 3]
    year = timezone.localdate().year
    assert numbers[2].number == f"示例县搬迁〔{year}〕申请第3号"
    approval = generate_document("approval_form", actor=cast["reviewer"], household=families[0]).document
    assert approval.serial == 1 and "审批第1号" in approval.number


def test_each_county_has_its_own_sequence(cast, areas):
    other = AreaFactory(code="520998000000", name="邻县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520998101000", name="新镇", level=AreaLevel.TOWNSHIP, parent=other)
    village = AreaFactory(code="520998101201", name="新村", level=AreaLevel.VILLAGE, parent=town)
    mine = generate_document("application_form", actor=cast["clerk_a"], household=make_family(areas["village_a"]))
    admin = cast["county_office"].__class__.objects.create_superuser("root", password="pw-for-tests-1")
    theirs = generate_document("application_form", actor=admin, household=make_family(village))
    assert mine.document.serial == theirs.document.serial == 1
    assert theirs.document.number.startswith("邻县搬迁〔")
    assert NumberCounter.objects.count() == 2
    assert AdminArea.objects.filter(code="520998000000").exists()


def test_a_failed_render_returns_its_number_and_leaves_no_file(cast, family_a, monkeypatch, archive_root):
    def broken(html):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(services, "render_html", broken)
    with pytest.raises(RuntimeError):
        generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    monkeypatch.undo()
    assert not Document.objects.exists()
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    assert version.document.serial == 1


def test_a_failure_after_storing_removes_the_stored_file(cast, family_a, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record", broken_audit)
    with pytest.raises(RuntimeError):
        generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    assert not DocumentVersion.objects.exists()
    assert list(walk("documents")) == []
    assert not AuditEvent.objects.filter(action="document.generate").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_documents_get_twenty_consecutive_numbers(cast, areas):
    families = [make_family(areas["village_a" if i % 2 else "village_b"], size=1) for i in range(20)]
    actor = cast["county_office"]
    start = threading.Barrier(20)
    numbers, errors = [], []

    def generate(family):
        try:
            start.wait(timeout=30)
            numbers.append(generate_document("application_form", actor=actor, household=family).document.serial)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate, args=(f,)) for f in families]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
    assert Document.objects.values("number").distinct().count() == 20
    assert NumberCounter.objects.get().last_serial == 20
