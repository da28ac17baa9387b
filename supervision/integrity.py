"""Run the two integrity checks, keep their results and say whether the latest ones failed.

The checks themselves belong to audit (verify_chain) and documents (check_storage); this module
only runs them on a schedule (Celery beat or `manage.py run_integrity_checks`) and records the
outcome for the auditors' integrity view and the alarm in the navigation. The archive's nightly
四性 check of each county is shown beside them, read from the audit log where the archive records
it (supervision reads the log; it does not import the archive, its neighbour on the same floor).
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import checkpoints
from audit.log import record
from audit.models import AuditEvent
from audit.verify import verify_chain
from documents.fixity import LABELS, check_storage
from registry.models import AdminArea
from registry.people import display_name
from registry.scope import area_q, post_prefixes

from .findings import check_attachments
from .models import IntegrityCheck

PROBLEMS_KEPT = 200


def run_checks(requested_by: str = "") -> list[IntegrityCheck]:
    """Both checks now; `requested_by` names the auditor whose 立即运行 started them (else the schedule)."""
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
        record(None, "supervision.integrity_check", result,
               {"kind": result.kind, "ok": result.ok, "checked": result.checked, "summary": result.summary,
                **({"requested_by": requested_by} if requested_by else {})})
    if chain.ok:
        # The head (these events included) signed into a file outside the database: an edit at or
        # before it is detected by verify_audit even if the whole chain is recomputed.
        checkpoints.write_checkpoint()
    return results


# 立即运行: an auditor starts both checks now. They read the whole chain and every stored file, so a
# run is bounded: one at a time across the installation, and none again within the cool-down (a
# cache key taken atomically; with Redis it is shared by every server process).
AUDITOR_ROLE = "role_auditor"
RUN_KEY = "supervision:integrity-run"


class RunRefused(Exception):
    """A run asked for while one runs or ran within the cool-down; the message is for the auditor."""


def run_cooldown() -> int:
    """Seconds between two runs started by hand (setting SUPERVISION_INTEGRITY_RUN_COOLDOWN, default 10 min)."""
    return int(getattr(settings, "SUPERVISION_INTEGRITY_RUN_COOLDOWN", 600))


def may_run(user) -> bool:
    """Auditors (the county's 审计/纪检/复查 post) only: the results are theirs to read."""
    return bool(post_prefixes(user, AUDITOR_ROLE))


def run_started():
    """{"by", "at", "mode"} of the run started within the cool-down, or None."""
    return cache.get(RUN_KEY)


def request_run(user, request=None) -> str:
    """Start both checks for `user` (an auditor): in the background through Celery where a worker is
    configured (REDIS_URL), otherwise here and now. Audited as `supervision.integrity_run` on the
    auditor's county. Returns "background" or "inline"."""
    prefixes = post_prefixes(user, AUDITOR_ROLE)
    if not prefixes:
        raise PermissionDenied("只有审计人员可以立即运行完整性检查。")
    now = timezone.now()
    mode = "inline" if settings.CELERY_TASK_ALWAYS_EAGER else "background"
    started = {"by": display_name(user), "at": now.isoformat(), "mode": mode}
    if not cache.add(RUN_KEY, started, timeout=run_cooldown()):
        held = run_started() or {}
        at = timezone.localtime(datetime.datetime.fromisoformat(held["at"])).strftime("%H:%M") if held else ""
        raise RunRefused(f"完整性检查已由{held.get('by', '其他审计人员')}于{at}发起，"
                         f"{run_cooldown() // 60}分钟内不重复运行；请稍后刷新本页查看结果。")
    county = AdminArea.objects.filter(code__startswith=prefixes[0]).order_by("code").values_list("code", flat=True)
    record(user, "supervision.integrity_run", None, {"mode": mode}, request=request,
           area_code=county.first() or prefixes[0])
    username = user.get_username()
    if mode == "background":
        from .tasks import run_integrity_checks  # here: tasks imports this module

        transaction.on_commit(lambda: run_integrity_checks.delay(requested_by=username))
    else:
        run_checks(requested_by=username)
    return mode


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
