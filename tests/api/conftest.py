"""The API tests' helpers: a client per official (token authentication, as systems call it),
evidence files, and the lifecycle officials of tests/workflows."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.workflows.conftest import archive_root, days_ago, give, household, officials, png_bytes, upload  # noqa: F401


@pytest.fixture
def as_user(db):
    """as_user(official) → an APIClient carrying that official's token."""
    clients = {}

    def make(user):
        if user.pk not in clients:
            _, key = ApiToken.issue(user=user, name=f"测试-{user.username}")
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            clients[user.pk] = client
        return clients[user.pk]

    return make


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/hour"}}


def assert_error(response, status, code=None):
    assert response.status_code == status, (response.status_code, getattr(response, "data", response.content))
    body = response.json()
    assert set(body) >= {"code", "message", "fields"}, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    if code is not None:
        codes = {body["code"]} | {v["code"] for v in body.get("violations", [])}
        assert code in codes, body
    return body
