import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from aftercare.models import EmploymentRecord, IncomeReport
from tests.aftercare.conftest import moved_in
from tests.factories import HouseholdFactory

YEAR, QUARTER = 2026, 1


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def neighbour(areas):
    """A second moved-in household of village A (its head from the factory: 成员N, employed)."""
    return moved_in(HouseholdFactory(village=areas["village_a"]))


def test_the_ledger_lists_the_users_moved_in_households_with_flags(client, cast, family, neighbour, areas):
    HouseholdFactory(village=areas["village_a"])  # not moved in
    page = login(client, cast["clerk_a"]).get(reverse("aftercare:ledger"))
    text = page.content.decode()
    assert page.status_code == 200
    assert family["household"].number in text and neighbour.number in text
    assert text.count('data-household="') == 2
    assert "未实现一户一人就业" in text
    flagged = client.get(reverse("aftercare:ledger"), {"flag": "no_job"}).content.decode()
    assert family["household"].number in flagged and neighbour.number not in flagged


def test_another_village_sees_nothing(client, cast, family):
    login(client, cast["clerk_b"])
    assert family["household"].number not in client.get(reverse("aftercare:ledger")).content.decode()
    assert client.get(reverse("aftercare:household", args=[family["household"].pk])).status_code == 404
    assert client.get(reverse("aftercare:village_income", args=["520999101201"])).status_code == 404
    assert client.get(reverse("aftercare:income_template", args=["520999101201"]),
                      {"year": YEAR, "quarter": QUARTER}).status_code == 404
    response = client.post(reverse("aftercare:employment_new", args=[family["household"].pk]), {})
    assert response.status_code == 404


def test_the_household_page_records_a_month(client, cast, family):
    household = family["household"]
    login(client, cast["reviewer"])
    page = client.get(reverse("aftercare:household", args=[household.pk]))
    assert page.status_code == 200 and "按月更新就业情况" in page.content.decode()
    response = client.post(reverse("aftercare:employment_new", args=[household.pk]), {
        "member": family["head"].pk, "month": "2026-03", "status": "wage", "place": "in_province",
        "employer": "贵阳某物流公司", "post": "分拣员", "months": "3", "monthly_income": "3500",
        "channel": "enterprise", "start_date": "2026-01-05"})
    assert response.status_code == 302
    assert EmploymentRecord.objects.get().employer == "贵阳某物流公司"
    text = client.get(reverse("aftercare:household", args=[household.pk])).content.decode()
    assert "贵阳某物流公司" in text and "未实现一户一人就业" not in text


def test_a_bad_month_answers_400_in_chinese_and_stores_nothing(client, cast, family):
    login(client, cast["reviewer"])
    response = client.post(reverse("aftercare:employment_new", args=[family["household"].pk]), {
        "member": family["head"].pk, "month": "2026-03", "status": "wage", "months": "3"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "已就业须选择就业地域" in text and "已就业须填写月收入" in text
    assert not EmploymentRecord.objects.exists()
    response = client.post(reverse("aftercare:employment_new", args=[family["household"].pk]), {
        "member": family["son"].pk, "month": "三月", "status": "x"})
    assert response.status_code == 400
    assert "请从列表中选择有劳动能力的家庭成员" in response.content.decode()


def test_a_read_only_post_gets_403(client, cast, family):
    login(client, cast["auditor"])
    assert client.get(reverse("aftercare:household", args=[family["household"].pk])).status_code == 200
    response = client.post(reverse("aftercare:income_new", args=[family["household"].pk]), {
        "year": YEAR, "quarter": QUARTER, "wage": "100", "head_signed_on": "2026-03-31"})
    assert response.status_code == 403
    assert not IncomeReport.objects.exists()


def row(household, **over):
    data = {"wage": "3000", "public_post": "", "business_gross": "500", "business_cost": "100",
            "property_income": "0", "transfer": "200", "head_signed_on": "2026-03-28", **over}
    return {f"{k}-{household.pk}": v for k, v in data.items()}


def test_the_village_page_stores_all_rows_or_none(client, cast, family, neighbour):
    url = reverse("aftercare:village_income", args=["520999101201"])
    login(client, cast["reviewer"])
    page = client.get(url, {"year": YEAR, "quarter": QUARTER})
    assert page.status_code == 200 and page.content.decode().count('data-household="') == 2
    bad = client.post(url, {"year": YEAR, "quarter": QUARTER, **row(family["household"]),
                            **row(neighbour, wage="三千", head_signed_on="")})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "本次填报未保存任何数据" in text and "工资性收入“三千”不是金额" in text
    assert 'value="三千"' in text  # what was typed stays on the page
    assert not IncomeReport.objects.exists()
    good = client.post(url, {"year": YEAR, "quarter": QUARTER, **row(family["household"]), **row(neighbour)})
    assert good.status_code == 302
    assert IncomeReport.objects.count() == 2


def xlsx(rows, header=("户编号", "户主姓名", "工资性收入", "其中公益岗位收入", "经营性收入（毛收入）", "生产经营费用",
                       "财产性收入", "转移性收入", "户主签字日期")):
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年第一季度搬迁户收入情况动态监测表"])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("income.xlsx", out.getvalue())


def upload(client, file):
    return client.post(reverse("aftercare:income_upload"), {"year": YEAR, "quarter": QUARTER, "workbook": file})


def test_the_excel_upload_refuses_a_file_with_a_bad_row(client, cast, family, neighbour):
    login(client, cast["reviewer"])
    response = upload(client, xlsx([
        (family["household"].number, "王大山", 3000, 0, 500, 100, 0, 200, "2026-03-28"),
        (neighbour.number, "", 3000, 4000, 500, 100, 0, 200, "2026-03-28"),
        ("5209991012019999", "", 1, 0, 0, 0, 0, 0, "2026-03-28"),
        (family["household"].number, "张三", 1, 0, 0, 0, 0, 0, "2026-03-28"),
    ]))
    text = response.content.decode()
    assert response.status_code == 400
    assert "整个文件未导入" in text
    assert "第4行" in text and "其中公益岗位收入不能大于工资性收入" in text
    assert "户编号 5209991012019999 不存在、不在您的管辖范围内或尚未搬迁入住" in text
    assert "户主姓名“张三”与登记的户主不符" in text and "与第3行是同一户" in text
    assert not IncomeReport.objects.exists()


def test_the_excel_upload_stores_a_good_file(client, cast, family, neighbour):
    login(client, cast["reviewer"])
    template = client.get(reverse("aftercare:income_template", args=["520999101201"]), {"year": YEAR, "quarter": 1})
    ws = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in ws[2]][:3] == ["户编号", "户主姓名", "工资性收入"]
    numbers = [ws.cell(row=r, column=1).value for r in (3, 4)]
    assert numbers == sorted([family["household"].number, neighbour.number])
    for r in (3, 4):
        for col, value in zip(range(3, 10), [3000, 0, 500, 100, 0, 200, "2026-03-28"]):
            ws.cell(row=r, column=col, value=value)
    out = io.BytesIO()
    ws.parent.save(out)
    response = upload(client, SimpleUploadedFile("filled.xlsx", out.getvalue()))
    assert response.status_code == 302
    assert IncomeReport.objects.filter(source="excel").count() == 2


def test_the_excel_upload_explains_a_wrong_file(client, cast, family):
    login(client, cast["reviewer"])
    response = upload(client, SimpleUploadedFile("income.xlsx", b"not a workbook"))
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()
    response = upload(client, xlsx([], header=("姓名", "金额")))
    assert "没有找到表头“户编号”" in response.content.decode()
    response = upload(client, SimpleUploadedFile("income.csv", b"a,b"))
    assert "只接受 .xlsx 格式" in response.content.decode()
    assert not IncomeReport.objects.exists()


def test_training_is_recorded_on_the_page(client, cast, family):
    from aftercare.models import TrainingRecord

    client.force_login(cast["reviewer"])
    url = reverse("aftercare:training_new", args=[family["household"].pk])
    bad = client.post(url, {"member": family["wife"].pk, "project": "家政", "start_date": "2026-02-10",
                            "end_date": "2026-02-01"})
    assert bad.status_code == 400 and "培训结束日期不能早于开始日期" in bad.content.decode()
    good = client.post(url, {"member": family["wife"].pk, "project": "家政服务员培训", "start_date": "2026-02-01",
                             "end_date": "2026-02-10", "certificate": "五级"}, follow=True)
    assert "已登记李春花的培训：家政服务员培训" in good.content.decode()
    assert TrainingRecord.objects.get().certificate == "五级"
