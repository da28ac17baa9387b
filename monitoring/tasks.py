"""Celery tasks of monitoring (beat: settings CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import ledger_exports, tallies
from .bulletin import issue_all
from .snapshots import take_snapshots


@shared_task(name="monitoring.tasks.take_snapshots")
def take_daily_snapshots() -> int:
    """The day's snapshot of every area; run again the same day, it replaces that day's rows."""
    return take_snapshots()


@shared_task(name="monitoring.tasks.weekly_bulletins")
def weekly_bulletins() -> int:
    """Monday: last week's 周通报 of every county (a new document each, filed in the county's archive)."""
    return issue_all()


@shared_task(name="monitoring.tasks.refresh_tallies")
def refresh_tallies(prefix: str = "") -> str:
    """The cockpit's figures counted again (beat: every MONITORING_TALLY_MINUTES, for every area;
    立即更新: the area asked for)."""
    return tallies.refresh(prefix).isoformat()


@shared_task(name="monitoring.tasks.build_ledger")
def build_ledger(export_id: int) -> str:
    """A large 台账 built in the background, its progress on the LedgerExport row."""
    return ledger_exports.build(export_id)


@shared_task(name="monitoring.tasks.expire_ledger_exports")
def expire_ledger_exports() -> int:
    """Hourly: delete the background ledgers nobody fetched within MONITORING_LEDGER_KEEP_HOURS."""
    return ledger_exports.expire()
