"""The public verification page: /verify/<code>/, no login."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.services import generate_document, regenerate_document
from registry.models import Member

from .conftest import stored_bytes


@pytest.fixture
def notice(cast, family_a):
    return generate_document("public_notice", actor=cast["clerk_a"], households=[family_a])


def url(version_or_code):
    code = getattr(version_or_code, "verify_code", version_or_code)
    return reverse("documents:verify", args=[code])


def test_it_shows_the_record_without_login(client, notice):
    response = client.get(url(notice))
    assert response.status_code == 200
    page = response.content.decode()
    for fact in (notice.document.number, "公示", notice.sha256, notice.sm3, "示例县易地扶贫搬迁工作领导小组办公室",
                 "现行有效版本"):
        assert fact in page
    # The code in the address reaches no other site (same-origin: the page's own file check still works).
    assert response["Referrer-Policy"] == "same-origin"


def test_it_reveals_no_personal_data(client, family_a, notice):
    page = client.get(url(notice)).content.decode()
    for member in Member.objects.filter(household=family_a):
        assert member.name not in page
        assert member.id_number not in page
        assert member.id_number_masked not in page
    assert family_a.number not in page
    assert "13812345678" not in page


def test_a_forged_code_is_404(client, notice):
    forged = notice.verify_code[:-1] + ("0" if notice.verify_code[-1] != "0" else "1")
    assert client.get(url(forged)).status_code == 404
    assert client.get("/verify/not-a-code/").status_code == 404
    assert client.get("/verify/" + "A" * 200 + "/").status_code == 404


def test_a_typed_code_is_forgiving(client, notice):
    code = notice.verify_code
    typed = "-".join(code[i:i + 4] for i in range(0, 20, 4)).lower()
    response = client.get(reverse("documents:verify_lookup"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == url(notice)


def test_an_old_version_says_it_was_replaced(client, cast, notice):
    regenerate_document(notice.document, actor=cast["clerk_a"], reason="更正")
    page = client.get(url(notice)).content.decode()
    assert "已被第2版" in page


def test_an_uploaded_copy_is_checked_by_hash(client, notice):
    same = SimpleUploadedFile("copy.pdf", stored_bytes(notice), content_type="application/pdf")
    page = client.post(url(notice), {"file": same}).content.decode()
    assert "一致：上传的文件与本文书第1版完全相同" in page
    altered = bytearray(stored_bytes(notice))
    altered[-20] ^= 1
    page = client.post(url(notice), {"file": SimpleUploadedFile("x.pdf", bytes(altered))}).content.decode()
    assert "不一致" in page


def test_an_uploaded_earlier_version_is_named(client, cast, notice):
    newer = regenerate_document(notice.document, actor=cast["clerk_a"], reason="更正")
    old_copy = SimpleUploadedFile("old.pdf", stored_bytes(notice))
    page = client.post(url(newer), {"file": old_copy}).content.decode()
    assert "与本文书第1版相同" in page


def test_the_upload_form_is_csrf_protected(notice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(notice), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert response.status_code == 403
