"""Run the two integrity checks, keep their results and say whether the latest ones failed.

The checks themselves belong to audit (verify_chain) and documents (check_storage); this module
only runs them on a schedule (Celery beat or `manage.py run_integrity_checks`) and records the
outcome for the auditors' integrity view and the alarm in the navigation. The archive's nightly
四性 check of each county is shown beside them, read from the audit log where the archive records
it (supervision reads the log; it does not import the archive, its neighbour on the same floor).
"""

from django.db.models import Max
from django.utils import timezone

from audit import checkpoints
from audit.log import record
from audit.models import AuditEvent
from audit.verify import verify_chain
from documents.fixity import LABELS, check_storage
from registry.scope import area_q

from .findings import check_attachments
from .models import IntegrityCheck

PROBLEMS_KEPT = 200


def run_checks() -> list[IntegrityCheck]:
    now = timezone.now()
    chain = verify_chain()
    if chain.ok:
        chain_summary = f"已核验 {chain.checked} 个事件，哈希链完整。"
    elif chain.broken_event_id:
        chain_summary = f"事件 #{chain.broken_event_id}：{chain.problem}"
    else:
        chain_summary = chain.problem
    storage = check_storage()
    attachments = check_attachments()  # the findings' attachments are stored and hashed the same way
    storage.checked += attachments.checked
    storage.problems.extend(attachments.problems)
    storage_summary = (f"已核验 {storage.checked} 个文件，均与入库时的哈希一致。" if storage.ok else
                       "；".join(f"{label} {storage.count(kind)} 个" for kind, label in LABELS.items()
                                 if storage.count(kind)))
    results = [
        IntegrityCheck.objects.create(
            kind=IntegrityCheck.Kind.AUDIT_CHAIN, ran_at=now, ok=chain.ok, checked=chain.checked,
            summary=chain_summary, problems=[] if chain.ok else [{"event": chain.broken_event_id,
                                                                  "detail": chain.problem}]),
        IntegrityCheck.objects.create(
            kind=IntegrityCheck.Kind.STORAGE, ran_at=now, ok=storage.ok, checked=storage.checked,
            summary=storage_summary,
            problems=[{"kind": LABELS.get(p.kind, p.kind), "name": p.name, "detail": p.detail}
                      for p in storage.problems[:PROBLEMS_KEPT]]),
    ]
    for result in results:
        record(None, "supervision.integrity_check", result, {"kind": result.kind, "ok": result.ok,
                                                            "checked": result.checked, "summary": result.summary})
    if chain.ok:
        # The head (these events included) signed into a file outside the database: an edit at or
        # before it is detected by verify_audit even if the whole chain is recomputed.
        checkpoints.write_checkpoint()
    return results


def latest() -> list[IntegrityCheck]:
    """The newest result of each check (those never run are absent)."""
    found = []
    for kind in IntegrityCheck.Kind.values:
        check = IntegrityCheck.objects.filter(kind=kind).first()
        if check is not None:
            found.append(check)
    return found


def failing() -> list[IntegrityCheck]:
    return [check for check in latest() if not check.ok]


ARCHIVE_CHECK_ACTION = "archive.four_properties_check"
AUDIT_PERM = "audit.view_auditevent"


def archive_checks(user) -> list[AuditEvent]:
    """The latest nightly 四性 check of each county in the user's scope (one event per county;
    a township's auditor sees none: the county's findings name other townships' items)."""
    scoped = AuditEvent.objects.filter(area_q(user, AUDIT_PERM), action=ARCHIVE_CHECK_ACTION)
    newest = scoped.values("area_code").annotate(last=Max("id")).values("last")
    return list(AuditEvent.objects.filter(id__in=newest).order_by("area_code"))


def archive_failing(user) -> list[AuditEvent]:
    return [event for event in archive_checks(user) if not event.data.get("passed")]
