"""Logs as one JSON object a line on stdout, each tagged with the request it belongs to.

A reverse proxy's X-Request-ID is kept when it looks like an id (so one id follows a request
through the proxy, gunicorn and our log); otherwise a new one is made. The id goes back in the
response header, and into every log record written while the request runs. A Celery task's
records carry `task:<task id>` instead.
"""

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import datetime, timezone

_request_id = contextvars.ContextVar("request_id", default="")
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    request_id = _request_id.get()
    if request_id:
        return request_id
    try:  # inside a Celery worker: the task's id
        from celery import current_task

        if current_task and current_task.request.id:
            return f"task:{current_task.request.id}"
    except Exception:  # noqa: BLE001  (logging must never fail)
        pass
    return ""


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        # django.request logs a 4xx/5xx after the middleware has returned: the id is on the request.
        record.request_id = current_request_id() or getattr(getattr(record, "request", None), "request_id", "")
        return True


# Attributes every LogRecord has; anything else was passed in `extra=` and is written too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            record.request_id = record.args.get("{x-request-id}o", "")
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and record.name != "gunicorn.access":
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
