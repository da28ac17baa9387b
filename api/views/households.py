"""/api/v1/households/: the scoped list (filters for synchronisation), entry, detail, correction."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from registry.models import AdminArea, Household, HouseholdStage, Member
from registry.scope import area_q, get_household_for

from .. import idempotency, registry_edit
from ..pagination import ByUpdate
from ..reads import record_auditor_read
from ..serializers.households import (
    HouseholdInputSerializer,
    HouseholdListSerializer,
    HouseholdPatchSerializer,
    HouseholdSerializer,
    HouseholdWriteResultSerializer,
)
from .common import IDEMPOTENCY_HEADER, errors, validated

VIEW = "registry.view_household"


class CaseFilterSerializer(serializers.Serializer):
    stage = serializers.CharField(required=False)
    area = serializers.RegexField(r"^\d{2,12}$", required=False,
                                  error_messages={"invalid": "区划代码须为2至12位数字（按前缀筛选）。"})
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    updated_since = serializers.DateTimeField(required=False)

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"] = serializers.ChoiceField(choices=stages, required=False)


def filter_cases(queryset, params, stages):
    data = validated(CaseFilterSerializer, {k: params.get(k) for k in ("stage", "area", "site", "updated_since")
                                            if params.get(k) not in (None, "")}, stages=stages)
    if "stage" in data:
        queryset = queryset.filter(stage=data["stage"])
    if "area" in data:
        # Within the caller's scope only: the scope filter is already on the queryset.
        queryset = queryset.filter(area_code__startswith=area_prefix(data["area"]))
    if "site" in data:
        queryset = queryset.filter(site_id=data["site"]) if queryset.model is Household else \
            queryset.filter(pk=data["site"])
    if "updated_since" in data:
        queryset = queryset.filter(updated_at__gte=data["updated_since"])
    return queryset


def area_prefix(code: str) -> str:
    """A full 12-digit code filters by the area's significant digits; a shorter one as typed."""
    if len(code) == 12:
        area = AdminArea.objects.filter(code=code).first()
        return area.prefix if area else code
    return code


FILTER_PARAMS = [
    OpenApiParameter("stage", str, description="阶段代码"),
    OpenApiParameter("area", str, description="区划代码前缀（在本人辖区内再筛选）"),
    OpenApiParameter("site", int, description="集中安置点编号"),
    OpenApiParameter("updated_since", str, description="只返回此时间（ISO 8601）之后更新的记录，用于数据同步"),
]


def detail_queryset():
    return Household.objects.select_related("village").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("id")))


def household_response(household, *, status_code=200, warnings=None):
    fresh = detail_queryset().get(pk=household.pk)
    data = HouseholdWriteResultSerializer(fresh).data if warnings is not None else HouseholdSerializer(fresh).data
    if warnings is not None:
        data["warnings"] = warnings
    return Response(data, status=status_code)


class HouseholdList(GenericAPIView):
    pagination_class = ByUpdate
    serializer_class = HouseholdListSerializer

    def get_queryset(self):
        return Household.objects.filter(area_q(self.request.user, VIEW)).select_related("village")

    @extend_schema(summary="搬迁户列表（本人辖区）", parameters=FILTER_PARAMS,
                   responses={200: HouseholdListSerializer(many=True), **errors(400, 401)})
    def get(self, request):
        queryset = filter_cases(self.get_queryset(), request.query_params, HouseholdStage.choices)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(HouseholdListSerializer(page, many=True).data)

    @extend_schema(summary="登记搬迁户（申报）", request=HouseholdInputSerializer, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: HouseholdWriteResultSerializer, **errors(400, 401, 403, 409, 422)})
    def post(self, request):
        if not request.user.has_perm(registry_edit.ADD):
            raise PermissionDenied("您的岗位无权登记搬迁户。")
        values = validated(HouseholdInputSerializer, request.data)

        def act():
            household, warnings = registry_edit.create(request.user, values, request=request)
            return household_response(household, status_code=status.HTTP_201_CREATED, warnings=warnings)

        return idempotency.run(request, act)


class HouseholdDetail(GenericAPIView):
    serializer_class = HouseholdSerializer

    @extend_schema(summary="搬迁户详情（含家庭成员，身份证号脱敏）",
                   responses={200: HouseholdSerializer, **errors(401, 404)})
    def get(self, request, pk):
        household = get_household_for(request.user, pk)
        record_auditor_read(request, household, "household.view")
        return household_response(household)

    @extend_schema(summary="更正登记信息（审核通过前）", request=HouseholdPatchSerializer,
                   responses={200: HouseholdWriteResultSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk):
        household = get_household_for(request.user, pk, registry_edit.CHANGE)
        values = validated(HouseholdPatchSerializer, request.data)
        household, warnings = registry_edit.update(request.user, household, values, request=request)
        return household_response(household, warnings=warnings)
