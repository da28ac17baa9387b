"""Issue 8's rule in the API: an auditor's read of a personal record is itself an audit event
(who read which household, its documents or evidence, when and from where), as on the pages.
Officials' everyday reads are not logged; downloads are, for everyone, where they happen."""

from audit.log import record

AUDITOR_PERM = "audit.view_auditevent"


def record_auditor_read(request, target, action: str, data: dict | None = None) -> None:
    user = request.user
    if user.is_authenticated and user.has_perm(AUDITOR_PERM, target):
        record(user, action, target, {"path": request.path, "via": "api", **(data or {})}, request=request)
