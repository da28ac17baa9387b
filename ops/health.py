"""What /healthz reports: each part the system runs on, checked the way django-health-check
checks it, plus our own two (the last integrity check, the outbox of documents owed).

For a load balancer: the answer is 503 when this server cannot serve — the database, Redis
(cache and broker) or the file storage fails. Parts that do not make *this* server unfit
(Celery workers, which are shared by every server; the nightly integrity check; the
outbox) are reported with their state and turn the status to "degraded", still 200, so one
stopped worker does not take every web server out of the pool.

"outbox" is issue 15's table of documents owed by committed moves (documents.RenderOrder): how
many wait, how long the oldest has waited (over OPS_OUTBOX_MAX_AGE seconds: the workers are
missing or too few) and how many gave up (生成失败: to be regenerated from the household page).
"""

import dataclasses
import datetime
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

log = logging.getLogger(__name__)


@dataclass
class Cache(HealthCheck):
    """Set and read back a key (Redis when REDIS_URL is set; the library's probe is async)."""

    def run(self):
        from django.core.cache import cache

        key, value = f"healthz:{uuid.uuid4().hex}", "ok"
        try:
            cache.set(key, value, timeout=10)
            if cache.get(key) != value:
                raise ServiceUnavailable("value read back differs")
            cache.delete(key)
        except ServiceUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001  (the backend's own errors: connection, timeout)
            raise ServiceUnavailable(type(exc).__name__) from exc


@dataclass
class LastIntegrityCheck(HealthCheck):
    """The newest audit-chain and storage checks (supervision) passed, and are not overdue."""

    def run(self):
        from supervision.integrity import latest

        results = latest()
        if not results:
            raise ServiceWarning("never run (manage.py run_integrity_checks or Celery beat)")
        failed = [r.kind for r in results if not r.ok]
        if failed:
            raise ServiceUnavailable(f"failed: {', '.join(failed)}")
        oldest = min(r.ran_at for r in results)
        allowed = datetime.timedelta(seconds=2 * settings.SUPERVISION_INTEGRITY_INTERVAL)
        if timezone.now() - oldest > allowed:
            raise ServiceWarning(f"overdue: last run {oldest.isoformat()}")


@dataclass
class Outbox(HealthCheck):
    """Documents owed by committed moves are rendered in good time, and none gave up."""

    def run(self):
        from documents.models import RenderOrder

        owed = RenderOrder.objects.filter(status=RenderOrder.Status.OWED)
        oldest = owed.order_by("created_at").values_list("created_at", flat=True).first()
        age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
        failed = RenderOrder.objects.filter(status=RenderOrder.Status.FAILED).count()
        self.detail = {"owed": owed.count(), "oldest_seconds": age, "failed": failed}
        if failed:
            raise ServiceWarning(f"{failed} gave up (生成失败)")
        if age > settings.OPS_OUTBOX_MAX_AGE:
            raise ServiceWarning(f"the oldest owed document has waited {age} s")


@dataclass
class CeleryWorkers(HealthCheck):
    """At least one Celery worker answers a ping (only with REDIS_URL; inline otherwise)."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def run(self):
        from config.celery import app

        try:
            replies = app.control.ping(timeout=self.timeout.total_seconds(), limit=1)  # first answer will do
        except Exception as exc:  # noqa: BLE001  (kombu's and redis' errors alike: the broker is unreachable)
            raise ServiceUnavailable(f"broker unreachable ({type(exc).__name__})") from exc
        if not replies:
            raise ServiceUnavailable("no worker answered")


@dataclass
class Redis(HealthCheck):
    def run(self):
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3, socket_connect_timeout=3)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc
        finally:
            client.close()


# name: (check, critical for this server)
def checks() -> dict[str, tuple[HealthCheck, bool]]:
    found = {
        "database": (Database(), True),
        "storage": (Storage(alias=settings.DOCUMENTS_STORAGE_ALIAS), True),
        "cache": (Cache(), True),
    }
    if settings.REDIS_URL:
        found["redis"] = (Redis(), True)
        found["celery"] = (CeleryWorkers(), False)
    found["integrity"] = (LastIntegrityCheck(), False)
    found["outbox"] = (Outbox(), False)
    return found


def probe(check: HealthCheck) -> tuple[str | None, float]:
    """Run one check in this thread (the library's runner uses a thread pool, which would open a
    database connection per probe and never close it): (error or None, seconds)."""
    start = time.perf_counter()
    try:
        check.run()
        error = None
    except HealthCheckException as exc:
        error = str(exc)
    except Exception:  # noqa: BLE001  (never a 500 from the health endpoint; the log has the detail)
        log.exception("health check %r failed unexpectedly", check)
        error = "unknown error"
    return error, time.perf_counter() - start


def report() -> tuple[int, dict]:
    """(HTTP status, body): each part with ok, its error if any and the time the probe took."""
    parts, unfit, degraded = {}, False, False
    for name, (check, critical) in checks().items():
        error, seconds = probe(check)
        parts[name] = {"ok": error is None, "critical": critical, "seconds": round(seconds, 3),
                       **getattr(check, "detail", {})}
        if error is not None:
            parts[name]["error"] = error
            unfit |= critical
            degraded = True
    parts.setdefault("celery", {"ok": True, "critical": False, "mode": "inline"})  # no REDIS_URL: eager
    status = "unavailable" if unfit else "degraded" if degraded else "ok"
    return (503 if unfit else 200), {"status": status, "checks": parts}
