"""Every auditor read of a personal record is itself logged (issue 8, part 5): the household's
pages, a member's full ID number, the history, documents and evidence — with who, what and where
from. Officials' everyday page reads are not (their downloads and reveals are)."""

import pytest

from audit.models import AuditEvent
from documents.models import Evidence
from documents.services import generate_document


@pytest.fixture
def case(officials, give, household):
    give(household, "hukou_scan")
    version = generate_document("application_form", actor=officials["county_office"], household=household)
    return {"household": household, "version": version, "document": version.document,
            "evidence": Evidence.objects.get(household=household), "member": household.members.first()}


def reads(case):
    h, e, d, v, m = case["household"], case["evidence"], case["document"], case["version"], case["member"]
    return [
        ("get", f"/households/{h.pk}/", "household.view", "registry.household", h.pk),
        ("get", f"/cases/{h.pk}/", "household.view", "registry.household", h.pk),
        ("get", f"/documents/household/{h.pk}/", "household.view", "registry.household", h.pk),
        ("post", f"/households/{h.pk}/members/{m.pk}/reveal-id/", "member.reveal_id", "registry.member", m.pk),
        ("get", f"/supervision/households/{h.pk}/history/", "supervision.history_view", "registry.household", h.pk),
        ("get", f"/supervision/households/{h.pk}/history.xlsx", "supervision.history_export", "registry.household",
         h.pk),
        ("get", f"/documents/{d.pk}/", "document.view", "documents.document", d.pk),
        ("get", f"/documents/versions/{v.pk}/download/", "document.download", "documents.documentversion", v.pk),
        ("get", f"/print/versions/{v.pk}/", "document.download", "documents.documentversion", v.pk),
        ("get", f"/evidence/{e.pk}/", "evidence.view", "documents.evidence", e.pk),
        ("get", f"/evidence/{e.pk}/thumbnail/", "evidence.view", "documents.evidence", e.pk),
        ("get", f"/evidence/{e.pk}/download/", "evidence.download", "documents.evidence", e.pk),
    ]


def test_every_auditor_read_of_a_personal_record_is_an_audit_event(officials, case, login):
    client = login(officials["auditor"])
    for method, url, action, target_type, target_id in reads(case):
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        response = getattr(client, method)(url, REMOTE_ADDR="10.7.7.7")
        assert response.status_code == 200, url
        new = AuditEvent.objects.filter(id__gt=last, action=action)
        assert [(e.actor_username, e.target_type, e.target_id, e.ip_address) for e in new] == [
            ("auditor", target_type, str(target_id), "10.7.7.7")], url


def test_the_auditors_reads_show_in_the_households_history(officials, case, login):
    client = login(officials["auditor"])
    household = case["household"]
    client.get(f"/households/{household.pk}/")
    client.get(f"/evidence/{case['evidence'].pk}/")
    entries = client.get(f"/supervision/households/{household.pk}/history/", {"kind": ["view"]}).context["entries"]
    assert [(e.action, e.actor) for e in entries][:2] == [("household.view", "auditor"), ("evidence.view", "auditor")]
    assert entries[0].label == "查阅搬迁户信息"


def test_a_village_clerks_page_reads_are_not_logged(officials, case, login):
    client = login(officials["clerk_a"])
    before = AuditEvent.objects.count()
    for url in (f"/households/{case['household'].pk}/", f"/cases/{case['household'].pk}/",
                f"/evidence/{case['evidence'].pk}/"):
        assert client.get(url).status_code == 200
    assert AuditEvent.objects.count() == before
