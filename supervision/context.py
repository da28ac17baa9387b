"""The integrity alarm of the navigation: shown to those who read the audit log when the latest
run of a check (or the latest 四性 check of a county in their scope) failed (issue 8: a failure is visible on the auditor's home page)."""

from django.utils.functional import SimpleLazyObject


def _alarm(user) -> bool:
    from .integrity import archive_failing, failing  # the context processor of every page: loaded on first use

    return bool(user.is_authenticated and user.has_perm("audit.view_auditevent")
                and (failing() or archive_failing(user)))


def integrity_alarm(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"integrity_alarm": SimpleLazyObject(lambda: _alarm(user))}
