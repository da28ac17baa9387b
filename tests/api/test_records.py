"""Evidence (list, multipart upload, download), documents (list, PDF) and the history timeline."""

import pytest

from audit.models import AuditEvent
from documents.models import Evidence
from tests.api.conftest import assert_error
from tests.api.helpers import png, png_file, upload_evidence


def ev_url(household):
    return f"/api/v1/households/{household.pk}/evidence/"


# --- evidence --------------------------------------------------------------------------------

def test_clerk_uploads_evidence_and_lists_it(cast, household, as_user):
    client = as_user(cast["clerk_a"])
    r = upload_evidence(client, household.pk, "hukou_scan", "apply")
    assert r.status_code == 201, r.json()
    item = r.json()
    assert item["kind"] == "hukou_scan" and item["kind_label"] == "户口簿扫描件"
    assert item["content_type"] == "image/png" and len(item["sha256"]) == 64 and len(item["sm3"]) == 64
    assert [e["id"] for e in client.get(ev_url(household)).json()] == [item["id"]]
    assert AuditEvent.objects.filter(action="evidence.upload").count() == 1


def test_evidence_file_downloads_and_is_logged(cast, household, as_user):
    client = as_user(cast["clerk_a"])
    item = upload_evidence(client, household.pk, "hukou_scan", "apply").json()
    r = client.get(item["file_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == png()
    assert r["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="evidence.download", actor_username="clerk_a").count() == 1


def test_evidence_of_another_village_is_404_everywhere(cast, household, as_user):
    item = upload_evidence(as_user(cast["clerk_a"]), household.pk, "hukou_scan", "apply").json()
    other = as_user(cast["clerk_b"])
    assert_error(other.get(ev_url(household)), 404)
    assert_error(other.get(item["file_url"]), 404)
    assert_error(upload_evidence(other, household.pk, "hukou_scan", "apply"), 404)


def test_auditor_reads_evidence_but_may_not_upload(cast, household, as_user):
    upload_evidence(as_user(cast["clerk_a"]), household.pk, "hukou_scan", "apply")
    auditor = as_user(cast["auditor"])
    assert len(auditor.get(ev_url(household)).json()) == 1
    assert_error(upload_evidence(auditor, household.pk, "hukou_scan", "apply"), 403)


@pytest.mark.parametrize("fields,field", [({"kind": "selfie"}, "kind"), ({"stage": "heaven"}, "stage"),
                                          ({"file": None}, "file")])
def test_bad_upload_fields_are_400(cast, household, as_user, fields, field):
    data = {"file": png_file(), "kind": "hukou_scan", "stage": "apply", **fields}
    data = {k: v for k, v in data.items() if v is not None}
    body = assert_error(as_user(cast["clerk_a"]).post(ev_url(household), data, format="multipart"), 400)
    assert field in body["fields"]
    assert not Evidence.objects.exists()


def test_content_that_is_no_image_is_refused(cast, household, as_user):
    import io

    fake = io.BytesIO(b"MZ\x90\x00 this is an executable")
    fake.name = "photo.png"
    r = as_user(cast["clerk_a"]).post(ev_url(household), {"file": fake, "kind": "hukou_scan", "stage": "apply"},
                                      format="multipart")
    assert_error(r, 400)
    assert not Evidence.objects.exists()


def test_a_name_with_a_path_is_refused_not_renamed(cast, household, as_user):
    # Django's test client strips paths from file names; a real client may not: send raw bytes.
    boundary = "BoUnDaRy"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (("kind", "hukou_scan"), ("stage", "apply"))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/x.png"\r\n'
                 "Content-Type: image/png\r\n\r\n".encode() + png() + b"\r\n")
    payload = b"".join(parts) + f"--{boundary}--\r\n".encode()
    r = as_user(cast["clerk_a"]).generic("POST", ev_url(household), payload,
                                         content_type=f"multipart/form-data; boundary={boundary}")
    body = assert_error(r, 400, "name_path")
    assert "文件名不合法" in body["message"]


def test_an_oversize_upload_is_413(cast, household, as_user, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 50
    body = assert_error(upload_evidence(as_user(cast["clerk_a"]), household.pk, "hukou_scan", "apply"), 413,
                        "too_large")
    assert "超过上限" in body["message"]
    assert not Evidence.objects.exists()


def test_a_body_far_over_the_limit_is_413_unread(cast, household, as_user, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    big = png_file()
    big.write(b"\0" * 200_000)
    big.seek(0)
    r = as_user(cast["clerk_a"]).post(ev_url(household), {"file": big, "kind": "hukou_scan", "stage": "apply"},
                                      format="multipart")
    assert_error(r, 413, "too_large")


def test_json_body_on_upload_is_415(cast, household, as_user):
    r = as_user(cast["clerk_a"]).post(ev_url(household), {"kind": "hukou_scan"}, format="json")
    assert_error(r, 415)


# --- documents -------------------------------------------------------------------------------

@pytest.fixture
def rendered(household, officials, give, django_capture_on_commit_callbacks):
    from workflows.households import service

    give(household, "hukou_scan", "current_house_photo", "signed_application")
    with django_capture_on_commit_callbacks(execute=True):
        service.decide(household.pk, step="submit_application", actor=officials["clerk_a"], decision="approve",
                        opinion="同意")
    return household


def test_documents_list_and_pdf(cast, rendered, as_user):
    client = as_user(cast["clerk_a"])
    documents = client.get(f"/api/v1/households/{rendered.pk}/documents/").json()
    assert [d["doc_type"] for d in documents] == ["application_form"]
    assert documents[0]["number"] and documents[0]["versions"][0]["version"] == 1
    r = client.get(documents[0]["pdf_url"])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")


def test_documents_of_another_village_are_404(cast, rendered, as_user):
    client = as_user(cast["clerk_a"])
    pdf_url = client.get(f"/api/v1/households/{rendered.pk}/documents/").json()[0]["pdf_url"]
    other = as_user(cast["clerk_b"])
    assert_error(other.get(f"/api/v1/households/{rendered.pk}/documents/"), 404)
    assert_error(other.get(pdf_url), 404)
    assert_error(other.get("/api/v1/documents/999999/pdf"), 404)


# --- history ---------------------------------------------------------------------------------

def test_an_official_reads_the_case_timeline(cast, rendered, as_user):
    entries = as_user(cast["clerk_a"]).get(f"/api/v1/households/{rendered.pk}/history/").json()
    kinds = {e["kind"] for e in entries}
    assert "opinion" in kinds and "stage" in kinds
    assert kinds <= {"stage", "opinion", "task"}
    assert all("ip" not in e["detail"] for e in entries)


def test_an_auditor_reads_the_full_history_and_the_read_is_logged(cast, rendered, as_user):
    entries = as_user(cast["auditor"]).get(f"/api/v1/households/{rendered.pk}/history/").json()
    assert {"evidence", "opinion", "stage"} <= {e["kind"] for e in entries}
    assert AuditEvent.objects.filter(action="supervision.history_view", actor_username="auditor").count() == 1


def test_history_of_another_village_is_404(cast, rendered, as_user):
    assert_error(as_user(cast["clerk_b"]).get(f"/api/v1/households/{rendered.pk}/history/"), 404)


def test_an_auditors_reads_of_a_household_are_logged_and_an_officials_are_not(cast, household, as_user):
    from audit.models import AuditEvent

    for who in ("auditor", "clerk_a"):
        client = as_user(cast[who])
        client.get(f"/api/v1/households/{household.pk}/")
        client.get(f"/api/v1/households/{household.pk}/documents/")
        client.get(f"/api/v1/households/{household.pk}/evidence/")
    reads = AuditEvent.objects.filter(action="household.view")
    assert reads.count() == 3 and set(reads.values_list("actor_username", flat=True)) == {"auditor"}
    assert {e.data["via"] for e in reads} == {"api"}
