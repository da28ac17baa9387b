"""Funds: a site's money arrives and is paid out in step with progress (seed 002); a payment
beyond what arrived or what progress allows is refused with the figures; the households'
self-funds stay within the policy cap and go to housing only. Every amount is a Decimal."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.models.immutable import ImmutableRecordError
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_site_walk import (
    give_site,
    report,
    site,  # noqa: F401  (fixture)
    site_officials,  # noqa: F401  (fixture)
    text_of,
    walk_site,
)
from workflows.sites import funds as site_funds, service as site_service
from workflows.models import FundEntry, SelfFundEntry
from workflows import acting

TODAY = timezone.localdate


def voucher(site, o, actor=None):
    return give_site(site, "fund_voucher", actor=actor or o["finance"])[0]


def arrive(site, o, amount, source="central_budget"):
    return site_funds.record_arrival(site.pk, actor=o["finance"], amount=amount, entry_date=TODAY(), source=source,
                                     voucher=voucher(site, o))


def disburse(site, o, amount, **kwargs):
    return site_funds.record_disbursement(site.pk, actor=kwargs.pop("actor", o["finance"]), amount=amount,
                                          entry_date=TODAY(), payee="示例建工集团有限公司", purpose="工程进度款",
                                          voucher=kwargs.pop("voucher", None) or voucher(site, o), **kwargs)


def ledger(site):
    return (FundEntry.objects.filter(site=site).count(),
            AuditEvent.objects.filter(action__startswith="site.funds").count())


@pytest.fixture
def building(site, site_officials):
    """The site (planned 8,000,000) under construction at 40 %, 5,000,000 arrived."""
    walk_site(site, site_officials, to=T.CONSTRUCTION)
    report(site, site_officials, "40")
    arrive(site, site_officials, "3000000.00")
    arrive(site, site_officials, "2000000.00", source="local_bond")
    return site


def test_the_position_adds_up_in_decimals(building, site_officials):
    disburse(building, site_officials, "1234567.89")
    position = site_funds.funds_position(building)
    assert position.planned == Decimal("8000000.00") and position.arrived == Decimal("5000000.00")
    assert position.disbursed == Decimal("1234567.89") and position.percent == Decimal("40.00")
    assert position.advance_share == Decimal("0.30")
    # 8,000,000 × (40 % + 30 %) = 5,600,000 by progress; 5,000,000 arrived: the lower one binds.
    assert position.by_progress == Decimal("5600000.00") and position.limit == Decimal("5000000.00")
    assert position.available == Decimal("3765432.11") and position.arrival_rate == Decimal("62.50")
    assert all(isinstance(v, Decimal) for v in (position.planned, position.arrived, position.disbursed))
    entry = FundEntry.objects.get(kind="disbursement")
    assert entry.progress_percent == Decimal("40.00") and entry.voucher.kind == "fund_voucher"
    event = AuditEvent.objects.get(action="site.funds_disbursement")
    assert event.data["amount"] == "1234567.89" and event.actor_username == "finance"


def test_a_disbursement_beyond_progress_is_refused_with_the_figures(site, site_officials):
    o = site_officials
    walk_site(site, o, to=T.CONSTRUCTION)
    report(site, o, "20")
    arrive(site, o, "8000000.00")
    disburse(site, o, "3000000.00")
    before = ledger(site)
    with pytest.raises(acting.Refused) as info:
        disburse(site, o, "1000000.01")
    assert info.value.codes == ["over_progress"]
    message = info.value.message
    # 8,000,000 × (20 % + 30 %) = 4,000,000; 3,000,000 paid; 1,000,000.01 more is 0.01 too much.
    for figure in ("8,000,000.00", "形象进度20.00%", "预付比例30%", "4,000,000.00", "3,000,000.00", "1,000,000.01",
                   "4,000,000.01", "超出0.01元"):
        assert figure in message, (figure, message)
    assert ledger(site) == before
    disburse(site, o, "1000000.00")  # exactly the limit passes


def test_a_disbursement_beyond_the_funds_arrived_is_refused_with_the_figures(building, site_officials):
    before = ledger(building)
    with pytest.raises(acting.Refused) as info:
        disburse(building, site_officials, "5000000.50")
    assert "over_arrived" in info.value.codes
    assert "已到位5,000,000.00元" in info.value.message and "超出0.50元" in info.value.message
    assert ledger(building) == before


def test_the_advance_share_is_a_setting(building, site_officials, settings):
    settings.SITE_DISBURSEMENT_ADVANCE_SHARE = "0.10"
    with pytest.raises(acting.Refused) as info:
        disburse(building, site_officials, "4000000.01")  # 8,000,000 × 50 % = 4,000,000
    assert info.value.codes == ["over_progress"] and "预付比例10%" in info.value.message


def test_no_construction_money_before_the_contract(site, site_officials):
    o = site_officials
    walk_site(site, o, to=T.PLAN_APPROVAL)
    arrive(site, o, "1000000")
    before = ledger(site)
    with pytest.raises(acting.Refused) as info:
        disburse(site, o, "100")
    assert info.value.codes == ["too_early"] and "方案审批" in info.value.message
    assert ledger(site) == before


def test_arrivals_stay_within_the_planned_funds(building, site_officials):
    before = ledger(building)
    with pytest.raises(acting.Refused) as info:
        arrive(building, site_officials, "3000000.01")
    assert info.value.codes == ["over_planned"] and "计划投资8,000,000.00元" in info.value.message
    assert ledger(building) == before


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", "NaN", "Infinity"])
def test_amounts_are_positive_with_two_decimals(building, site_officials, amount):
    before = ledger(building)
    with pytest.raises(acting.Refused) as info:
        disburse(building, site_officials, amount)
    assert info.value.codes == ["bad_amount"]
    assert ledger(building) == before


def test_each_entry_has_its_own_voucher_of_its_own_site(building, site_officials, areas):
    o = site_officials
    used = FundEntry.objects.first().voucher
    with pytest.raises(acting.Refused) as info:
        disburse(building, o, "100", voucher=used)
    assert info.value.codes == ["voucher_used"]
    other = SiteFactory(area=areas["county"])
    foreign = give_site(other, "fund_voucher", actor=o["finance"])[0]
    with pytest.raises(acting.Refused) as info:
        disburse(building, o, "100", voucher=foreign)
    assert info.value.codes == ["bad_voucher"] and "资金凭证" in info.value.message


def test_only_finance_and_the_relocation_office_book_funds(building, site_officials):
    with pytest.raises(acting.NotPermitted) as info:
        disburse(building, site_officials, "100", actor=site_officials["housing"])
    assert "县财政局" in info.value.message
    disburse(building, site_officials, "100", actor=site_officials["county_office"])


def test_the_ledger_is_written_once(building):
    entry = FundEntry.objects.first()
    entry.amount = Decimal("1")
    with pytest.raises(ImmutableRecordError):
        entry.save()
    with pytest.raises(ImmutableRecordError):
        FundEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(ImmutableRecordError):
        entry.delete()


def test_the_funds_statement_prints_the_ledger(building, site_officials):
    disburse(building, site_officials, "2500000.00")
    version = site_funds.funds_statement(building.pk, actor=site_officials["finance"])
    text = text_of(version.document)
    for figure in ("8,000,000.00", "5,000,000.00", "2,500,000.00", "中央预算内投资", "地方政府债券", "示例建工集团有限",
                   "62.50%"):
        assert figure in text, figure


# A household's self-funds -------------------------------------------------------------------

@pytest.fixture
def family(areas):
    return HouseholdFactory(village=areas["village_a"])


def receipt(household, o):
    return ingest_evidence(actor=o["reviewer"], upload=upload("receipt.png"), stage=household.stage,
                           kind="self_funds_receipt", household=household)


def self_funds(household, o, kind, amount, purpose=""):
    return site_funds.record_self_funds(household.pk, actor=o["reviewer"], kind=kind, amount=amount,
                                        entry_date=TODAY(), voucher=receipt(household, o), purpose=purpose)


def test_self_funds_are_received_up_to_the_cap_and_used_for_housing_only(family, site_officials):
    o = site_officials
    self_funds(family, o, "received", "6000.00")
    self_funds(family, o, "received", "4000.00")  # 10,000 in all: the cap itself is allowed
    self_funds(family, o, "used", "7500.00", purpose="housing")
    ledger_ = site_funds.self_funds_of(family)
    assert (ledger_.received, ledger_.used, ledger_.balance) == (Decimal("10000.00"), Decimal("7500.00"),
                                                                 Decimal("2500.00"))
    before = (SelfFundEntry.objects.count(), AuditEvent.objects.count())
    with pytest.raises(acting.Refused) as info:
        self_funds(family, o, "received", "0.01")
    assert info.value.codes == ["self_funding_cap"]
    assert "户均自筹资金不得超过10,000.00元" in info.value.message and "已收取10,000.00元" in info.value.message
    with pytest.raises(acting.Refused) as info:
        self_funds(family, o, "used", "100", purpose="furniture")
    assert info.value.codes == ["not_for_housing"] and "只能用于住房建设" in info.value.message
    with pytest.raises(acting.Refused) as info:
        self_funds(family, o, "used", "2500.01", purpose="housing")
    assert info.value.codes == ["over_received"] and "已使用7,500.00元" in info.value.message
    assert (SelfFundEntry.objects.count(), AuditEvent.objects.filter(action__startswith="household.self_funds")
            .count()) == (before[0], 3)


def test_the_self_funds_cap_is_the_policy_setting(family, site_officials, settings):
    settings.POLICY_MAX_SELF_FUNDING = "8000"
    with pytest.raises(acting.Refused) as info:
        self_funds(family, site_officials, "received", "8000.01")
    assert "户均自筹资金不得超过8,000.00元" in info.value.message


def test_self_funds_are_booked_in_the_household_s_own_area(family, site_officials):
    with pytest.raises(acting.OutOfScope):
        site_funds.record_self_funds(family.pk, actor=site_officials["other_reviewer"], kind="received",
                                     amount="100", entry_date=TODAY(), voucher=receipt(family, site_officials))


# Races (PostgreSQL) ----------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_disbursements_racing_past_the_limit_let_at_most_one_through(areas, settings, tmp_path):
    from tests.workflows.test_site_walk import walk_site as walk

    settings.MEDIA_ROOT = tmp_path / "media"
    o = {"county_office": make_official("county_office", "role_county_office", areas["county"]),
         "housing": make_official("housing", "role_county_housing", areas["county"]),
         "natres": make_official("natres", "role_county_natural_resources", areas["county"]),
         "finance": make_official("finance", "role_county_finance", areas["county"]),
         "reviewer": make_official("reviewer", "role_township_reviewer", areas["town"])}
    site = SiteFactory(area=areas["county"], planned_funds=Decimal("1000000.00"))
    walk(site, o, to=T.CONSTRUCTION)
    report(site, o, "20")  # 1,000,000 × (20 % + 30 %) = 500,000 allowed
    arrive(site, o, "1000000.00")
    disburse(site, o, "200000.00")
    vouchers = [voucher(site, o) for _ in range(2)]  # 200,000 + 200,000 each fit, 400,000 together do not
    events_before = AuditEvent.objects.count()
    barrier = threading.Barrier(2)
    results = []

    def attempt(v):
        try:
            barrier.wait()
            site_funds.record_disbursement(site.pk, actor=o["finance"], amount="200000.00",
                                           entry_date=datetime.date.today(), payee="建工集团", purpose="进度款",
                                           voucher=v)
            results.append("ok")
        except acting.Refused as exc:
            results.append(exc.codes[0])
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(v,)) for v in vouchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "over_progress"]
    assert site_funds.funds_position(site).disbursed == Decimal("400000.00")
    assert AuditEvent.objects.count() == events_before + 1


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE workflows_fundentry SET amount = 1", "DELETE FROM workflows_fundentry"])
def test_the_database_refuses_to_rewrite_the_ledger(building, sql):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="Cannot"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert FundEntry.objects.count() == 2
