"""台账 to Excel: the roster in the county 花名册 column order (one row per person), the sites, funds
and demolition ledgers; formula-safe cells, text ID columns, Chinese file names, the scope, one
audit event per download and a number of queries that does not grow with the rows."""

import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from monitoring.ledgers import ROSTER_COLUMNS
from registry.models import Household
from tests.factories import HouseholdFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client, cast):
    def as_(name):
        client.force_login(cast[name], backend=MODEL_BACKEND)
        return client
    return as_


def download(client, kind, area):
    response = client.get(reverse("monitoring:ledger_xlsx", args=[kind]), {"area": area.code})
    assert response.status_code == 200, response.content[:300]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return response, sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_roster_is_one_row_per_person_in_the_county_column_order(login, program, areas):
    h = program["households"]
    Household.objects.filter(pk=h["h4"].pk).update(scattered_location="=HYPERLINK(\"http://x\")")
    response, sheet, rows = download(login("county_office"), "households", areas["county"])
    assert unquote(response["Content-Disposition"]).endswith("示例县易地扶贫搬迁对象花名册-" +
                                                            rows[0][0].rsplit("-", 1)[1] + ".xlsx")
    assert rows[1] == list(ROSTER_COLUMNS) and len(ROSTER_COLUMNS) == 50
    assert rows[1][:8] == ["乡(镇)", "行政村", "自然村", "户编号", "姓名", "身份证号", "家庭人数", "与户主关系"]
    assert rows[1][47:] == ["搬迁地点", "安置方式", "备注"]
    people = rows[2:]
    assert len(people) == 3 + 2 + 1 + 1 + 4 + 2 + 1  # every member, the removed household's too
    first = next(r for r in people if r[3] == h["h1"].number)
    assert first[0] == "城关镇" and first[1] == "村A" and first[6] == 3 and first[7] == "户主"
    assert first[47] == "河畔安置点" and first[48] == "集中安置"
    assert sum(1 for r in people if r[49] == "已清退") == 4
    formula = next(r for r in people if r[3] == h["h4"].number)
    assert formula[47].startswith("=HYPERLINK")
    cell = sheet.cell(row=[r[3] for r in rows].index(h["h4"].number) + 1, column=48)
    assert cell.data_type == "s"  # text, not a formula
    assert sheet.cell(row=3, column=6).number_format == "@"
    event = AuditEvent.objects.get(action="monitoring.export")
    assert event.data["subject"] == "搬迁户台账" and event.data["rows"] == 14


def test_ids_are_full_only_for_a_post_that_may_reveal_them(login, program, areas):
    h1 = program["households"]["h1"]
    head = h1.members.get(relation="head")
    _, _, rows = download(login("county_office"), "households", areas["county"])  # 县搬迁办: may reveal
    assert next(r[5] for r in rows[2:] if r[3] == h1.number and r[7] == "户主") == head.id_number
    _, _, rows = download(login("housing"), "households", areas["county"])  # 住建局: reads, may not reveal
    assert next(r[5] for r in rows[2:] if r[3] == h1.number and r[7] == "户主") == head.id_number_masked
    assert [e.data["unmasked_id_numbers"] for e in AuditEvent.objects.filter(action="monitoring.export")
            .order_by("id")] == [True, False]


def test_a_township_post_gets_its_township_only(login, program, areas):
    client = login("reviewer")
    _, _, rows = download(client, "households", areas["town"])
    assert len(rows[2:]) == 3 + 2 + 1 + 1 + 4 and {r[0] for r in rows[2:]} == {"城关镇"}
    for kind in ("households", "sites", "funds", "reclamation"):
        assert client.get(reverse("monitoring:ledger_xlsx", args=[kind]), {"area": areas["county"].code}
                          ).status_code == 404
    _, _, rows = download(client, "funds", areas["town"])
    assert rows[-1][:7] == ["合计", None, 8000000, None, 5000000.5, 0, 5000000.5]


def test_the_sites_and_funds_ledgers(login, program, areas):
    client = login("county_office")
    _, _, rows = download(client, "sites", areas["county"])
    by_name = {r[2]: r for r in rows[2:]}
    assert set(by_name) == {"河畔安置点", "山前安置点", "石桥安置点"}
    assert by_name["河畔安置点"][8] == 2 and by_name["河畔安置点"][9] == "食用菌"  # h5 (removed) not counted
    assert by_name["河畔安置点"][15:] == [8000000, 5000000.5, 0, 5000000.5]
    assert by_name["石桥安置点"][8] == 0
    _, _, rows = download(client, "funds", areas["county"])
    assert ["河畔安置点", "城关镇", None, "中央预算内投资", 5000000.5, None, None, 2] in rows
    assert rows[-1][:7] == ["合计", None, 10500000, None, 5500000.5, 0, 5500000.5]


def test_the_reclamation_ledger_with_the_land_quota(login, program, areas):
    Household.objects.filter(pk=program["households"]["h1"].pk).update(reclaimed_area_mu=Decimal("1.25"))
    _, _, rows = download(login("county_office"), "reclamation", areas["county"])
    by_number = {r[0]: r for r in rows[2:-1]}
    h = program["households"]
    assert set(by_number) == {h["h1"].number, h["h2"].number, h["h3"].number}
    assert by_number[h["h1"].number][5:] == ["否", None, "是", "是", 1.25, 1.25]
    assert by_number[h["h2"].number][7:9] == ["是", "否"]
    assert by_number[h["h3"].number][5:9] == ["是", "具有历史文化保护价值的传统民居", "—", "—"]
    assert rows[-1][0] == "合计" and rows[-1][1] == "3户" and rows[-1][10] == 1.25


def test_the_ledgers_page_and_a_bounded_number_of_queries(login, program, areas):
    client = login("county_office")
    page = client.get(reverse("monitoring:ledgers"), {"area": areas["county"].code}).content.decode()
    assert "搬迁户台账" in page and "拆旧复垦台账" in page
    counts = {}
    for label in ("few", "more"):
        with CaptureQueriesContext(connection) as ctx:
            for kind in ("households", "sites", "funds", "reclamation"):
                client.get(reverse("monitoring:ledger_xlsx", args=[kind]), {"area": areas["county"].code})
        counts[label] = len(ctx)
        HouseholdFactory.create_batch(6, village=areas["village_b"])
    assert counts["few"] == counts["more"]
