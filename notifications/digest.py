"""The daily digest (issue 22 item 2): one message per user at NOTIFICATIONS_DIGEST_HOUR — new tasks
since yesterday, steps due soon, overdue steps, findings to answer — sent only when there is
something to say, once a day (its key is the date), by the channels the user chose for `digest`."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from registry.models import AreaGroupGrant, AreaUserGrant, Household
from registry.roles import ROLES
from registry.scope import grants_of
from supervision.findings import awaiting_response
from workflows import worklist
from workflows.households import deadlines

from .escalation import due_soon_days
from .models import Kind
from .service import notify


def figures(user, now=None) -> dict:
    now = now or timezone.now()
    mine = worklist.queue(user, counting=True) | worklist.inbox(user, counting=True)  # counted only
    soon = Household.objects.filter(deadlines.overdue_q(now + datetime.timedelta(days=due_soon_days())))
    late = Household.objects.filter(deadlines.overdue_q(now))
    on = worklist.PROCESS + "household__in"
    cap = worklist.cap()
    return {
        "new": worklist.bounded_count(mine.filter(created__gte=now - datetime.timedelta(days=1))),
        "due": worklist.bounded_count(mine.filter(**{on: soon}).exclude(**{on: late})),
        "overdue": worklist.bounded_count(mine.filter(**{on: late})),
        "findings": worklist.Bounded(*(lambda n: (min(n, cap), n > cap))(
            awaiting_response(user).order_by()[: cap + 1].count())),
    }


def text(f) -> str:
    return f"新任务 {f['new']} 件；即将到期 {f['due']} 件；已逾期 {f['overdue']} 件；待整改督查问题 {f['findings']} 条。"


def send(user, now=None) -> bool:
    f = figures(user, now)
    if not any(f.values()):
        return False
    day = timezone.localdate(now) if now else timezone.localdate()
    return bool(notify([user], Kind.DIGEST, key=f"digest:{day.isoformat()}", title=f"每日待办汇总（{day:%m月%d日}）",
                       body=text(f), link=reverse("approvals:inbox"), delegates=False))


def officials():
    """Active users holding at least one post (directly or through a group)."""
    codenames = list(ROLES)
    direct = AreaUserGrant.objects.filter(permission__codename__in=codenames).values("user_id")
    grouped = AreaGroupGrant.objects.filter(permission__codename__in=codenames).values("group_id")
    return get_user_model().objects.filter(Q(pk__in=direct) | Q(groups__in=grouped), is_active=True).distinct()


def send_all(now=None) -> int:
    sent = 0
    for user in officials().order_by("pk").iterator():
        if grants_of(user) and send(user, now):
            sent += 1
    return sent
