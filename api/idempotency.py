"""Idempotency-Key: a retried POST (after a timeout or a dropped connection) answers with the
first result and acts no second time.

The key is the client's (any string of 1–128 visible characters, e.g. a UUID), scoped to the
official who sends it. The action and the record of its answer are written in one transaction,
so either both exist or neither does; two requests racing with one key meet the unique
constraint and the loser's transaction is rolled back whole (nothing doubled). Only successful
answers are kept: a refusal changed nothing, so retrying it is harmless and may succeed later.
The same key with a different request (other path or body) is refused with 422.
"""

import datetime
import hashlib
import json
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from .errors import ApiError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,128}$")


def _key(request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _VALID.match(raw):
        raise ApiError(400, "bad_idempotency_key", "Idempotency-Key 须为1至128个可见 ASCII 字符（建议使用 UUID）。",
                       {HEADER: ["格式不正确。"]})
    return raw


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    data = request.data
    plain = {}
    files = {}
    if hasattr(data, "lists"):
        for name, values in data.lists():
            if all(hasattr(v, "read") for v in values):
                continue
            plain[name] = values
    elif isinstance(data, dict):
        plain = data
    for name, upload in getattr(request, "FILES", {}).items():
        file_digest = hashlib.sha256()
        for chunk in upload.chunks():
            file_digest.update(chunk)
        upload.seek(0)
        files[name] = file_digest.hexdigest()
    digest.update(json.dumps({"data": plain, "files": files}, sort_keys=True, default=str,
                             ensure_ascii=False).encode())
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _window():
    return timezone.now() - datetime.timedelta(hours=getattr(settings, "API_IDEMPOTENCY_HOURS", 48))


def _existing(request, key, fingerprint):
    record = IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__gte=_window()).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint or record.path != request.path:
        raise ApiError(422, "idempotency_key_reused",
                       "该 Idempotency-Key 已用于另一不同的请求；重试时请原样重发，新的请求请使用新的键。",
                       {HEADER: ["已用于另一请求。"]})
    return record


class _Taken(Exception):
    """Another request with the same key holds or has committed the record."""


def run(request, action) -> Response:
    """Run `action()` (returning a Response) at most once per (official, key).

    The record is inserted *before* the action, in the action's transaction: a concurrent request
    with the same key waits on the unique index until this one commits, then replays its answer."""
    key = _key(request)
    if key is None:
        return action()
    fingerprint = _fingerprint(request)
    record = _existing(request, key, fingerprint)
    if record is not None:
        return _replay(record)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__lt=_window()).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, method=request.method, path=request.path[:300],
                        fingerprint=fingerprint, status_code=0, body={})
            except IntegrityError:
                raise _Taken
            response = action()
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.body = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "body"])
            else:
                record.delete()
    except _Taken:
        record = _existing(request, key, fingerprint)
        if record is not None and record.status_code:
            return _replay(record)
        raise ApiError(409, "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试。")
    return response
