"""回头看 (issue 21 item 4): other departments' lists matched against the county's active cases,
suspects checked by their township, a sample of households per township for 踏验, and the county's
report.

- `upload_list`: a county post uploads a list (财政供养人员, 农房保障 beneficiaries, 户籍 changes,
  deaths) by ID number. Each ID is turned into its blind index in memory and matched against the
  active members of the county's cases (`Member.id_index`); no clear ID number is compared in the
  database, stored, logged or put in an audit payload — messages name the row, never the number.
  Each match becomes a `Suspect` in the household's area.
- `decide`: the township (its reviewer) confirms a suspect — which starts the removal process of
  workflows (`request_removal`, the county then approves it as any 清退) — or clears it with a reason.
- `draw_sample`: N % of each township's active households, at least one, drawn at random for 踏验;
  `record_field_check` records the result.
- `build_report`: per township, the suspects and the field checks, as an Excel workbook (kept,
  write-once) and a PDF document whose filing into the county's archive file is the archive's own
  receiver's work (archive/signals.py); the PDF prints the workbook's SHA-256.
"""

import hashlib
import io
import math
import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook

from audit.log import record
from documents.services import generate_document
from documents.spreadsheets import append_row
from documents.storage import new_name, write_once
from registry.crypto import blind_index
from registry.models import AdminArea, AreaLevel, Household, HouseholdStage, Member
from registry.scope import area_q, holds_post
from workflows.acting import Refused as ActRefused
from workflows.households import service as household_service

from .columns import Column
from .models import FieldCheck, RecheckList, RecheckReport, Suspect
from .rows import SheetError, read_sheet, split_id_cell
from .services import read_upload

COUNTY_POSTS = ("role_county_office",)  # who uploads lists, draws samples and files the report
TOWNSHIP_POSTS = ("role_township_reviewer",)  # who checks suspects and records 踏验 (乡镇审核员)
READ = "registry.view_household"
CHUNK = 900
LIST_COLUMNS = (
    Column("name", "姓名", ("人员姓名", "死亡人员姓名"), True),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "身份证件号码"), True, identifier=True),
    Column("unit", "工作单位", ("单位", "单位名称", "所在单位")),
    Column("note", "备注", ("变动类型", "死亡日期", "项目名称", "说明")),
)
REPORT_TYPE = "recheck_report"


def is_county_post(user, county) -> bool:
    return any(holds_post(user, role, county.code) for role in COUNTY_POSTS)


def counties_for(user):
    """The counties where the user holds a county post (upload, sample, report)."""
    found = []
    for county in AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code"):
        if is_county_post(user, county):
            found.append(county)
    return found


def visible_suspects(user):
    """A township sees its own households' suspects, a county all of its county's (registry/scope.py)."""
    return Suspect.objects.filter(area_q(user, READ, field="area_code"))


def visible_field_checks(user):
    return FieldCheck.objects.filter(area_q(user, READ, field="area_code"))


def _require_county(user, county):
    if not is_county_post(user, county):
        raise PermissionDenied("只有县级易地扶贫搬迁办公室可以上传比对名单、抽样和生成回头看报告。")


def upload_list(user, county, kind: str, uploaded, *, source: str = "", request=None) -> RecheckList:
    _require_county(user, county)
    if kind not in RecheckList.Kind.values:
        raise ValidationError("请选择名单类别。")
    data = read_upload(uploaded)
    try:
        sheet = read_sheet(io.BytesIO(data), LIST_COLUMNS, sheet_names=(), min_matches=2)
    except SheetError as exc:
        raise ValidationError(str(exc))
    if "id_number" not in sheet.found:
        raise ValidationError("名单中没有“身份证号码”（或“证件号码”）列：回头看按身份证号码比对。")
    indexes: dict[str, int] = {}  # blind index → first row
    unreadable = []
    for row in sheet.rows:
        try:
            number, _suffix = split_id_cell(row.values.get("id_number"))
        except ValidationError:
            unreadable.append(row.number)
            continue
        indexes.setdefault(blind_index(number), row.number)
        row.values.pop("id_number", None)  # the clear number goes no further
    digest = hashlib.sha256(data).hexdigest()
    name = write_once(new_name("intake", county.code, "xlsx"), data)
    prefix = county.code[:6]
    with transaction.atomic():
        listed = RecheckList.objects.create(county=county, kind=kind, source=source[:100],
                                            file_name=(uploaded.name or "")[-200:], stored_name=name, sha256=digest,
                                            persons=len(sheet.rows), unreadable=len(unreadable), created_by=user)
        keys = list(indexes)
        matches = []
        for start in range(0, len(keys), CHUNK):
            matches += list(Member.objects.filter(id_index__in=keys[start:start + CHUNK], case_active=True,
                                                  household__area_code__startswith=prefix)
                            .select_related("household"))
        Suspect.objects.bulk_create([
            Suspect(recheck=listed, household=m.household, member=m, area_code=m.household.area_code,
                    row=indexes[m.id_index]) for m in matches
        ])
        listed.matched = len(matches)
        listed.save(update_fields=["matched"])
        record(user, "intake.recheck_upload", listed,
               {"kind": listed.get_kind_display(), "file": listed.file_name, "sha256": digest,
                "persons": listed.persons, "unreadable_rows": unreadable[:50], "matched": listed.matched},
               request=request, area_code=county.code)
    return listed


def _lock_suspect(user, suspect_id) -> Suspect:
    suspect = (visible_suspects(user).select_for_update(of=("self",)).select_related("household", "member", "recheck")
               .filter(pk=suspect_id).first())
    if suspect is None:
        raise PermissionDenied("没有该疑点，或不在您的管辖范围内。")
    if not any(holds_post(user, role, suspect.area_code) for role in TOWNSHIP_POSTS):
        raise PermissionDenied("疑点由所在乡镇的审核员核查。")
    if suspect.status != Suspect.Status.OPEN:
        raise ValidationError("该疑点已核查（可能已被他人处理）。")
    return suspect


def decide(user, suspect_id, *, confirm: bool, reason: str, request=None) -> Suspect:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写核查说明：确认的写明核实情况，排除的写明排除理由。")
    with transaction.atomic():
        suspect = _lock_suspect(user, suspect_id)
        if confirm:
            text = (f"回头看：{suspect.member.name}见于{suspect.recheck.get_kind_display()}"
                    f"（第{suspect.row}行），经核实：{reason}")
            try:
                household_service.request_removal(suspect.household_id, actor=user, reason=text, request=request)
            except ActRefused as exc:
                raise ValidationError(f"不能转入清退：{exc.message}")
        suspect.status = Suspect.Status.CONFIRMED if confirm else Suspect.Status.CLEARED
        suspect.reason, suspect.decided_by, suspect.decided_at = reason, user, timezone.now()
        suspect.save()
        record(user, "intake.suspect_confirm" if confirm else "intake.suspect_clear", suspect.household,
               {"suspect": suspect.pk, "member": suspect.member.name, "list": suspect.recheck.get_kind_display(),
                "reason": reason}, request=request)
    return suspect


def draw_sample(user, county, percent: int, *, seed=None, request=None) -> int:
    """N % of each township's active households (at least one where it has any) for 踏验."""
    _require_county(user, county)
    if not 1 <= percent <= 100:
        raise ValidationError("抽样比例须在1%至100%之间。")
    # The draw cannot be foreseen (the operating system's randomness); a seed only in tests.
    rnd = random.Random(seed) if seed is not None else secrets.SystemRandom()  # nosec B311
    with transaction.atomic():
        draw = (FieldCheck.objects.filter(county=county).order_by("-draw").values_list("draw", flat=True).first() or 0) + 1
        townships = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county.code[:6]).order_by("code")
        drawn = []
        for township in townships:
            ids = list(Household.objects.filter(area_code__startswith=township.code[:9])
                       .exclude(stage=HouseholdStage.REMOVED).order_by("pk").values_list("pk", "area_code"))
            if not ids:
                continue
            n = max(1, math.ceil(len(ids) * percent / 100))
            for pk, area_code in rnd.sample(ids, n):
                drawn.append(FieldCheck(county=county, township=township, household_id=pk, area_code=area_code,
                                        draw=draw, percent=percent, drawn_by=user))
        FieldCheck.objects.bulk_create(drawn)
        record(user, "intake.field_sample", county, {"draw": draw, "percent": percent, "households": len(drawn)},
               request=request, area_code=county.code)
    return len(drawn)


def record_field_check(user, check_id, *, result: str, note: str, request=None) -> FieldCheck:
    note = (note or "").strip()
    if result not in (FieldCheck.Result.CONFORMS, FieldCheck.Result.FAILS):
        raise ValidationError("请选择踏验结果（符合或不符合）。")
    if result == FieldCheck.Result.FAILS and not note:
        raise ValidationError("踏验不符合的，须写明情况。")
    with transaction.atomic():
        check = visible_field_checks(user).select_for_update(of=("self",)).filter(pk=check_id).first()
        if check is None:
            raise PermissionDenied("没有该踏验记录，或不在您的管辖范围内。")
        if not any(holds_post(user, role, check.area_code) for role in TOWNSHIP_POSTS + COUNTY_POSTS):
            raise PermissionDenied("踏验结果由乡镇审核员或县级易地扶贫搬迁办公室填写。")
        if check.result:
            raise ValidationError("该户的踏验结果已填写。")
        check.result, check.note, check.checked_by, check.checked_at = result, note, user, timezone.now()
        check.save()
        record(user, "intake.field_check", check.household, {"draw": check.draw, "result": check.get_result_display(),
                                                             "note": note}, request=request)
    return check


def report_rows(county) -> tuple[list, list, list]:
    """(per township figures, suspects, field checks) of the county, for the PDF and the Excel."""
    townships = list(AdminArea.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county.code[:6])
                     .order_by("code"))
    suspects = list(Suspect.objects.filter(area_code__startswith=county.code[:6])
                    .select_related("household__village", "member", "recheck").order_by("area_code", "id"))
    checks = list(FieldCheck.objects.filter(county=county).select_related("household__village", "township")
                  .order_by("draw", "area_code", "id"))
    figures = []
    for township in townships:
        prefix = township.code[:9]
        mine = [s for s in suspects if s.area_code.startswith(prefix)]
        drawn = [c for c in checks if c.area_code.startswith(prefix)]
        figures.append({
            "township": township.name, "suspects": len(mine),
            "open": sum(s.status == Suspect.Status.OPEN for s in mine),
            "confirmed": sum(s.status == Suspect.Status.CONFIRMED for s in mine),
            "cleared": sum(s.status == Suspect.Status.CLEARED for s in mine),
            "drawn": len(drawn), "checked": sum(bool(c.result) for c in drawn),
            "conforms": sum(c.result == FieldCheck.Result.CONFORMS for c in drawn),
            "fails": sum(c.result == FieldCheck.Result.FAILS for c in drawn),
        })
    return figures, suspects, checks


FIGURE_HEADER = ["乡镇", "疑点", "待核查", "确认转清退", "已排除", "踏验抽样户", "已踏验", "符合", "不符合"]
FIGURE_KEYS = ["township", "suspects", "open", "confirmed", "cleared", "drawn", "checked", "conforms", "fails"]


def report_workbook(county) -> bytes:
    figures, suspects, checks = report_rows(county)
    wb = Workbook()
    ws = wb.active
    ws.title = "分乡镇汇总"
    append_row(ws, [f"{county.name}易地扶贫搬迁对象“回头看”情况汇总（{timezone.localdate():%Y年%m月%d日}）"])
    append_row(ws, FIGURE_HEADER)
    for f in figures:
        append_row(ws, [f[k] for k in FIGURE_KEYS])
    sheet = wb.create_sheet("疑点核查")
    append_row(sheet, ["户编号", "村", "成员", "身份证号码（脱敏）", "比对名单", "名单行号", "核查状态", "核查说明", "核查时间"])
    for s in suspects:
        append_row(sheet, [s.household.number, s.household.village.name, s.member.name, s.member.id_number_masked,
                           s.recheck.get_kind_display(), s.row, s.get_status_display(), s.reason,
                           timezone.localtime(s.decided_at).strftime("%Y-%m-%d %H:%M") if s.decided_at else ""])
    sheet = wb.create_sheet("踏验")
    append_row(sheet, ["抽样批次", "比例（%）", "乡镇", "户编号", "村", "踏验结果", "踏验情况", "踏验时间"])
    for c in checks:
        append_row(sheet, [c.draw, c.percent, c.township.name, c.household.number, c.household.village.name,
                           c.get_result_display(), c.note,
                           timezone.localtime(c.checked_at).strftime("%Y-%m-%d %H:%M") if c.checked_at else ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_report(user, county, *, request=None) -> RecheckReport:
    _require_county(user, county)
    data = report_workbook(county)
    digest = hashlib.sha256(data).hexdigest()
    name = write_once(new_name("intake", county.code, "xlsx"), data)
    try:
        with transaction.atomic():
            version = generate_document(REPORT_TYPE, actor=user, area=county, request=request, excel_sha256=digest)
            report = RecheckReport.objects.create(county=county, document=version.document, excel_name=name,
                                                  excel_sha256=digest, created_by=user)
            record(user, "intake.recheck_report", report, {"document": version.document.number,
                                                           "excel_sha256": digest}, request=request,
                   area_code=county.code)
    except IntegrityError:
        raise ValidationError("生成报告时与另一操作冲突，请重试。")
    return report
