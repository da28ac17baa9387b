"""The import's steps as services (issue 21 items 2–3): upload → check (background) → confirm →
store (background), each an audit event; the uploaded file kept, write-once, as the evidence of
what was imported, its SHA-256 in the events."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents.storage import new_name, open_stored, write_once
from registry.scope import covers

from . import checking, committing
from .models import ImportBatch

MAX_BYTES = getattr(settings, "INTAKE_MAX_UPLOAD_BYTES", 30 * 1024 * 1024)
XLSX_MAGIC = b"PK\x03\x04"
STORAGE_PREFIX = "intake"


def may_import(user, area) -> bool:
    return covers(user, checking.ADD, area.code)


def read_upload(upload) -> bytes:
    name = upload.name or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError("请上传 Excel 工作簿（.xlsx 文件）；.xls 请先在 Excel 中另存为 .xlsx。")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"文件过大（{upload.size // 1024 // 1024} MB），上限为 {MAX_BYTES // 1024 // 1024} MB。")
    data = upload.read()
    if not data.startswith(XLSX_MAGIC):
        raise ValidationError("该文件不是有效的 .xlsx 工作簿。")
    return data


def upload(user, area, uploaded, *, request=None) -> ImportBatch:
    """Keep the file, create the batch, start its check after commit."""
    if not may_import(user, area):
        raise PermissionDenied("您在该区域没有登记搬迁户的权限。")
    data = read_upload(uploaded)
    digest = hashlib.sha256(data).hexdigest()
    name = write_once(new_name(STORAGE_PREFIX, area.code, "xlsx"), data)
    with transaction.atomic():
        batch = ImportBatch.objects.create(area=area, created_by=user, file_name=(uploaded.name or "")[-200:],
                                           stored_name=name, sha256=digest, size=len(data),
                                           status=ImportBatch.Status.CHECKING, stage="等待核对")
        record(user, "intake.upload", batch, {"file": batch.file_name, "sha256": digest, "size": len(data)},
               request=request, area_code=area.code)
        from .tasks import check_batch  # noqa: PLC0415  (tasks imports this module)

        batch_id = batch.pk
        transaction.on_commit(lambda: check_batch.delay(batch_id))
    return batch


def _progress(batch_id, stage):
    def report(done, total):
        ImportBatch.objects.filter(pk=batch_id).update(progress_done=done, progress_total=total, stage=stage)
    return report


def run_check(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("area", "created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:
        return
    ImportBatch.objects.filter(pk=batch_id).update(stage="读取并核对", progress_done=0)
    try:
        with open_stored(batch.stored_name) as fh:
            result = checking.check(fh, user=batch.created_by, area=batch.area, progress=_progress(batch_id, "核对中"))
    except Exception as exc:  # the batch says it failed; the log has the trace
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.FAILED, error=f"核对失败：{exc}",
                                                       stage="失败")
        raise
    report = result.report()
    counts = report["counts"]
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.CHECKED, report=report, stage="核对完成，待确认",
        progress_done=report["households"], progress_total=report["households"],
        created=counts[checking.CREATE], updated=counts[checking.UPDATE], unchanged=counts[checking.UNCHANGED],
        rejected=counts[checking.REJECTED],
    )


def confirm(batch: ImportBatch, user, *, request=None) -> None:
    if not may_import(user, batch.area):
        raise PermissionDenied("您在该区域没有登记搬迁户的权限。")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.CHECKED:
            raise ValidationError("该批名单不在“待确认”状态（可能已确认或已取消）。")
        if not (locked.created + locked.updated):
            raise ValidationError("没有可导入的户：请修改名单后重新上传。")
        locked.status = ImportBatch.Status.COMMITTING
        locked.confirmed_by, locked.confirmed_at = user, timezone.now()
        locked.stage, locked.progress_done = "等待导入", 0
        locked.save()
        record(user, "intake.confirm", locked, {"file": locked.file_name, "sha256": locked.sha256,
                                                "planned": {"新增": locked.created, "更新": locked.updated}},
               request=request, area_code=locked.area_code)
        from .tasks import commit_batch  # noqa: PLC0415  (tasks imports this module)

        transaction.on_commit(lambda: commit_batch.delay(locked.pk))


def cancel(batch: ImportBatch, user, *, request=None) -> None:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED):
            raise ValidationError("只有待确认的名单可以取消。")
        locked.status, locked.stage = ImportBatch.Status.CANCELLED, "已取消"
        locked.save(update_fields=["status", "stage"])
        record(user, "intake.cancel", locked, {"file": locked.file_name, "sha256": locked.sha256},
               request=request, area_code=locked.area_code)


def run_commit(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("area", "confirmed_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return
    with open_stored(batch.stored_name) as fh:
        outcome = committing.commit(batch, fh, user=batch.confirmed_by, progress=_progress(batch_id, "导入中"))
    report = dict(batch.report)
    report["commit_messages"] = outcome.messages
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.DONE, finished_at=timezone.now(), stage="导入完成", report=report,
            created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged, rejected=outcome.rejected,
        )
        batch.refresh_from_db()
        record(batch.confirmed_by, "intake.import", batch,
               {"file": batch.file_name, "sha256": batch.sha256, "新增": outcome.created, "更新": outcome.updated,
                "无变化": outcome.unchanged, "未导入": outcome.rejected}, area_code=batch.area_code)
