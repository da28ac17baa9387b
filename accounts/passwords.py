"""Password rules of 等保 level 3 (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求并定期更换).

Validators for AUTH_PASSWORD_VALIDATORS (with Django's own for length ≥ 10, common and numeric
passwords): at least three of four character classes, no reuse of the last N passwords. Each
password set is remembered as its hash (never the password) by `password_changed`, which Django
calls when a user with a new password is saved. The age rule (change every N days) and the forced
change of an initial password are applied by accounts/middleware.py from `password_expired`.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", lambda ch: ch.isascii() and ch.isdigit()),
    ("特殊符号", lambda ch: not ch.isalnum()),
)


def character_classes(password: str) -> int:
    return sum(1 for _, test in CLASSES if any(test(ch) for ch in password))


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、特殊符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须至少包含大写字母、小写字母、数字、特殊符号中的 {self.min_classes} 类。"


class SequenceValidator:
    """No run of `length` characters counting up or down (12345, abcde, 54321) or repeating (aaaaa):
    they meet the class rule in form only (Aa12345678 has three classes)."""

    def __init__(self, length: int = 5):
        self.length = length

    def validate(self, password, user=None):
        lowered = password.lower()
        for step in (1, -1, 0):
            run = 1
            for before, after in zip(lowered, lowered[1:]):
                run = run + 1 if ord(after) - ord(before) == step else 1
                if run >= self.length:
                    raise ValidationError(
                        f"密码不能包含 {self.length} 个或以上连续或重复的字符（如 12345、abcde、aaaaa）。",
                        code="password_sequence")

    def get_help_text(self):
        return f"不能包含 {self.length} 个或以上连续或重复的字符。"


class PasswordHistoryValidator:
    """No reuse of the user's last `count` passwords (the current one included)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        # The hashes are salted: each needs its own check (a few per change, never per request).
        if any(check_password(password, stored) for stored in hashes[: self.count]):
            raise ValidationError(f"新密码不能与最近 {self.count} 次使用过的密码相同。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from accounts.models import AccountSecurity, PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[: self.count]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()
        AccountSecurity.objects.update_or_create(user_id=user.pk, defaults={"password_changed_at": timezone.now()})

    def get_help_text(self):
        return f"不能与最近 {self.count} 次使用过的密码相同。"


def password_expired(user) -> bool:
    """True when the password is older than ACCOUNTS_PASSWORD_MAX_AGE_DAYS (0: never expires).
    A password never recorded counts from the account's creation."""
    days = settings.ACCOUNTS_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    security = getattr(user, "security", None) if _has_security(user) else None
    changed = (security.password_changed_at if security else None) or user.date_joined
    return timezone.now() - changed > timedelta(days=days)


def _has_security(user) -> bool:
    from accounts.models import AccountSecurity

    try:
        user.security
    except AccountSecurity.DoesNotExist:
        return False
    return True


def must_change_password(user) -> str | None:
    """Why the user must change the password before anything else, or None."""
    if _has_security(user) and user.security.must_change_password:
        return "initial"
    if password_expired(user):
        return "expired"
    return None
