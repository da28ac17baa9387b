"""回头看 (issue 21 item 4): another department's list matched through the blind index; suspects on
the township's checking list (confirm → 清退 request, clear → reason); the 踏验 sample; the report."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from intake import recheck
from intake.models import FieldCheck, RecheckList, Suspect
from registry.models import Relation
from tests.factories import HouseholdFactory, MemberFactory, make_id_number
from workflows.models.households import Opinion


def a_list(rows, title=True) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["示例县财政供养人员名单（2026年11月）"])
    ws.append(["序号", "姓名", "身份证号码", "工作单位"])
    for n, (name, number) in enumerate(rows, start=1):
        ws.append([n, name, number, "示例县某局"])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("财政供养人员.xlsx", out.getvalue())


@pytest.fixture
def two_in_cases(areas):
    """A member of an active case in 城关镇 (村A) and one in 石桥乡 (村C), and a removed case's member."""
    a, c, gone = (make_id_number("520121", "19800101", 11), make_id_number("520121", "19810101", 12),
                  make_id_number("520121", "19820101", 13))
    h_a = HouseholdFactory(village=areas["village_a"], head=False)
    MemberFactory(household=h_a, id_number=a, relation=Relation.HEAD, name="甲")
    h_c = HouseholdFactory(village=areas["village_c"], head=False)
    MemberFactory(household=h_c, id_number=c, relation=Relation.HEAD, name="丙")
    return {"a": a, "c": c, "other": gone, "h_a": h_a, "h_c": h_c}


def test_two_members_of_active_cases_make_exactly_two_suspects(areas, cast, two_in_cases, caplog):
    caplog.set_level(logging.DEBUG)
    office = cast["county_office"]
    upload = a_list([("甲", two_in_cases["a"]), ("丙", two_in_cases["c"] + "14"), ("路人", two_in_cases["other"]),
                     ("错号", "52012119800101123"), ("路人2", make_id_number("520121", "19830101", 14))])
    with CaptureQueriesContext(connection) as queries:
        listed = recheck.upload_list(office, areas["county"], RecheckList.Kind.STATE_SALARIED, upload)
    assert (listed.persons, listed.unreadable, listed.matched) == (5, 1, 2)
    suspects = Suspect.objects.order_by("area_code")
    assert [(s.household_id, s.area_code[:9]) for s in suspects] == [
        (two_in_cases["h_a"].pk, "520999101"), (two_in_cases["h_c"].pk, "520999102")]
    assert [s.row for s in suspects] == [3, 4]
    clear = [two_in_cases["a"], two_in_cases["c"], two_in_cases["other"]]
    payloads = " ".join(str(e.data) for e in AuditEvent.objects.all())
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for number in clear:
        assert number not in payloads and number not in caplog.text and number not in sql


def test_a_township_sees_only_its_own_suspects(areas, cast, two_in_cases):
    recheck.upload_list(cast["county_office"], areas["county"], "state_salaried",
                        a_list([("甲", two_in_cases["a"]), ("丙", two_in_cases["c"])]))
    assert [s.household_id for s in recheck.visible_suspects(cast["reviewer"])] == [two_in_cases["h_a"].pk]
    assert [s.household_id for s in recheck.visible_suspects(cast["other_reviewer"])] == [two_in_cases["h_c"].pk]
    assert recheck.visible_suspects(cast["clerk_b"]).count() == 0
    other = Suspect.objects.get(household=two_in_cases["h_c"])
    with pytest.raises(PermissionDenied):
        recheck.decide(cast["reviewer"], other.pk, confirm=False, reason="不是本人")


def test_uploads_only_by_county_posts(areas, cast, two_in_cases):
    for who in ("reviewer", "auditor", "clerk_a"):
        with pytest.raises(PermissionDenied):
            recheck.upload_list(cast[who], areas["county"], "death", a_list([("甲", two_in_cases["a"])]))
    assert not RecheckList.objects.exists()


def test_confirm_starts_the_removal_and_clear_needs_a_reason(areas, cast, two_in_cases):
    recheck.upload_list(cast["county_office"], areas["county"], "state_salaried",
                        a_list([("甲", two_in_cases["a"]), ("丙", two_in_cases["c"])]))
    mine = Suspect.objects.get(household=two_in_cases["h_a"])
    recheck.decide(cast["reviewer"], mine.pk, confirm=True, reason="经核实系县某局在编人员")
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    opinion = Opinion.objects.get(household=two_in_cases["h_a"], step="removal_request")
    assert "财政供养人员名单" in opinion.text
    other = Suspect.objects.get(household=two_in_cases["h_c"])
    with pytest.raises(ValidationError, match="核查说明"):
        recheck.decide(cast["other_reviewer"], other.pk, confirm=False, reason=" ")
    recheck.decide(cast["other_reviewer"], other.pk, confirm=False, reason="同名同号系录入错误，已核对户籍")
    other.refresh_from_db()
    assert other.status == "cleared" and other.reason.startswith("同名")
    with pytest.raises(ValidationError, match="已核查"):
        recheck.decide(cast["other_reviewer"], other.pk, confirm=True, reason="再来一次")


def test_sampling_per_township_and_results(areas, cast):
    for _ in range(10):
        HouseholdFactory(village=areas["village_a"])
    for _ in range(3):
        HouseholdFactory(village=areas["village_c"])
    drawn = recheck.draw_sample(cast["county_office"], areas["county"], 20, seed=1)
    by_town = {t: FieldCheck.objects.filter(township=areas[t]).count() for t in ("town", "other_town")}
    assert drawn == 3 and by_town == {"town": 2, "other_town": 1}  # 20 % of 10, and at least one of 3
    with pytest.raises(PermissionDenied):
        recheck.draw_sample(cast["reviewer"], areas["county"], 20)
    check = FieldCheck.objects.filter(township=areas["town"]).first()
    with pytest.raises(ValidationError, match="写明情况"):
        recheck.record_field_check(cast["reviewer"], check.pk, result="fails", note="")
    recheck.record_field_check(cast["reviewer"], check.pk, result="fails", note="实际居住在县城商品房")
    with pytest.raises(PermissionDenied):
        recheck.record_field_check(cast["reviewer"], FieldCheck.objects.get(township=areas["other_town"]).pk,
                                   result="conforms", note="")


def test_the_county_report_pdf_and_excel_filed(areas, cast, two_in_cases, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    office = cast["county_office"]
    recheck.upload_list(office, areas["county"], "state_salaried", a_list([("甲", two_in_cases["a"])]))
    recheck.draw_sample(office, areas["county"], 50, seed=2)
    report = recheck.build_report(office, areas["county"])
    assert report.document.doc_type == "recheck_report" and report.document.area_code == areas["county"].code
    from archive.models import ArchiveItem  # the archive's receiver filed it (tests may look above intake)
    item = ArchiveItem.objects.get(document_version__document=report.document)
    assert item.file.area_code.startswith("520999")
    wb = load_workbook(io.BytesIO(recheck.report_workbook(areas["county"])))
    assert wb.sheetnames == ["分乡镇汇总", "疑点核查", "踏验"]
    rows = list(wb["分乡镇汇总"].iter_rows(values_only=True))
    assert rows[1][0] == "乡镇" and rows[2][:2] == ("城关镇", 1)
    assert two_in_cases["a"] not in str(list(wb["疑点核查"].iter_rows(values_only=True)))
