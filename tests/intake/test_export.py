"""Export in the same shapes (issue 21 item 5): what was imported comes back out in the national
layout and the 花名册, and imports again unchanged; full IDs only for posts that may reveal them."""

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from intake import checking
from intake.checking import UNCHANGED
from tests.factories import make_id_number
from tests.intake.test_checking import run
from tests.intake.workbooks import national, person


@pytest.mark.parametrize("layout", ["national", "roster"])
def test_exported_list_imports_back_unchanged(client, areas, cast, layout):
    office = cast["county_office"]
    a = make_id_number("520121", "19800101", 31)
    data = national([[person("张三", "户主", id_number=a, phone=13812345678.0),
                      person("李四", "配偶", id_number=make_id_number("520121", "19810101", 32) + "14"),
                      person("张小", "之子", id_number=make_id_number("520121", "20150101", 33), education="",
                             schooling="小学")]]).getvalue()
    run(data, office, areas["county"])
    client.force_login(office)
    response = client.get(f"/intake/export.xlsx?area={areas['county'].pk}&layout={layout}")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 3 and a in str(rows)
    result = checking.check(io.BytesIO(response.content), user=office, area=areas["county"])
    assert [p.action for p in result.planned] == [UNCHANGED], result.report()["problems"]
    event = AuditEvent.objects.get(action="intake.export")
    assert event.data["persons"] == 3 and a not in str(event.data)


def test_export_needs_the_reveal_post(client, areas, cast):
    client.force_login(cast["clerk_a"])
    assert client.get(f"/intake/export.xlsx?area={areas['county'].pk}").status_code == 404
    client.force_login(cast["reviewer"])  # 城关镇's reviewer: not 石桥乡
    assert client.get(f"/intake/export.xlsx?area={areas['other_town'].pk}").status_code == 404
    assert client.get(f"/intake/export.xlsx?area={areas['town'].pk}&layout=roster").status_code == 200
