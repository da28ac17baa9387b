"""What every API view shares: the acting-post check, the query filters, error schemas."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from workflows.acting import ACTING_CAPABILITY

from ..errors import ApiError


def require_acting_post(request) -> None:
    """Read-only posts (auditors, 纪检, re-inspection teams) act nowhere: 403 before any input
    is read, as on the officials' pages (approvals/access.py)."""
    if not request.user.has_perm(ACTING_CAPABILITY):
        raise PermissionDenied("您的岗位为只读岗位，不能办理业务。")


ErrorSerializer = inline_serializer("Error", {
    "code": serializers.CharField(help_text="错误代码（供程序判断）"),
    "message": serializers.CharField(help_text="中文说明（供工作人员阅读）"),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                    help_text="按字段列出的问题"),
    "violations": serializers.ListField(
        child=inline_serializer("Violation", {"code": serializers.CharField(), "field": serializers.CharField(),
                                              "message": serializers.CharField()}),
        required=False, help_text="违反的每一条规则（代码、字段、中文说明）"),
})


def errors(*codes) -> dict:
    text = {400: "输入有误（列出每一条违反的规则）", 401: "未认证", 403: "岗位无权", 404: "不存在或不在管辖范围内",
            409: "状态已变化（已办理、被他人抢先或已锁定）", 413: "上传超过大小上限", 422: "幂等键已用于另一请求"}
    return {code: OpenApiResponse(ErrorSerializer, description=text.get(code, "")) for code in codes}


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="幂等键（建议 UUID）：同一键的重试返回首次结果，不会重复执行。",
)


def validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def bad_query(field, message):
    return ApiError(400, "invalid", message, {field: [message]})
