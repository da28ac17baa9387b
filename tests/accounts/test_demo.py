"""The demo's second factor: only with DEBUG, every demo account enrolled with the published secret,
the three administrators created; a demo official signs in with the printed code."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import demo_code
from accounts.duties import duty_of
from registry.demo import DEMO_PASSWORD, build_demo


def test_it_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_second_factor")


def test_a_demo_official_signs_in_with_the_printed_code(client, db, settings, capsys):
    settings.DEBUG = True
    build_demo(households=3)
    call_command("demo_second_factor")
    printed = capsys.readouterr().out
    assert "OJSWY33DFVSGK3LPFV2G65DQFUZDAMRW" in printed and "sec_admin（安全管理员）" in printed
    response = client.post(reverse("login"), {"username": "v101201_clerk", "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("accounts:verify")
    assert client.post(reverse("accounts:verify"), {"code": demo_code()}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    from django.contrib.auth import get_user_model

    assert {duty_of(get_user_model().objects.get(username=u)) for u in ("sys_admin", "sec_admin", "audit_admin")} \
        == {"system", "security", "audit"}
