"""How tests pass the second factor (issue 16), in the open:

- `sign_in(client, username, password)` walks the real two-step sign-in: the password form, then
  enrolment (first time) or the code form, with a code computed from the user's TOTP secret as
  an authenticator app would;
- `client.login()` / `client.force_login()` (the Django test client's shortcuts, which skip every
  form) give a session verified by a confirmed TOTP device of the user — django-otp's own session
  key, what `django_otp.login()` writes — through the autouse fixture in tests/conftest.py; a test
  marked `password_only` gets the bare Django session instead, which the system refuses.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试令牌", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or the next one's when the current one
    was already used (TOTP refuses a step twice; the device's tolerance accepts one step ahead)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client, user) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()


def sign_in(client, username, password, *, follow=False):
    """The whole sign-in through the pages; returns the answer to the second-factor step."""
    from django.contrib.auth import get_user_model

    first = client.post("/accounts/login/", {"username": username, "password": password})
    assert first.status_code == 302, f"password step refused: {first.status_code}"
    user = get_user_model().objects.get(username=username)
    if first["Location"].endswith("/accounts/login/enrol/"):
        client.get("/accounts/login/enrol/")  # creates the pending authenticator
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        return client.post("/accounts/login/enrol/", {"code": code_for(device)}, follow=follow)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return client.post("/accounts/login/verify/", {"code": code_for(device)}, follow=follow)
