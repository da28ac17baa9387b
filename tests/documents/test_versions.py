"""Regeneration adds a version under the same 文号; every earlier version stays retrievable."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from documents.models import ImmutableRecordError
from documents.services import generate_document, regenerate_document

from .conftest import pdf_text, stored_bytes


def test_regenerating_keeps_the_number_and_the_old_pdf(cast, family_a):
    first = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    second = regenerate_document(first.document, actor=cast["reviewer"], reason="更正户主姓名")
    assert (second.version, second.document.number) == (2, first.document.number)
    assert second.verify_code != first.verify_code
    assert second.storage_name != first.storage_name
    assert stored_bytes(first)[:5] == b"%PDF-"  # still there
    assert first.is_current is False and second.is_current is True
    assert "（第2版）" in pdf_text(stored_bytes(second))
    assert second.reason == "更正户主姓名" and second.generated_by == cast["reviewer"]


def test_a_regenerated_notice_keeps_its_period(cast, family_a):
    first = generate_document("public_notice", actor=cast["clerk_a"], households=[family_a],
                              start_date=datetime.date(2026, 4, 1), days=10)
    second = regenerate_document(first.document, actor=cast["clerk_a"], reason="重新打印")
    assert "2026年4月1日至2026年4月10日" in pdf_text(stored_bytes(second)).replace("\n", "")


def test_regenerating_needs_a_reason(cast, family_a):
    first = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    with pytest.raises(ValidationError):
        regenerate_document(first.document, actor=cast["clerk_a"], reason=" ")


def test_documents_and_versions_cannot_be_changed_or_deleted(cast, family_a):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    version.sha256 = "0" * 64
    with pytest.raises(ImmutableRecordError):
        version.save()
    with pytest.raises(ImmutableRecordError):
        version.delete()
    with pytest.raises(ImmutableRecordError):
        type(version).objects.filter(pk=version.pk).update(sha256="0" * 64)
    with pytest.raises(ImmutableRecordError):
        version.document.__class__.objects.all().delete()
