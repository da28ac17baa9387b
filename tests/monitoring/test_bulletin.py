"""周通报 through the documents engine (文号, filed in the county's archive; rankings with the
bottom two named in its text), generated on demand and by the Monday job; the 日报 as Excel."""

import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from archive.models import ArchiveItem
from audit.models import AuditEvent
from documents.models import Document
from monitoring import bulletin, daily, tallies, tasks
from monitoring.snapshots import take_snapshots
from registry.models import AreaLevel, Household
from registry.models import HouseholdStage as S
from supervision.models import Finding
from tests.archive.pdftext import pdftotext
from tests.conftest import make_official
from tests.documents.conftest import stored_bytes
from tests.factories import AreaFactory, HouseholdFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LAST_SUNDAY = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 1)


@pytest.fixture
def office(county):
    return make_official("office_bulletin", "role_county_office", county)


def text_of(version) -> str:
    return pdftotext(stored_bytes(version))


def test_the_bulletin_names_the_best_two_and_the_worst_two_and_is_filed(county, office):
    take_snapshots(LAST_SUNDAY - datetime.timedelta(days=7))
    Household.objects.filter(area_code__startswith="520888104").update(stage=S.MOVE_IN)  # 四镇: 4 of 4 started
    finding = Finding.objects.create(area_code="520888105201", responsible_area_code="520888105000",
                                     responsible_role="role_township_reviewer", category="construction",
                                     description="进度滞后", deadline=LAST_SUNDAY, filed_by=office)
    in_the_week = timezone.make_aware(datetime.datetime.combine(LAST_SUNDAY, datetime.time(10)))
    Finding.objects.filter(pk=finding.pk).update(filed_at=in_the_week)
    version = bulletin.issue_bulletin(county, actor=office, week_end=LAST_SUNDAY)
    document = version.document
    assert document.doc_type == "weekly_bulletin" and document.title == "排名县易地扶贫搬迁工作周通报"
    assert "周通报第1号" in document.number
    text = text_of(version)
    # 建房开工率: 一镇 4/4 and 四镇 4/4 share the first place, then 二镇 3/4, 三镇 2/4, 五镇 0/4.
    assert "建房开工率：前两名为一镇、四镇，后两名为五镇、三镇。" in text
    assert "综合得分：前两名为一镇、四镇，后两名为五镇、三镇。" in text  # (0 + 100 + 0) / 3, no sites: no funds, no industry
    assert "4/4（100.0%）+75.0" in text  # 四镇 up from 1/4 last week
    assert "建房开工率（五率）" in text and "13/20（65.0%）+15.0" in text  # the county: 10 → 13 of 20
    assert "本周新交办督查问题1条，整改销号0条，尚未销号1条。" in text
    item = ArchiveItem.objects.get(document_version=version)
    assert (item.file.category.level, item.file.category.name) == ("county", "综合管理")
    assert item.reference_number == document.number


def test_a_county_post_issues_it_on_demand_and_a_township_post_may_not(client, county, office):
    client.force_login(office, backend=MODEL_BACKEND)
    page = client.get(reverse("monitoring:reports"))
    assert "生成排名县周通报" in page.content.decode()
    response = client.post(reverse("monitoring:reports"), {"week_end": LAST_SUNDAY.isoformat()})
    document = Document.objects.get(doc_type="weekly_bulletin")
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
    assert document.number in client.get(reverse("monitoring:reports")).content.decode()
    future = client.post(reverse("monitoring:reports"), {"week_end": "2999-01-07"})
    assert "通报周不能晚于今天。" in future.content.decode() and Document.objects.count() == 1
    town = county.children.order_by("code").first()
    reviewer = make_official("town_reviewer", "role_township_reviewer", town)
    client.force_login(reviewer, backend=MODEL_BACKEND)
    assert "生成排名县周通报" not in client.get(reverse("monitoring:reports")).content.decode()
    assert client.post(reverse("monitoring:reports"), {}).status_code == 403
    assert Document.objects.count() == 1


def test_mondays_job_issues_one_bulletin_per_county_with_cases(county, areas):
    assert tasks.weekly_bulletins.delay().get() == 1  # 排名县; 示例县 of `areas` has no cases
    assert Document.objects.get().area_code == county.code
    entries = {e["task"]: e["schedule"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    schedule = entries["monitoring.tasks.weekly_bulletins"]
    assert schedule.day_of_week == {1}


def test_the_daily_report_is_an_excel_of_the_areas_figures_and_an_audit_event(client, county, office):
    client.force_login(office, backend=MODEL_BACKEND)
    response = client.get(reverse("monitoring:daily_xlsx"))
    assert response.status_code == 200
    assert "filename*=UTF-8''%E6%8E%92%E5%90%8D%E5%8E%BF" in response["Content-Disposition"]  # 排名县…
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("排名县易地扶贫搬迁工作日报")
    assert rows[1][:4] == ["区划", "集中安置率·完成数", "集中安置率·应完成数", "集中安置率·完成率"]
    by_name = {r[0]: r for r in rows[2:8]}
    assert by_name["二镇"][4:7] == [3, 4, "75.0%"]  # 建房开工率
    assert by_name["排名县（合计）"][4:7] == [10, 20, "50.0%"]
    event = AuditEvent.objects.filter(action="monitoring.export").get()
    assert event.data["subject"] == "日报" and event.area_code == county.code


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_the_daily_report_is_a_one_page_pdf_of_the_engine_filed_with_its_number(client, county, office):
    tallies.refresh()
    client.force_login(office, backend=MODEL_BACKEND)
    page = client.get(reverse("monitoring:reports")).content.decode()
    assert "生成今日日报（PDF，一页）" in page
    assert client.get(reverse("monitoring:daily_pdf")).status_code == 405
    response = client.post(f"{reverse('monitoring:daily_pdf')}?area={county.code}")
    document = Document.objects.get(doc_type="daily_report")
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
    assert document.title == "排名县易地扶贫搬迁工作日报" and "日报第1号" in document.number
    version = document.versions.get()
    data = stored_bytes(version)
    assert pdf_pages(data) == 1
    text = pdftotext(data)
    assert "建房开工率（五率）" in text and "10/20（50.0%）" in text
    assert "数据统计时间" in text
    for name in ("一镇", "二镇", "三镇", "四镇", "五镇"):
        assert name in text
    assert "75.0%" in text  # 二镇's 建房开工率
    item = ArchiveItem.objects.get(document_version=version)
    assert item.reference_number == document.number
    assert document.number in client.get(reverse("monitoring:reports")).content.decode()


def test_a_township_post_issues_its_townships_daily_report_and_an_auditor_may_not(client, county):
    town = county.children.order_by("code").first()
    reviewer = make_official("town_reviewer_daily", "role_township_reviewer", town)
    client.force_login(reviewer, backend=MODEL_BACKEND)
    assert client.post(f"{reverse('monitoring:daily_pdf')}?area={county.code}").status_code == 404
    assert client.post(f"{reverse('monitoring:daily_pdf')}?area={town.code}").status_code == 302
    assert Document.objects.get(doc_type="daily_report").area_code == town.code
    auditor = make_official("auditor_daily", "role_auditor", county)
    client.force_login(auditor, backend=MODEL_BACKEND)
    assert "生成今日日报" not in client.get(reverse("monitoring:reports")).content.decode()
    assert client.post(f"{reverse('monitoring:daily_pdf')}?area={county.code}").status_code == 403
    assert Document.objects.filter(doc_type="daily_report").count() == 1


def test_the_most_townships_printed_still_fit_on_one_page(county, office):
    for n in range(6, daily.AREAS_PRINTED + 2):  # 26 townships: 25 printed, one named as not
        town = AreaFactory(code=f"520888{100 + n}000", name=f"第{n}镇", level=AreaLevel.TOWNSHIP, parent=county)
        village = AreaFactory(code=f"520888{100 + n}201", name=f"第{n}镇村", level=AreaLevel.VILLAGE, parent=town)
        HouseholdFactory(village=village)
    version = daily.issue_daily(county, actor=office)
    assert pdf_pages(stored_bytes(version)) == 1
    text = pdftotext(stored_bytes(version))
    assert "第25镇" in text and "第26镇" not in text and "另有1个区划未列出" in text
