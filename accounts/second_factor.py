"""The second factor (GB/T 22239-2019 8.1.4.1 d: 两种或两种以上组合的鉴别技术，且其中一种鉴别技术
至少应使用密码技术): a TOTP authenticator (RFC 6238, HMAC keyed by a per-user secret) with ten
static backup codes, both django-otp devices.

check/do pairs for the login steps and the security administrator's reset; every outcome is an
audit event. Wrong codes count per user across both devices: ACCOUNTS_OTP_FAILURE_LIMIT in a row
lock the second factor for ACCOUNTS_OTP_LOCK_MINUTES (or until the security administrator lifts it),
whatever the address — the per-user lockout of the second factor, beside axes' for passwords.
"""

import base64
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountSecurity
from audit.log import record

TOTP_NAME = "手机令牌"
BACKUP_NAME = "备用验证码"


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed authenticator shown while enrolling (one per user; a new secret each time
    enrolment starts over after a reset)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app without a camera."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG, rendered here (no image service: intranets)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def security_of(user) -> AccountSecurity:
    security, _ = AccountSecurity.objects.get_or_create(user=user)
    return security


def locked_until(user):
    """The end of the user's second-factor lock, or None when not locked."""
    until = AccountSecurity.objects.filter(user=user).values_list("second_factor_locked_until", flat=True).first()
    return until if until and until > timezone.now() else None


@dataclass(frozen=True)
class Outcome:
    device: object | None  # the device that accepted the code
    used_backup_code: bool = False
    locked: bool = False


def _normalise(code: str) -> str:
    return "".join((code or "").split()).lower()


def verify_login_code(user, code: str, *, request=None) -> Outcome:
    """Check a code typed at sign-in against the user's authenticator, then the backup codes.
    The failure count and lock are kept in the same transaction as the device's own state."""
    code = _normalise(code)
    with transaction.atomic():
        security = AccountSecurity.objects.select_for_update().filter(user=user).first() or security_of(user)
        if security.second_factor_locked_until and security.second_factor_locked_until > timezone.now():
            return Outcome(None, locked=True)
        device = None
        backup = False
        if code.isdigit():
            totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if totp is not None and totp.verify_token(code):
                device = totp
        elif code:
            static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if static is not None and static.verify_token(code):
                device, backup = static, True
        if device is not None:
            security.second_factor_failures = 0
            security.second_factor_locked_until = None
            security.save(update_fields=["second_factor_failures", "second_factor_locked_until"])
            if backup:
                record(user, "auth.backup_code_used", user,
                       {"remaining": StaticToken.objects.filter(device=device).count()}, request=request)
            return Outcome(device, used_backup_code=backup)
        security.second_factor_failures += 1
        data = {"failures": security.second_factor_failures}
        locked = security.second_factor_failures >= settings.ACCOUNTS_OTP_FAILURE_LIMIT
        if locked:
            security.second_factor_locked_until = timezone.now() + timedelta(minutes=settings.ACCOUNTS_OTP_LOCK_MINUTES)
            data["locked_until"] = security.second_factor_locked_until.isoformat()
        security.save(update_fields=["second_factor_failures", "second_factor_locked_until"])
        record(user, "auth.second_factor_failed", user, data, request=request)
        if locked:
            record(user, "auth.second_factor_locked", user, data, request=request)
    return Outcome(None, locked=locked)


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with ACCOUNTS_OTP_BACKUP_CODES new ones (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.ACCOUNTS_OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def confirm_enrolment(user, code: str, *, request=None) -> tuple[TOTPDevice | None, list[str]]:
    """Confirm the pending authenticator with a code from it; returns (device, backup codes), or
    (None, []) when the code is wrong (counted like a wrong sign-in code)."""
    code = _normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if locked_until(user) or device is None or not code.isdigit() or not device.verify_token(code):
            failed = True
        else:
            failed = False
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = new_backup_codes(user)
            AccountSecurity.objects.filter(user=user).update(second_factor_failures=0, second_factor_locked_until=None)
            record(user, "accounts.second_factor_enrolled", user, {"device": TOTP_NAME}, request=request)
    if failed:
        if not locked_until(user):
            _count_enrolment_failure(user, request)
        return None, []
    return device, codes


def _count_enrolment_failure(user, request):
    with transaction.atomic():
        security = AccountSecurity.objects.select_for_update().filter(user=user).first() or security_of(user)
        security.second_factor_failures += 1
        data = {"failures": security.second_factor_failures, "step": "enrolment"}
        if security.second_factor_failures >= settings.ACCOUNTS_OTP_FAILURE_LIMIT:
            security.second_factor_locked_until = timezone.now() + timedelta(minutes=settings.ACCOUNTS_OTP_LOCK_MINUTES)
        security.save(update_fields=["second_factor_failures", "second_factor_locked_until"])
        record(user, "auth.second_factor_failed", user, data, request=request)


def reset_second_factor(user, *, actor, reason: str, request=None) -> None:
    """The security administrator's recovery for a lost phone: the user's authenticator and
    backup codes are removed, so the next sign-in enrols a new one. An audit event with the reason."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        AccountSecurity.objects.filter(user=user).update(second_factor_failures=0, second_factor_locked_until=None)
        record(actor, "accounts.second_factor_reset", user,
               {"username": user.get_username(), "reason": reason, "removed": removed}, request=request)


def password_locked(user) -> bool:
    """Whether axes holds the user locked out from some address (repeated wrong passwords)."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username=user.get_username(),
                                        failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()


def unlock(user, *, actor, request=None) -> None:
    """Lift the user's password lockout (axes) and second-factor lock; an audit event."""
    from axes.utils import reset

    with transaction.atomic():
        attempts = reset(username=user.get_username())
        AccountSecurity.objects.filter(user=user).update(second_factor_failures=0, second_factor_locked_until=None)
        record(actor, "accounts.unlocked", user, {"username": user.get_username(), "password_attempts": attempts},
               request=request)
