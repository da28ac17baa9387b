"""What an official sees when something goes wrong is Chinese (DEBUG off, as in production)."""

import pytest
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_a_server_error_answers_in_chinese():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "系统出现错误" in response.content.decode()


def test_a_refusal_answers_in_chinese():
    response = defaults.permission_denied(RequestFactory().get("/"), PermissionError())
    assert response.status_code == 403
    assert any(word in response.content.decode() for word in ("无权", "权限"))
