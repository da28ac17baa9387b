"""Issue 8: every auditor's read of a personal record is itself an audit event.

Auditors (and the other posts that read the audit log: `audit.view_auditevent` over the record's
area) are the readers whose reads are traced — who looked at which household, document or piece
of evidence, when and from where. Officials' everyday reads are not logged (their downloads,
reveals and exports are, for everyone, where those happen)."""

from audit.log import record

AUDITOR_PERM = "audit.view_auditevent"


def record_auditor_read(request, target, action: str, data: dict | None = None) -> None:
    user = request.user
    if user.is_authenticated and user.has_perm(AUDITOR_PERM, target):
        record(user, action, target, {"path": request.path, **(data or {})}, request=request)
