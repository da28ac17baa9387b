"""One error shape everywhere: {"code", "message", "fields"} (message in Chinese).

- 400 invalid input, every violated rule listed (`fields` by field, `violations` with codes);
- 401 no or bad credentials; 403 the post may not do this; 404 not found *or out of scope*
  (never 403, which would confirm the case exists); 409 the case moved on (a stale or raced
  transition, a task someone else took); 413 an upload over the limit; 429 throttled.
The lifecycle's refusals (workflows.acting.Refused) carry their own status and codes.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from registry.policy import Violation
from workflows.acting import Refused

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "提交的数据有误，请按提示修改后重试。",
    401: "未登录或令牌无效，请提供有效的接口令牌。",
    403: "您的岗位无权执行此操作。",
    404: "未找到该记录，或不在您的管辖范围内。",
    405: "不支持该请求方法。",
    406: "无法提供所请求的响应格式。",
    409: "该记录的状态已发生变化（可能已由他人处理），请刷新后重试。",
    413: "上传内容超过大小上限。",
    415: "不支持该请求内容类型。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，已记录，请稍后重试或联系系统管理员。",
}
CODES = {400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
         405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 429: "throttled", 500: "server_error"}
# Evidence validation codes (documents/evidence/validation.py) that mean "too big".
TOO_LARGE_CODES = {"too_large"}


class ApiError(exceptions.APIException):
    """An error raised by the API's own views with an explicit status, code and fields."""

    def __init__(self, status_code: int, code: str, message: str, fields: dict | None = None,
                 violations: list | None = None):
        self.status_code = status_code
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.violations = violations
        super().__init__(message, code)


def body(code: str, message: str, fields: dict | None = None, violations=None) -> dict:
    data = {"code": code, "message": message, "fields": fields or {}}
    if violations:
        data["violations"] = violations
    return data


def violation_list(violations: list[Violation]) -> list[dict]:
    return [{"code": v.code, "field": v.field, "message": v.message} for v in violations]


def fields_of(violations: list[Violation]) -> dict:
    fields: dict[str, list[str]] = {}
    for v in violations:
        fields.setdefault(v.field or "non_field_errors", [])
        if v.message not in fields[v.field or "non_field_errors"]:
            fields[v.field or "non_field_errors"].append(v.message)
    return fields


def refused_response(exc: Refused) -> Response:
    violations = exc.violations
    code = violations[0].code if len(violations) == 1 else ("policy" if exc.status == 400 else CODES[exc.status])
    message = exc.message if exc.status != 404 else MESSAGES[404]
    return Response(body(code, message, fields_of(violations) if exc.status == 400 else {},
                         violation_list(violations) if exc.status != 404 else None), status=exc.status)


def _flatten(detail, prefix="") -> dict:
    """DRF's nested error detail as {"field": [messages]}: nested names joined with dots, list
    positions in brackets (members[0].relation), the same paths the registry forms' errors use."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__") and not prefix:
                name = "non_field_errors"
            elif isinstance(key, int):  # a ListField's errors come keyed by index: members[0].relation
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    for k, v in _flatten(item, f"{prefix}[{index}]").items():
                        out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _django_validation(exc: DjangoValidationError) -> Response:
    codes = set()
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
        for errors in exc.error_dict.values():
            codes |= {e.code for e in errors if e.code}
    else:
        fields = {"non_field_errors": list(exc.messages)}
        codes |= {e.code for e in exc.error_list if e.code}
    if codes & TOO_LARGE_CODES:
        return Response(body("too_large", "；".join(m for ms in fields.values() for m in ms), fields), status=413)
    code = next(iter(codes)) if len(codes) == 1 else "invalid"
    message = "；".join(m for ms in fields.values() for m in ms) or MESSAGES[400]
    return Response(body(code, message, fields), status=400)


def exception_handler(exc, context):
    set_rollback()
    return _handle(exc)


def _handle(exc):
    if isinstance(exc, ApiError):
        return Response(body(exc.code, exc.message, exc.fields, exc.violations), status=exc.status_code)
    if isinstance(exc, Refused):
        return refused_response(exc)
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, RequestDataTooBig):
        return Response(body("too_large", MESSAGES[413]), status=413)
    if isinstance(exc, Http404):
        return Response(body("not_found", MESSAGES[404]), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or MESSAGES[403]
        return Response(body("permission_denied", message), status=403)
    if isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
            return Response(body("throttled", f"请求过于频繁，请在{int(exc.wait) + 1}秒后再试。"), status=429,
                            headers=headers)
        if isinstance(exc, exceptions.ValidationError):
            fields = _flatten(exc.detail)
            message = "；".join(f"{_label(k)}{m}" for k, ms in fields.items() for m in ms) or MESSAGES[400]
            return Response(body("invalid", message, fields), status=400)
        if isinstance(exc, exceptions.ParseError):
            return Response(body("parse_error", f"请求内容无法解析：{_chinese(exc)}"), status=400)
        code = CODES.get(status_code, "error")
        message = _chinese(exc) if status_code in (401, 403) else MESSAGES.get(status_code, str(exc.detail))
        if "CSRF" in message:
            message = "跨站请求伪造（CSRF）校验失败：以浏览器会话调用写操作时须携带 CSRF 令牌；其他系统请使用接口令牌。"
        if not _has_chinese(message):
            message = MESSAGES.get(status_code, MESSAGES[400])
        if isinstance(exc, exceptions.NotFound):
            message = MESSAGES[404]
        return Response(body(code, message), status=status_code, headers=headers)
    logger.exception("API: unhandled %s", type(exc).__name__, exc_info=exc)
    return Response(body("server_error", MESSAGES[500]), status=500)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _label(name: str) -> str:
    return "" if name == "non_field_errors" else f"{name}："


def _chinese(exc) -> str:
    """DRF's own messages are translated (zh_Hans) when they are DRF's defaults; keep them."""
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return "；".join(str(v) for v in (detail.values() if isinstance(detail, dict) else detail))
    return str(detail)
