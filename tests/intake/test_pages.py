"""The import pages: upload → check in the background → the result row by row → confirm → stored;
the error workbook and the template; another area's batch is 404; audit events carry the SHA-256."""

import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.models import AuditEvent
from documents.storage import open_stored
from intake.models import ImportBatch
from registry.models import Household
from tests.factories import make_id_number
from tests.intake.workbooks import national, person


def upload(client, data, area, name="名单.xlsx"):
    return client.post("/intake/", {"area": area.pk, "file": SimpleUploadedFile(name, data)})


def a_list():
    return national([[person("张三", "户主", id_number=make_id_number("520121", "19800101", 1)),
                      person("李四", "配偶", id_number=make_id_number("520121", "19810101", 2))],
                     [person("王五", "户主", id_number=make_id_number("520121", "19700101", 3), education="",
                             schooling="")]]).getvalue()


def test_upload_check_confirm(client, areas, cast, django_capture_on_commit_callbacks):
    office = cast["county_office"]
    client.force_login(office)
    data = a_list()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, areas["county"])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/{batch.pk}/"
    assert batch.status == "checked" and (batch.created, batch.rejected) == (1, 1)
    assert Household.objects.count() == 0  # nothing stored before the official confirms
    digest = hashlib.sha256(data).hexdigest()
    assert batch.sha256 == digest and open_stored(batch.stored_name).read() == data  # the file kept
    assert AuditEvent.objects.get(action="intake.upload").data["sha256"] == digest
    page = client.get(f"/intake/{batch.pk}/").content.decode()
    assert "将新增" in page and "确认导入 1 户" in page
    page = client.get(f"/intake/{batch.pk}/?show=rejected").content.decode()
    assert "文化程度与在校生状况须填写其一" in page and "王五" in page
    errors = client.get(f"/intake/{batch.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("行号", "姓名", "证件号码（脱敏）", "列", "问题")
    assert any("须填写其一" in (r[4] or "") for r in rows)
    assert make_id_number("520121", "19700101", 3) not in str(rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/intake/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "done" and batch.created == 1 and Household.objects.count() == 1
    event = AuditEvent.objects.get(action="intake.import")
    assert event.data["sha256"] == digest and event.data["新增"] == 1
    # A second confirmation does nothing.
    response = client.post(f"/intake/{batch.pk}/confirm/", follow=True)
    assert "不在“待确认”状态" in response.content.decode() and Household.objects.count() == 1


def test_bad_files_say_so_and_store_nothing(client, areas, cast):
    client.force_login(cast["county_office"])
    response = upload(client, b"not a workbook", areas["county"], name="名单.xls")
    assert ".xlsx" in response.content.decode() and not ImportBatch.objects.exists()
    response = upload(client, b"%PDF-1.4", areas["county"])
    assert "不是有效的" in response.content.decode() and not ImportBatch.objects.exists()


def test_a_file_without_a_header(client, areas, cast, django_capture_on_commit_callbacks):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    out = io.BytesIO()
    wb.save(out)
    client.force_login(cast["county_office"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, out.getvalue(), areas["county"])
    batch = ImportBatch.objects.get()
    assert "未找到表头" in batch.report["file_problems"][0]
    assert "确认导入" not in client.get(f"/intake/{batch.pk}/").content.decode()


def test_scope(client, areas, cast, django_capture_on_commit_callbacks):
    client.force_login(cast["county_office"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, a_list(), areas["county"])
    batch = ImportBatch.objects.get()
    client.force_login(cast["other_reviewer"])  # a township reviewer: sees no county batch
    assert client.get(f"/intake/{batch.pk}/").status_code == 404
    assert client.post(f"/intake/{batch.pk}/confirm/").status_code == 404
    assert client.get(f"/intake/{batch.pk}/errors.xlsx").status_code == 404
    response = client.post("/intake/", {"area": areas["county"].pk, "file": SimpleUploadedFile("a.xlsx", a_list())})
    assert "选择一个有效的选项" in response.content.decode() or response.status_code == 200
    assert ImportBatch.objects.count() == 1
    client.force_login(cast["clerk_a"])  # a village clerk: households are imported by township or county
    assert "不能上传名单" in client.get("/intake/").content.decode()
    assert client.post("/intake/", {"area": areas["county"].pk}).status_code == 403


def test_the_template_has_the_header_and_drop_downs(client, areas, cast):
    client.force_login(cast["county_office"])
    response = client.get("/intake/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["成员"]
    header = [c.value for c in ws[1]]
    assert {"县(市、区、旗)", "姓名", "证件号码", "与户主关系", "文化程度", "在校生状况", "安置点名称"} <= set(header)
    validations = ws.data_validations.dataValidation
    assert any("值列表" in v.formula1 for v in validations) and len(validations) >= 8
    assert wb["值列表"].sheet_state == "hidden"
    # The template read back by the importer: its header is found.
    from intake.columns import COLUMNS
    from intake.rows import read_sheet
    response.content and read_sheet(io.BytesIO(response.content), COLUMNS)
