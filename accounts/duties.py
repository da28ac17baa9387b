"""三员分立 (GB/T 22239-2019 8.1.4.2 e, 8.1.10.1–3): the system, security and audit administrators.

- system administrator: user accounts, the area tree and configuration (the archive's
  classification scheme) — no case data;
- security administrator: posts granted on areas, second-factor resets, lockouts — no case data;
- audit administrator: reads the audit log and the integrity results (audit chain, storage, the
  archive's 四性 runs) — changes nothing.

An administrator holds no post, so `registry.scope` gives them no case at all and no transition
can name them (accounts/middleware.py also keeps them to the administration pages, with a 403).
Duties answer `user.has_perm("accounts.<capability>")` through `DutyBackend`, so other apps ask
the question as a permission string and import nothing of ours. The Django superuser is for
installation only: it creates the three administrators and is not used afterwards.
"""

from django.contrib.auth.backends import BaseBackend

from accounts.models import Administrator, Duty

CAPABILITIES = {
    Duty.SYSTEM: frozenset({"accounts.manage_officials", "accounts.manage_configuration"}),
    Duty.SECURITY: frozenset({"accounts.manage_grants", "accounts.reset_second_factor"}),
    Duty.AUDIT: frozenset({"accounts.read_audit_log"}),
}
_CACHE_ATTR = "_administrator_duty_cache"


def duty_of(user) -> str | None:
    """The user's administrator duty (a Duty value) or None; cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _CACHE_ATTR):
        setattr(user, _CACHE_ATTR, Administrator.objects.filter(user_id=user.pk).values_list("duty", flat=True).first())
    return getattr(user, _CACHE_ATTR)


def is_administrator(user) -> bool:
    return duty_of(user) is not None


class DutyBackend(BaseBackend):
    """`has_perm("accounts.manage_grants")` for the security administrator, and so on."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        duty = duty_of(user_obj)
        return duty is not None and perm in CAPABILITIES[duty]

    def has_module_perms(self, user_obj, app_label):
        duty = duty_of(user_obj) if user_obj.is_active else None
        return duty is not None and any(p.startswith(f"{app_label}.") for p in CAPABILITIES[duty])


class DutyRefused(Exception):
    """An appointment that would break the separation; the message is for officials."""


def holds_posts(user) -> bool:
    from registry.models import AreaGroupGrant, AreaUserGrant

    return (AreaUserGrant.objects.filter(user=user).exists()
            or AreaGroupGrant.objects.filter(group__user=user).exists())


def appoint(user, duty: str, *, actor, request=None) -> Administrator:
    """Make `user` the administrator of `duty` (one duty per person, no post, never a superuser)."""
    from django.db import transaction

    from audit.log import record

    check_appointment(user, duty)
    with transaction.atomic():
        administrator, _ = Administrator.objects.get_or_create(user=user, defaults={"duty": duty})
        record(actor, "accounts.duty_appointed", user, {"username": user.get_username(), "duty": duty},
               request=request)
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    return administrator


def check_appointment(user, duty: str) -> None:
    if user.is_superuser:
        raise DutyRefused("超级用户仅用于安装部署，不能担任三员。")
    if holds_posts(user):
        raise DutyRefused("该用户持有业务岗位；三员不得接触案件数据，请先撤销其岗位。")
    current = duty_of(user)
    if current is not None and current != duty:
        raise DutyRefused("三员须由不同人员担任：该用户已是" + Duty(current).label + "。")
