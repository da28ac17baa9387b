"""Sign-ins and sign-outs are audit events: auditors trace who was in the system when. A member's
change moves its household's updated_at (registry/touch.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audit.log import record
from registry.touch import touch_households


@receiver(user_logged_in, dispatch_uid="registry.audit_login")
def audit_login(sender, request, user, **kwargs):
    record(user, "auth.login", None, {}, request=request)


@receiver(user_logged_out, dispatch_uid="registry.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(user, "auth.logout", None, {}, request=request)


@receiver(user_login_failed, dispatch_uid="registry.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The username typed, never the password (Django already masks it in `credentials`).
    record(None, "auth.login_failed", None, {"username": str(credentials.get("username", ""))[:150]},
           request=request)


# A member written or struck out changes the household for API sync clients (updated_since).
@receiver(post_save, sender="registry.Member", dispatch_uid="registry.member_saved_touches_household")
@receiver(post_delete, sender="registry.Member", dispatch_uid="registry.member_deleted_touches_household")
def member_touches_household(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures load rows as they are
        return
    touch_households(instance.household_id)
