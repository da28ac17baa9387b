"""Issue 8's rule in the API: an auditor's read of a personal record is itself an audit event,
through the same function the pages use (registry/reads.py), marked as an API read."""

from registry.reads import record_auditor_read as _record


def record_auditor_read(request, target, action: str, data: dict | None = None) -> None:
    _record(request, target, action, {"via": "api", **(data or {})})
