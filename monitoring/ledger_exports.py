"""Large 台账 in the background (issue 19): above MONITORING_LEDGER_INLINE_ROWS rows a ledger is not
built inside the request but by a Celery task, which records its progress on a `LedgerExport`
row; the export's page shows it (and refreshes itself while it works), then offers the file for
one download. The download is an audit event like an inline one (`monitoring.export`, with the
rows and whether ID numbers are unmasked); afterwards the file is deleted. A file nobody fetched
is deleted after MONITORING_LEDGER_KEEP_HOURS (beat, hourly).

The task counts the rows as the requester may see them (their scope, their right to full ID
numbers at the time of asking), the same functions as the inline download (monitoring/ledgers.py).
"""

import datetime
import io
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from registry.models import AdminArea

from . import ledgers
from .models import LedgerExport

log = logging.getLogger(__name__)
Status = LedgerExport.Status


def inline_rows() -> int:
    return int(getattr(settings, "MONITORING_LEDGER_INLINE_ROWS", 5000))


def keep_hours() -> int:
    return int(getattr(settings, "MONITORING_LEDGER_KEEP_HOURS", 24))


def filename(kind: str, area: AdminArea, day: datetime.date) -> str:
    return f"{area.name}{ledgers.LEDGERS[kind][1]}-{day:%Y%m%d}.xlsx"


def request_export(kind: str, area: AdminArea, user, *, reveal: bool, total: int) -> LedgerExport:
    """Record the request and hand it to the task (run once the request's transaction commits)."""
    from .tasks import build_ledger  # the tasks module imports this one

    export = LedgerExport.objects.create(kind=kind, area_code=area.code, requested_by=user, reveal=reveal,
                                         total=total, filename=filename(kind, area, timezone.localdate()))
    transaction.on_commit(lambda: build_ledger.delay(export.pk))
    return export


def build(export_id: int) -> str:
    """The task's work: build the ledger, reporting progress, and keep the file. Returns the status."""
    export = LedgerExport.objects.filter(pk=export_id, status=Status.PENDING).first()
    if export is None:
        return "gone"
    LedgerExport.objects.filter(pk=export.pk).update(status=Status.RUNNING)
    area = AdminArea.objects.get(code=export.area_code)
    user = get_user_model().objects.get(pk=export.requested_by_id)

    def progress(done: int) -> None:
        LedgerExport.objects.filter(pk=export.pk).update(done=done)

    try:
        book, count = ledgers.build(export.kind, area, user, reveal=export.reveal, progress=progress)
        buffer = io.BytesIO()
        book.save(buffer)
    except Exception:
        log.exception("ledger export %s failed", export.pk)
        LedgerExport.objects.filter(pk=export.pk).update(status=Status.FAILED, finished_at=timezone.now(),
                                                         error="生成失败，请重新生成；如仍失败请联系系统管理员。")
        return Status.FAILED
    export.file.save(f"{export.pk}.xlsx", ContentFile(buffer.getvalue()), save=False)
    LedgerExport.objects.filter(pk=export.pk).update(file=export.file.name, rows=count, done=count,
                                                     status=Status.DONE, finished_at=timezone.now())
    return Status.DONE


def take(export: LedgerExport) -> bytes | None:
    """The file's bytes for its one download, the row marked downloaded and the file deleted in the
    same step (None if another request took it first)."""
    with transaction.atomic():
        locked = LedgerExport.objects.select_for_update().filter(pk=export.pk, status=Status.DONE).first()
        if locked is None:
            return None
        with locked.file.open("rb") as handle:
            data = handle.read()
        name = locked.file.name
        LedgerExport.objects.filter(pk=locked.pk).update(status=Status.DOWNLOADED, downloaded_at=timezone.now(),
                                                         file="")
    locked.file.storage.delete(name)  # once: the bytes are in this response only
    return data


def expire(now=None) -> int:
    """Delete the files nobody fetched within MONITORING_LEDGER_KEEP_HOURS (and forget stalled work)."""
    now = now or timezone.now()
    old = LedgerExport.objects.filter(requested_at__lt=now - datetime.timedelta(hours=keep_hours()),
                                      status__in=[Status.DONE, Status.PENDING, Status.RUNNING])
    expired = 0
    for export in old:
        if export.file:
            export.file.storage.delete(export.file.name)
        LedgerExport.objects.filter(pk=export.pk).update(status=Status.EXPIRED, file="")
        expired += 1
    return expired
