"""The site page's entry forms: progress reports (施工进度填报), funds arrived (资金到位) and paid
out (资金拨付), households' self-funds (户自筹资金). Each goes through the site's services: the
right post books it with its photo or voucher and it shows on the page; another township's site
answers 404, a wrong post and the auditor 403; every rule the service enforces comes back as a
Chinese message next to its field, and a refused entry stores nothing (no row, no evidence, no
file, no audit event)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import Evidence
from registry.models import ResettlementMode
from registry.models import SiteStage as T
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import png_bytes
from tests.workflows.test_site_walk import (  # noqa: F401  (fixtures)
    give_site, report, site, site_officials, walk_site)
from workflows.sites import funds as site_funds, service as site_service
from workflows.models import FundEntry, Milestone, ProgressReport, SelfFundEntry

URLS = {"progress": "progress/", "arrival": "funds/arrival/", "disbursement": "funds/disbursement/",
        "self_funds": "self-funds/"}


def today() -> datetime.date:
    return timezone.localdate()


def photo(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def page(client, site):
    return client.get(f"/site-cases/{site.pk}/")


def post(client, site, key, data, *, token=None):
    """Submit one entry form the way the page does: its prefix, its token, multipart."""
    if token is None:
        form = page(client, site).context["entry_forms"][key]
        token = form.initial["token"]
    fields = {f"{key}-{name}": value for name, value in {"token": token, **data}.items()}
    return client.post(f"/site-cases/{site.pk}/{URLS[key]}", fields)


def stored(archive_root):
    """Everything a refused entry must not leave behind (signing in is audited: not counted)."""
    files = sorted(p.name for p in archive_root.rglob("*") if p.is_file()) if archive_root.exists() else []
    return (ProgressReport.objects.count(), FundEntry.objects.count(), SelfFundEntry.objects.count(),
            Evidence.objects.count(), AuditEvent.objects.exclude(action__startswith="auth.").count(), files)


def errors(response) -> str:
    assert response.status_code == 400, response.status_code
    return response.content.decode()


@pytest.fixture
def building(site, site_officials):
    """Under construction (planned 8,000,000)."""
    walk_site(site, site_officials, to=T.CONSTRUCTION)
    return site


@pytest.fixture
def funded(building, site_officials):
    """At 20 % with all 8,000,000 arrived: 8,000,000 × (20 % + 30 %) = 4,000,000 may be paid out."""
    report(building, site_officials, "20")
    o = site_officials
    voucher = give_site(building, "fund_voucher", actor=o["finance"])[0]
    site_funds.record_arrival(building.pk, actor=o["finance"], amount="8000000.00", entry_date=today(),
                              source="central_budget", voucher=voucher)
    return building


# 施工进度填报 -----------------------------------------------------------------------------------

def test_the_housing_bureau_reports_progress_with_photos_and_it_shows_on_the_chart(building, site_officials, login):
    client = login(site_officials["housing"])
    response = post(client, building, "progress", {
        "reported_on": today().isoformat(), "percent": "35.5", "milestone": Milestone.START,
        "note": "基础完工，主体施工中", "photos": [photo("a.png"), photo("b.png")]})
    assert response.status_code == 302 and response.url == f"/site-cases/{building.pk}/"
    report_ = ProgressReport.objects.get()
    assert (report_.percent, report_.milestone, report_.reported_by.username) == (Decimal("35.50"), "start", "housing")
    assert sorted(p.kind for p in report_.photos.all()) == ["site_progress_photo"] * 2
    event = AuditEvent.objects.get(action="site.progress_report")
    assert event.actor_username == "housing" and event.data["percent"] == "35.5"

    shown = client.get(response.url)
    body = shown.content.decode()
    assert "已登记" in body and "形象进度35.5%" in body
    assert shown.context["chart"] is not None and "35.50%" in body and "基础完工，主体施工中" in body


def test_a_slow_site_is_warned_after_its_report(building, site_officials, login):
    site_service.set_schedule(building.pk, actor=site_officials["county_office"],
                               start_by=today() - datetime.timedelta(days=40),
                               structure_by=today() - datetime.timedelta(days=10),
                               handover_by=today() + datetime.timedelta(days=60), reason="按实际开工时间调整")
    client = login(site_officials["county_office"])
    response = post(client, building, "progress", {"reported_on": today().isoformat(), "percent": "55",
                                                   "photos": [photo()]})
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert "预警：" in body and "前主体封顶，已逾期10天未报告" in body


def test_progress_going_backwards_is_refused_and_nothing_is_stored(building, site_officials, login, archive_root):
    report(building, site_officials, "40")
    before = stored(archive_root)
    response = post(login(site_officials["housing"]), building, "progress", {
        "reported_on": today().isoformat(), "percent": "30", "photos": [photo()]})
    assert "形象进度不得低于上次报告" in errors(response) and "40.00%" in response.content.decode()
    assert stored(archive_root) == before
    assert response.context["entry_forms"]["progress"].data["progress-percent"] == "30"  # the input is kept


@pytest.mark.parametrize(("data", "message"), [
    ({"percent": "100.5"}, "形象进度须为0到100之间的数字"),
    ({"percent": "abc"}, "形象进度须为0到100之间的数字"),
    ({"reported_on": (today() + datetime.timedelta(days=1)).isoformat()}, "报告日期不能晚于今天"),
    ({"photos": []}, "进度报告须附现场照片"),
    ({"milestone": Milestone.COMPLETION, "percent": "90"}, "报告“竣工”节点时形象进度须为100%"),
    ({"reported_on": "2026-13-40"}, "日期格式应为 年-月-日"),
])
def test_each_progress_rule_is_a_chinese_form_error(building, site_officials, login, archive_root, data, message):
    before = stored(archive_root)
    response = post(login(site_officials["housing"]), building, "progress", {
        "reported_on": today().isoformat(), "percent": "50", "photos": [photo()], **data})
    assert message in errors(response)
    assert stored(archive_root) == before


def test_a_photo_that_is_not_an_image_is_refused_and_not_filed(building, site_officials, login, archive_root):
    before = stored(archive_root)
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = post(login(site_officials["housing"]), building, "progress", {
        "reported_on": today().isoformat(), "percent": "50", "photos": [fake]})
    assert errors(response) and response.context["entry_forms"]["progress"].errors["photos"]
    assert stored(archive_root) == before


def test_no_progress_form_outside_construction(site, site_officials, login):
    walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    assert "progress" not in page(login(site_officials["housing"]), site).context["entry_forms"]


# 资金到位 / 资金拨付 ------------------------------------------------------------------------------

def test_the_finance_bureau_records_funds_arrived_with_its_document_number(building, site_officials, login):
    client = login(site_officials["finance"])
    response = post(client, building, "arrival", {
        "amount": "3,000,000.00", "source": "central_budget", "entry_date": today().isoformat(),
        "document_number": "示财农〔2026〕12号", "note": "第一批", "voucher": photo("voucher.png")})
    assert response.status_code == 302
    entry = FundEntry.objects.get()
    assert (entry.kind, entry.amount, entry.source) == ("arrival", Decimal("3000000.00"), "central_budget")
    assert entry.note == "文号：示财农〔2026〕12号；第一批" and entry.voucher.kind == "fund_voucher"
    event = AuditEvent.objects.get(action="site.funds_arrival")
    assert event.actor_username == "finance" and event.data["document_number"] == "示财农〔2026〕12号"
    shown = client.get(response.url)
    body = shown.content.decode()
    assert "已登记资金到位3,000,000.00元（中央预算内投资）" in body
    assert shown.context["fund_entries"] == [entry] and "示财农〔2026〕12号" in body
    assert shown.context["funds"].arrived == Decimal("3000000.00")


def test_arrivals_beyond_the_planned_funds_are_refused_with_the_figures(building, site_officials, login,
                                                                         archive_root):
    before = stored(archive_root)
    response = post(login(site_officials["finance"]), building, "arrival", {
        "amount": "8000000.01", "source": "local_bond", "entry_date": today().isoformat(),
        "voucher": photo()})
    body = errors(response)
    assert "到位资金累计不得超过计划投资" in body and "计划投资8,000,000.00元" in body
    assert stored(archive_root) == before


def test_the_relocation_office_pays_out_within_progress_and_it_shows_in_the_ledger(funded, site_officials,
                                                                                   login):
    client = login(site_officials["county_office"])
    form = page(client, funded).context["entry_forms"]["disbursement"]
    assert form.initial["payee"] == "示例建工集团有限公司"  # the contractor of the tender step
    response = post(client, funded, "disbursement", {
        "amount": "4000000.00", "payee": "示例建工集团有限公司", "purpose": "施工合同第1期工程进度款",
        "entry_date": today().isoformat(), "voucher": photo()}, token=form.initial["token"])
    assert response.status_code == 302
    entry = FundEntry.objects.get(kind="disbursement")
    assert (entry.amount, entry.progress_percent, entry.recorded_by.username) == (
        Decimal("4000000.00"), Decimal("20.00"), "county_office")
    assert AuditEvent.objects.filter(action="site.funds_disbursement", actor_username="county_office").exists()
    shown = client.get(response.url)
    assert entry in shown.context["fund_entries"] and shown.context["funds"].available == Decimal("0.00")
    assert "施工合同第1期工程进度款" in shown.content.decode()


def test_an_over_disbursement_is_a_chinese_form_error_with_the_figures(funded, site_officials, login, archive_root):
    before = stored(archive_root)
    response = post(login(site_officials["finance"]), funded, "disbursement", {
        "amount": "4000000.01", "payee": "示例建工集团有限公司", "purpose": "工程进度款",
        "entry_date": today().isoformat(), "voucher": photo()})
    body = errors(response)
    for figure in ("拨付须与施工进度匹配", "计划投资8,000,000.00元", "形象进度20.00%", "预付比例30%",
                   "可拨付上限4,000,000.00元", "本次4,000,000.01元", "超出0.01元"):
        assert figure in body, figure
    kept = response.context["entry_forms"]["disbursement"]
    assert kept.errors["amount"] and kept.data["disbursement-amount"] == "4000000.01"
    assert stored(archive_root) == before


def test_the_corrected_form_goes_through_after_a_refusal(funded, site_officials, login):
    client = login(site_officials["finance"])
    data = {"amount": "4000000.01", "payee": "示例建工集团有限公司", "purpose": "工程进度款",
            "entry_date": today().isoformat()}
    refused = post(client, funded, "disbursement", {**data, "voucher": photo()})
    assert refused.status_code == 400
    token = refused.context["entry_forms"]["disbursement"].data["disbursement-token"]
    again = post(client, funded, "disbursement", {**data, "amount": "4000000.00", "voucher": photo()}, token=token)
    assert again.status_code == 302
    assert FundEntry.objects.get(kind="disbursement").amount == Decimal("4000000.00")


def test_a_disbursement_beyond_the_funds_arrived_is_refused(building, site_officials, login, archive_root):
    report(building, site_officials, "50")
    before = stored(archive_root)
    response = post(login(site_officials["finance"]), building, "disbursement", {
        "amount": "100.00", "payee": "示例建工集团有限公司", "purpose": "工程进度款",
        "entry_date": today().isoformat(), "voucher": photo()})
    body = errors(response)
    assert "拨付不得超过到位资金：已到位0.00元" in body and "超出100.00元" in body
    assert stored(archive_root) == before


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "-5"}, "金额须为正数（元），最多两位小数"),
    ({"amount": "0"}, "金额须为正数（元），最多两位小数"),
    ({"amount": "12.345"}, "金额须为正数（元），最多两位小数"),
    ({"entry_date": (today() + datetime.timedelta(days=3)).isoformat()}, "日期不能晚于今天"),
    ({"payee": ""}, "须填写收款单位"),
    ({"voucher": ""}, "须上传本笔记录的凭证"),
])
def test_each_disbursement_rule_is_a_chinese_form_error(funded, site_officials, login, archive_root, data, message):
    before = stored(archive_root)
    response = post(login(site_officials["finance"]), funded, "disbursement", {
        "amount": "100.00", "payee": "示例建工集团有限公司", "purpose": "工程进度款",
        "entry_date": today().isoformat(), "voucher": photo(), **data})
    assert message in errors(response)
    assert stored(archive_root) == before


def test_a_resubmitted_page_is_not_booked_twice(funded, site_officials, login):
    client = login(site_officials["finance"])
    token = page(client, funded).context["entry_forms"]["disbursement"].initial["token"]
    data = {"amount": "100.00", "payee": "示例建工集团有限公司", "purpose": "工程进度款",
            "entry_date": today().isoformat()}
    assert post(client, funded, "disbursement", {**data, "voucher": photo()}, token=token).status_code == 302
    again = post(client, funded, "disbursement", {**data, "voucher": photo()}, token=token)
    assert again.status_code == 302
    assert FundEntry.objects.filter(kind="disbursement").count() == 1
    assert "该表单已经提交过" in client.get(again.url).content.decode()


# 户自筹资金 ----------------------------------------------------------------------------------------

@pytest.fixture
def town_site(areas):
    """A site of 城关镇: its township reviewer reads it (a county-level site is the county's)."""
    return SiteFactory(area=areas["town"], name="城关镇安置点", planned_funds=Decimal("2000000.00"))


@pytest.fixture
def family(areas, town_site):
    return HouseholdFactory(village=areas["village_a"], site=town_site,
                            resettlement_mode=ResettlementMode.CENTRALISED)


def test_the_township_reviewer_books_a_household_s_self_funds(town_site, family, site_officials, login):
    client = login(site_officials["reviewer"])
    response = post(client, town_site, "self_funds", {
        "household": family.pk, "kind": "received", "amount": "6000", "entry_date": today().isoformat(),
        "voucher": photo("receipt.png")})
    assert response.status_code == 302
    entry = SelfFundEntry.objects.get()
    assert (entry.household, entry.kind, entry.amount) == (family, "received", Decimal("6000.00"))
    assert entry.voucher.kind == "self_funds_receipt" and entry.voucher.household_id == family.pk
    assert AuditEvent.objects.filter(action="household.self_funds_received", actor_username="reviewer").exists()
    shown = client.get(response.url)
    assert shown.context["self_fund_entries"] == [entry] and family.number in shown.content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "10000.01"}, "户均自筹资金不得超过10,000.00元"),
    ({"kind": "used", "purpose": "housing"}, "使用金额不得超过已收取的自筹资金"),
    ({"amount": "-1"}, "金额须为正数"),
])
def test_each_self_funds_rule_is_a_chinese_form_error(town_site, family, site_officials, login, archive_root,
                                                      data, message):
    before = stored(archive_root)
    response = post(login(site_officials["reviewer"]), town_site, "self_funds", {
        "household": family.pk, "kind": "received", "amount": "100", "entry_date": today().isoformat(),
        "voucher": photo(), **data})
    assert message in errors(response)
    assert stored(archive_root) == before


def test_only_the_site_s_households_in_the_user_s_area_can_be_chosen(town_site, family, site_officials, login,
                                                                     areas, archive_root):
    elsewhere = HouseholdFactory(village=areas["village_c"], site=town_site,
                                 resettlement_mode=ResettlementMode.CENTRALISED)
    not_here = HouseholdFactory(village=areas["village_a"])
    client = login(site_officials["reviewer"])
    choices = dict(page(client, town_site).context["entry_forms"]["self_funds"].fields["household"].choices)
    assert family.pk in choices and elsewhere.pk not in choices and not_here.pk not in choices
    before = stored(archive_root)
    for pk in (elsewhere.pk, not_here.pk):
        response = post(client, town_site, "self_funds", {
            "household": pk, "kind": "received", "amount": "100", "entry_date": today().isoformat(),
            "voucher": photo()})
        assert "请选择本安置点您所辖的搬迁户" in errors(response)
    assert stored(archive_root) == before


# Scope and posts --------------------------------------------------------------------------------

def test_another_township_s_site_answers_404(site_officials, login, areas, archive_root):
    other = SiteFactory(area=areas["other_town"], planned_funds=Decimal("1000000.00"))
    client = login(site_officials["reviewer"])  # 城关镇's reviewer; the site is 石桥乡's
    before = stored(archive_root)
    for key in URLS:
        response = client.post(f"/site-cases/{other.pk}/{URLS[key]}", {f"{key}-amount": "100"})
        assert response.status_code == 404, key
    assert stored(archive_root) == before


@pytest.mark.parametrize(("who", "key"), [
    ("finance", "progress"),  # progress is reported by housing, the relocation office, the township
    ("housing", "arrival"),  # funds are booked by finance and the relocation office
    ("housing", "disbursement"),
    ("housing", "self_funds"),  # self-funds by the township reviewer and the relocation office
    ("auditor", "progress"),
    ("auditor", "arrival"),
    ("auditor", "disbursement"),
    ("auditor", "self_funds"),
])
def test_a_wrong_post_gets_403_and_nothing_is_stored(funded, site_officials, login, areas, archive_root, who, key):
    family = HouseholdFactory(village=areas["village_a"], site=funded, resettlement_mode=ResettlementMode.CENTRALISED)
    client = login(site_officials[who])
    assert key not in page(client, funded).context["entry_forms"]  # not offered either
    before = stored(archive_root)
    data = {"token": "x", "reported_on": today().isoformat(), "percent": "50", "amount": "100",
            "source": "central_budget", "entry_date": today().isoformat(), "payee": "某公司", "purpose": "进度款",
            "household": family.pk, "kind": "received"}
    response = client.post(f"/site-cases/{funded.pk}/{URLS[key]}",
                           {**{f"{key}-{k}": v for k, v in data.items()}, f"{key}-voucher": photo(),
                            f"{key}-photos": photo()})
    assert response.status_code == 403
    assert stored(archive_root) == before


def test_the_forms_take_no_get(building, site_officials, login):
    client = login(site_officials["housing"])
    assert client.get(f"/site-cases/{building.pk}/progress/").status_code == 405


def test_the_right_posts_see_their_forms(funded, site_officials, login, areas):
    HouseholdFactory(village=areas["village_a"], site=funded, resettlement_mode=ResettlementMode.CENTRALISED)
    assert set(page(login(site_officials["county_office"]), funded).context["entry_forms"]) == {
        "progress", "arrival", "disbursement", "self_funds"}
    assert set(page(login(site_officials["housing"]), funded).context["entry_forms"]) == {"progress"}
    assert set(page(login(site_officials["finance"]), funded).context["entry_forms"]) == {"arrival", "disbursement"}
    assert page(login(site_officials["reviewer"]), funded).status_code == 404  # a county site
    assert page(login(site_officials["auditor"]), funded).context["entry_forms"] == {}


def test_no_english_in_the_forms_or_their_errors(funded, site_officials, login, areas):
    from tests.approvals.test_no_english import english_in

    HouseholdFactory(village=areas["village_a"], site=funded, resettlement_mode=ResettlementMode.CENTRALISED)
    client = login(site_officials["county_office"])
    found = {"page": english_in(page(client, funded).content.decode())}
    for key in URLS:
        response = post(client, funded, key, {})
        assert response.status_code == 400, key
        found[key] = english_in(response.content.decode())
    assert found == {"page": [], **{key: [] for key in URLS}}
