"""The one service that tells people (issue 22): `notify()` writes the notices and what they owe to
the outside channels in the caller's transaction — a notice is never lost to a rollback that keeps
its cause, nor sent for a cause that rolled back — and hands the sending to Celery after commit
(eager without a worker; a sender that fails leaves the delivery owed for the next drain)."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.people import display_name

from . import channels
from .models import ChannelChoice, Delegation, Delivery, Kind, Notification

log = logging.getLogger(__name__)


def active_delegations(principal_ids, day=None):
    day = day or timezone.localdate()
    return (Delegation.objects.filter(principal_id__in=list(principal_ids), starts_on__lte=day, ends_on__gte=day,
                                      revoked_at__isnull=True, delegate__is_active=True)
            .select_related("delegate", "principal"))


def notify(users, kind: str, *, key: str, title: str, body: str = "", link: str = "", area_code: str = "",
           delegates: bool = True) -> list[Notification]:
    """One notice of `kind` for `key` to each of `users` (none twice: a user already told of this key
    is skipped), and a copy to whoever stands in for them today (代理). Returns the notices written."""
    assert kind in Kind.values, kind
    recipients = {u.pk: (u, None) for u in users if u is not None and u.is_active}
    if delegates and recipients:
        for d in active_delegations(recipients):
            recipients.setdefault(d.delegate_id, (d.delegate, d.principal))
    written = []
    for user, principal in recipients.values():
        if Notification.objects.filter(user=user, kind=kind, key=key).exists():
            continue
        text = body if principal is None else f"（代 {_name(principal)} 接收）{body}"
        try:
            with transaction.atomic():  # a concurrent writer of the same key: keep theirs
                notice = Notification.objects.create(user=user, kind=kind, key=key[:120], title=title[:200], body=text,
                                                     link=link[:300], area_code=area_code or "", on_behalf_of=principal)
        except IntegrityError:
            continue
        written.append(notice)
    _owe_deliveries(written)
    return written


def _name(user) -> str:
    return display_name(user)


def _owe_deliveries(notices) -> None:
    if not notices:
        return
    chosen = set(ChannelChoice.objects.filter(user_id__in={n.user_id for n in notices},
                                              kind__in={n.kind for n in notices})
                 .values_list("user_id", "kind", "channel"))
    owed = [Delivery(notification=n, channel=channel) for n in notices
            for (user_id, kind, channel) in sorted(chosen) if user_id == n.user_id and kind == n.kind]
    if not owed:
        return
    Delivery.objects.bulk_create(owed)
    ids = list(Delivery.objects.filter(notification__in=notices).values_list("pk", flat=True))
    transaction.on_commit(lambda: _dispatch(ids))


def _dispatch(ids) -> None:
    from notifications import tasks  # tasks imports this module (deliver_one)

    try:
        tasks.deliver.delay(ids)
    except Exception:  # a broker down or a sender failing inline: the rows stay owed for the drain
        log.exception("notifications: delivery of %s deferred to the drain", ids)


# --------------------------------------------------------------------------- sending

def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(2 ** attempts, 240))


def deliver_one(delivery_id) -> Delivery | None:
    """Send one owed delivery under its row lock (SKIP LOCKED: two drains never send it twice)."""
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True).select_related("notification__user")
                    .filter(pk=delivery_id, status=Delivery.Status.OWED, next_attempt_at__lte=timezone.now()).first())
        if delivery is None:
            return None
        try:
            sent = channels.send(delivery.channel, delivery.notification)
        except Exception as exc:  # the provider failed: keep it owed, try later, give up after max_attempts
            log.warning("notifications: %s delivery %s failed: %r", delivery.channel, delivery.pk, exc)
            delivery.attempts += 1
            delivery.last_error = repr(exc)[:500]
            delivery.status = Delivery.Status.FAILED if delivery.attempts >= max_attempts() else Delivery.Status.OWED
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        else:
            delivery.attempts += 1
            delivery.status = Delivery.Status.SENT if sent else Delivery.Status.SKIPPED
            delivery.sent_at = timezone.now() if sent else None
            delivery.last_error = ""
        delivery.save()
        return delivery


def drain(limit: int = 500) -> int:
    """Send what is owed and due (the beat job and `manage.py send_notifications`)."""
    ids = list(Delivery.objects.filter(status=Delivery.Status.OWED, next_attempt_at__lte=timezone.now())
               .order_by("id").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if (d := deliver_one(pk)) is not None and d.status == Delivery.Status.SENT)


# --------------------------------------------------------------------------- reading

def unread_count(user, cap: int = 99) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by()[: cap + 1].count()


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
