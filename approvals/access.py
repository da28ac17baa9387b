"""Who may post to the officials' action pages at all.

Read-only posts (auditors, 纪检 and re-inspection teams) hold no acting capability anywhere:
their POSTs to any action answer 403 before a form is read. Which case, step and area an acting
official may touch is still decided by the services, case by case."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from workflows.acting import ACTING_CAPABILITY


def acting_post_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not request.user.has_perm(ACTING_CAPABILITY):
            raise PermissionDenied("您的岗位为只读岗位，不能办理业务。")
        return view(request, *args, **kwargs)

    return wrapped
