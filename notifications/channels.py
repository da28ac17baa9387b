"""The outside channels (settings NOTIFICATIONS_*): e-mail through Django's mail backend, SMS through
a provider interface whose default only logs (no provider is called unless one is configured)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Contact

log = logging.getLogger(__name__)


def _text(notice) -> str:
    base = getattr(settings, "NOTIFICATIONS_BASE_URL", "").rstrip("/")
    link = f"\n{base}{notice.link}" if notice.link and base else ""
    return f"{notice.title}\n{notice.body}{link}".strip()


def send_email(notice) -> bool:
    address = (notice.user.email or "").strip()
    if not address:
        return False
    send_mail(f"【易地扶贫搬迁】{notice.title}", _text(notice), None, [address])
    return True


class SmsProvider:
    """The interface of an SMS gateway: send one text to one mobile number; raise on failure."""

    def send(self, mobile: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsProvider(SmsProvider):
    """The default: writes the message to the log (number masked) instead of calling a gateway."""

    sent: list = []

    def send(self, mobile: str, text: str) -> None:
        log.info("SMS to %s****%s: %s", mobile[:3], mobile[-4:], text)
        LoggingSmsProvider.sent.append((mobile, text))


def sms_provider() -> SmsProvider:
    return import_string(getattr(settings, "NOTIFICATIONS_SMS_PROVIDER",
                                 "notifications.channels.LoggingSmsProvider"))()


def send_sms(notice) -> bool:
    mobile = Contact.objects.filter(user=notice.user).values_list("mobile", flat=True).first()
    if not mobile:
        return False
    text = _text(notice)
    sms_provider().send(mobile, text[: getattr(settings, "NOTIFICATIONS_SMS_MAX_CHARS", 300)])
    return True


SENDERS = {"email": send_email, "sms": send_sms}


def send(channel: str, notice) -> bool:
    """True when sent; False when the user has no address for the channel (nothing to retry)."""
    return SENDERS[channel](notice)
