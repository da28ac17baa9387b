"""Logs: one JSON object a line on stdout, each with the id of the request it belongs to."""

import io
import json
import logging

import pytest
from django.conf import settings

from ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_each_line_is_one_json_object_with_the_proxys_request_id(client, request_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-req-0001")
    line = json.loads(request_log.getvalue().strip().splitlines()[-1])
    assert response["X-Request-ID"] == "proxy-req-0001"
    assert line["request_id"] == "proxy-req-0001" and line["level"] == "WARNING"
    assert line["message"] == "Not Found: /no-such-page/" and line["status_code"] == 404


def test_a_request_without_an_id_gets_one_and_a_bad_one_is_replaced(client):
    made = client.get("/healthz")["X-Request-ID"]
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert len(made) == 32 and len(replaced) == 32 and made != replaced


def test_chinese_stays_readable_and_exceptions_are_kept():
    try:
        raise ValueError("文号缺失")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "渲染失败 %s", ("申请表",), __import__("sys").exc_info())
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line and "渲染失败 申请表" in line
    assert "ValueError: 文号缺失" in entry["exception"]


def test_production_logs_json_to_stdout():
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json" and console["stream"] == "ext://sys.stdout"
    assert "request_id" in console["filters"]
