"""The three administrators (三员), beside the officials' cast of tests/conftest.py."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.duties import appoint
from accounts.models import Duty

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def installer(db):
    return get_user_model().objects.create_superuser("installer", password=PASSWORD)


@pytest.fixture
def administrators(installer):
    made = {}
    for duty, username in ((Duty.SYSTEM, "sysadmin"), (Duty.SECURITY, "secadmin"), (Duty.AUDIT, "auditadmin")):
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
        appoint(user, duty, actor=installer)
        made[duty.value] = user
    return made


@pytest.fixture
def client_of():
    """A signed-in client per user (both factors, tests/second_factor.py)."""
    def client_of(user):
        client = Client()
        client.force_login(user)
        return client
    return client_of
