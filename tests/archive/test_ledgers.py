"""The village's 村级搬迁对象台账 and the county's 易地扶贫搬迁资金台账: generated from the archive
like the other level records (form, period, Chinese refusals, 403 for read-only posts), printed
from the households' stage records and from the site and self-funds ledgers, and filed into
村·台账 and 县·资金."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from archive.filing import category_for
from archive.models import ArchiveItem
from documents.evidence.services import ingest_evidence
from documents.models import Document
from tests.archive.pdftext import pdftotext
from tests.documents.conftest import make_family, stored_bytes
from tests.factories import SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_documents import walk
from workflows.models import FundEntry, FundKind, SelfFundEntry, SelfFundKind

LEDGERS = ("village_household_ledger", "relocation_funds_ledger")
TODAY = timezone.localdate


def generate(client, user, area, kind, **dates):
    client.force_login(user)
    return client.post("/archive/level-records/new/", {
        "area": area.code, "kind": kind, "date_from": dates.get("date_from", TODAY().isoformat()),
        "date_to": dates.get("date_to", TODAY().isoformat())})


def pdf_of(kind) -> str:
    return pdftotext(stored_bytes(Document.objects.get(doc_type=kind).versions.get()))


def test_the_ledgers_file_into_village_tz_and_county_zj(db):
    assert category_for("document", "village_household_ledger", "village").name == "台账"
    assert category_for("document", "relocation_funds_ledger", "county").name == "资金"


# 村级搬迁对象台账 ------------------------------------------------------------------------------

@pytest.fixture
def walked(named, give, areas, family, django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    return family


def test_the_village_ledger_lists_each_household_with_its_key_stage_dates(client, named, areas, walked):
    waiting = make_family(areas["village_a"], head_name="李四海", size=2)
    elsewhere = make_family(areas["village_b"], head_name="王五岭", size=1)
    response = generate(client, named["clerk_a"], areas["village_a"], "village_household_ledger")
    document = Document.objects.get(doc_type="village_household_ledger")
    item = ArchiveItem.objects.get(document_version__document=document)
    assert response.status_code == 302 and response["Location"] == f"/archive/files/{item.file_id}/"
    assert item.file.subject_key == f"a:{areas['village_a'].code}"
    assert (item.file.category.level, item.file.category.name) == ("village", "台账")
    text = pdf_of("village_household_ledger")
    assert "村A村级搬迁对象台账" in text and document.number in text
    for column in ("户编号", "户主", "人数", "安置方式", "安置点", "当前阶段", "申报", "评议", "公示期满", "县级审定",
                   "开工", "验收", "入住", "拆旧复垦"):
        assert column in text, column
    assert walked.number in text and "张建国" in text and "后扶" in text  # the walked household's stage
    assert waiting.number in text and "李四海" in text and "申报" in text
    assert elsewhere.number not in text and "王五岭" not in text
    assert text.count(TODAY().isoformat()) >= 8  # the walk passed every key stage today
    assert "合计2户5人" in text
    # Names and numbers only: no member's ID number is printed.
    for member in [*walked.members.all(), *waiting.members.all()]:
        assert member.id_number not in text and member.id_number[-8:] not in text


def test_the_village_ledger_is_refused_for_an_empty_period_and_outside_the_village(client, named, officials, areas,
                                                                                 walked):
    response = generate(client, named["clerk_a"], areas["village_a"], "village_household_ledger",
                        date_from="2020-01-01", date_to="2020-01-31")
    assert response.status_code == 400 and "没有可汇总的记录" in response.content.decode()
    assert generate(client, named["clerk_b"], areas["village_a"], "village_household_ledger").status_code == 404
    assert generate(client, officials["auditor"], areas["village_a"], "village_household_ledger").status_code == 403
    response = generate(client, named["clerk_a"], areas["village_a"], "relocation_funds_ledger")
    assert response.status_code == 400 and "请选择本层级的汇总文书" in response.content.decode()
    assert not Document.objects.filter(doc_type__in=LEDGERS).exists()


def test_a_township_reviewer_may_keep_a_villages_ledger_and_the_tree_offers_it(client, named, areas, walked):
    client.force_login(named["clerk_a"])
    page = client.get(f"/archive/level-records/new/?area={areas['village_a'].code}").content.decode()
    assert "村级搬迁对象台账" in page and "乡镇审核意见汇总表" not in page
    assert f"/archive/level-records/new/?area={areas['village_a'].code}" in client.get("/archive/").content.decode()
    assert generate(client, named["reviewer"], areas["village_a"], "village_household_ledger").status_code == 302


# 易地扶贫搬迁资金台账 -------------------------------------------------------------------------

def _voucher(kind, *, actor, site=None, household=None):
    return ingest_evidence(actor=actor, upload=upload(f"{kind}.png"), stage=(site or household).stage, kind=kind,
                           site=site, household=household)


@pytest.fixture
def ledgers(officials, areas):
    """Two sites with funds (one arrival last year, the rest this period) and self-funds of a
    household at a site and of a scattered one. Entries are written as the ledgers store them."""
    office = officials["county_office"]
    river = SiteFactory(area=areas["town"], code="AZD-A", name="河畔安置点", planned_funds=Decimal("8000000.00"))
    hill = SiteFactory(area=areas["county"], code="AZD-B", name="山前安置点", planned_funds=Decimal("2000000.00"))
    SiteFactory(area=areas["county"], code="AZD-C", name="未建安置点", planned_funds=Decimal("500000.00"))
    today, old = TODAY(), TODAY() - datetime.timedelta(days=400)

    def fund(site, kind, amount, day):
        FundEntry.objects.create(site=site, kind=kind, amount=Decimal(amount), entry_date=day, recorded_by=office,
                                 voucher=_voucher("fund_voucher", actor=office, site=site),
                                 source="central_budget" if kind == FundKind.ARRIVAL else "",
                                 payee="" if kind == FundKind.ARRIVAL else "建工公司")

    fund(river, FundKind.ARRIVAL, "3000000.00", old)
    fund(river, FundKind.ARRIVAL, "2000000.50", today)
    fund(river, FundKind.DISBURSEMENT, "1234567.89", today)
    fund(hill, FundKind.ARRIVAL, "500000.00", today)
    at_site = make_family(areas["village_a"], head_name="张建国", size=3)
    type(at_site).objects.filter(pk=at_site.pk).update(site=river, resettlement_mode="centralised")
    scattered = make_family(areas["village_b"], head_name="李四海", size=2)

    def own(household, kind, amount):
        SelfFundEntry.objects.create(household=household, kind=kind, amount=Decimal(amount), entry_date=today,
                                     recorded_by=office, purpose="housing" if kind == SelfFundKind.USED else "",
                                     voucher=_voucher("self_funds_receipt", actor=office, household=household))

    own(at_site, SelfFundKind.RECEIVED, "6000.00")
    own(at_site, SelfFundKind.USED, "5000.00")
    own(scattered, SelfFundKind.RECEIVED, "3000.00")
    return river, hill


def test_the_funds_ledger_prints_each_sites_money_and_the_self_funds_with_totals(client, officials, areas, ledgers):
    response = generate(client, officials["county_office"], areas["county"], "relocation_funds_ledger",
                        date_from=(TODAY() - datetime.timedelta(days=30)).isoformat())
    document = Document.objects.get(doc_type="relocation_funds_ledger")
    item = ArchiveItem.objects.get(document_version__document=document)
    assert response.status_code == 302 and response["Location"] == f"/archive/files/{item.file_id}/"
    assert (item.file.category.level, item.file.category.name) == ("county", "资金")
    assert item.file.subject_key == f"a:{areas['county'].code}"
    text = pdf_of("relocation_funds_ledger")
    assert "示例县易地扶贫搬迁资金台账" in text and document.number in text
    # 河畔: planned 8,000,000; arrived 2,000,000.50 this period, 5,000,000.50 in all (62.50 %);
    # disbursed 1,234,567.89; self-funds of its one household 6,000 received, 5,000 used.
    assert "河畔安置点8,000,000.002,000,000.505,000,000.5062.50%1,234,567.891,234,567.8916,000.005,000.00" in text
    assert "山前安置点2,000,000.00500,000.00500,000.0025.00%0.000.0000.000.00" in text
    assert "未建安置点500,000.000.000.000.00%" in text
    assert "分散安置户" in text and "13,000.000.00" in text
    # Totals: planned 10,500,000; arrived 2,500,000.50 / 5,500,000.50 (52.38 %); self-funds 9,000 / 5,000.
    assert "合计10,500,000.002,500,000.505,500,000.5052.38%1,234,567.891,234,567.8929,000.005,000.00" in text


def test_the_funds_ledger_is_refused_for_a_period_without_entries_or_below_the_county(client, officials, areas,
                                                                                   ledgers):
    response = generate(client, officials["county_office"], areas["county"], "relocation_funds_ledger",
                        date_from="2020-01-01", date_to="2020-01-31")
    assert response.status_code == 400 and "没有可汇总的记录" in response.content.decode()
    response = generate(client, officials["reviewer"], areas["town"], "relocation_funds_ledger")
    assert response.status_code == 400 and "请选择本层级的汇总文书" in response.content.decode()
    assert generate(client, officials["reviewer"], areas["county"], "relocation_funds_ledger").status_code == 404
    assert generate(client, officials["auditor"], areas["county"], "relocation_funds_ledger").status_code == 403
    assert not Document.objects.filter(doc_type__in=LEDGERS).exists()
