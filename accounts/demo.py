"""The demo's second factor (DEBUG only): one published TOTP secret for every demo account, and the
three administrators. Like the demo password, the secret is public: `seed_demo` and this both
refuse to run without DEBUG (or --demo-database)."""

import base64

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.duties import appoint, duty_of
from accounts.models import Duty
from registry.demo import DEMO_PASSWORD

DEMO_KEY_HEX = b"reloc-demo-totp-2026".hex()  # 20 bytes, printed in the README: demo only
DEMO_ADMINISTRATORS = (("sys_admin", Duty.SYSTEM, "系统"), ("sec_admin", Duty.SECURITY, "安全"),
                       ("audit_admin", Duty.AUDIT, "审计"))


def demo_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_KEY_HEX)).decode("ascii").rstrip("=")


def demo_code() -> str:
    totp = TOTP(bytes.fromhex(DEMO_KEY_HEX))
    return f"{totp.token():06d}"


@transaction.atomic
def enrol_demo_users() -> dict:
    """Give every account without an authenticator the demo one; add the three administrators."""
    User = get_user_model()
    installer = User.objects.filter(is_superuser=True).order_by("pk").first()
    created = 0
    for username, duty, label in DEMO_ADMINISTRATORS:
        user, made = User.objects.get_or_create(username=username, defaults={
            "is_staff": True, "last_name": label, "first_name": "管理员", "password": make_password(DEMO_PASSWORD)})
        created += made
        if duty_of(user) is None:
            appoint(user, duty, actor=installer)
    enrolled = 0
    for user in User.objects.filter(is_active=True).exclude(totpdevice__confirmed=True):
        TOTPDevice.objects.create(user=user, name="演示令牌", key=DEMO_KEY_HEX, confirmed=True)
        enrolled += 1
    return {"administrators_created": created, "enrolled": enrolled}
