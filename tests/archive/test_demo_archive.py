"""The demo archive has every level's own records, the village ledgers and the county's funds
ledger among them (seed_site_demo, then seed_lifecycle_demo, as `make run` does)."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import ArchiveItem
from documents.models import Document
from registry.demo import build_demo
from tests.archive.pdftext import pdftotext
from tests.documents.conftest import stored_bytes
from workflows.records.level import LEVEL_RECORDS
from workflows.models import SelfFundEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_files_every_level_record_and_both_ledgers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo(households=48)
    for command in ("seed_site_demo", "seed_lifecycle_demo"):
        call_command(command, "--demo-database", stdout=StringIO())
    filed = {code: ArchiveItem.objects.filter(document_version__document__doc_type=code).select_related(
        "file__category") for code in LEVEL_RECORDS}
    for code, items in filed.items():
        assert items.exists(), code
    assert {(i.file.category.level, i.file.category.name) for i in filed["village_household_ledger"]} == {
        ("village", "台账")}
    assert [(i.file.category.level, i.file.category.name) for i in filed["relocation_funds_ledger"]] == [
        ("county", "资金")]
    # Each village ledger lists the village's households; the funds ledger has the self-funds the
    # households moved in with.
    ledger = Document.objects.filter(doc_type="village_household_ledger").first()
    text = pdftotext(stored_bytes(ledger.versions.get()))
    assert ledger.area_code[:12] in text and "合计" in text
    assert SelfFundEntry.objects.exists()
    funds = pdftotext(stored_bytes(Document.objects.get(doc_type="relocation_funds_ledger").versions.get()))
    assert "合计" in funds and "群众自筹资金" in funds
