"""The caller's tasks (待办: held and claimable) with claim/release, their areas, and sites."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import AdminArea, ResettlementSite, SiteKind, SiteStage
from registry.roles import ROLES
from registry.scope import area_q, get_site_for, grants_of
from workflows import claims, worklist
from workflows.sites import stages as site_stages

from .. import idempotency, site_edit
from ..pagination import ByUpdate, Cursor
from ..reads import record_auditor_read
from .common import IDEMPOTENCY_HEADER, errors, require_acting_post, validated
from .households import FILTER_PARAMS, filter_cases


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.CharField()
    step_label = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    held_by_me = serializers.BooleanField()
    case_type = serializers.ChoiceField(choices=["household", "site"])
    case_id = serializers.IntegerField()
    case_label = serializers.CharField()
    case_stage = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()


def task_data(rows, user) -> list[dict]:
    out = []
    for row in rows:
        task = row.task
        is_household = task.case_id is not None
        out.append({
            "id": task.pk, "step": row.step, "step_label": row.step_label, "status": task.status,
            "owner": task.owner.get_username() if task.owner_id else None, "held_by_me": task.owner_id == user.pk,
            "case_type": "household" if is_household else "site",
            "case_id": task.case_id if is_household else task.site_case_id,
            "case_label": (f"{task.case_number} {task.case_head or ''}".strip() if is_household
                           else task.site_case_name or ""),
            "case_stage": task.case_stage if is_household else task.site_case_stage,
            "created": task.created, "due_at": row.due, "overdue": row.overdue,
        })
    return out


class BoxSerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=[("all", "全部"), ("inbox", "待我办理"), ("queue", "可领取")],
                                  required=False, default="all")


class TaskList(GenericAPIView):
    pagination_class = Cursor
    serializer_class = TaskSerializer

    @extend_schema(summary="我的待办：已领取（inbox）与可领取（queue）",
                   parameters=[OpenApiParameter("box", str, enum=["all", "inbox", "queue"])],
                   responses={200: TaskSerializer(many=True), **errors(400, 401)})
    def get(self, request):
        box = validated(BoxSerializer, {k: v for k, v in request.query_params.items() if k == "box"})["box"]
        user = request.user
        if box == "inbox":
            tasks = worklist.inbox(user)
        elif box == "queue":
            tasks = worklist.queue(user)
        else:
            tasks = worklist.inbox(user) | worklist.queue(user)
        page = self.paginate_queryset(worklist.with_case(tasks))
        return self.get_paginated_response(TaskSerializer(task_data(worklist.rows(page), user), many=True).data)


def _one_task(user, pk):
    rows = worklist.rows(worklist.with_case(worklist.open_tasks().filter(pk=pk)))
    return TaskSerializer(task_data(rows, user)[0]).data if rows else None


class TaskClaim(APIView):
    @extend_schema(summary="领取任务", request=None, parameters=[IDEMPOTENCY_HEADER],
                   responses={200: TaskSerializer, **errors(401, 403, 404, 409, 422)})
    def post(self, request, pk):
        require_acting_post(request)

        def act():
            claims.claim(pk, actor=request.user, request=request)
            return Response(_one_task(request.user, pk))

        return idempotency.run(request, act)


class TaskRelease(APIView):
    @extend_schema(summary="释放任务", request=None, parameters=[IDEMPOTENCY_HEADER],
                   responses={200: TaskSerializer, **errors(401, 403, 404, 409, 422)})
    def post(self, request, pk):
        require_acting_post(request)

        def act():
            claims.release(pk, actor=request.user, request=request)
            return Response(_one_task(request.user, pk))

        return idempotency.run(request, act)


class AreaGrantSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    level = serializers.CharField()
    prefix = serializers.CharField(help_text="辖区区划代码前缀：以此开头的案件均在辖区内")


class AreaList(APIView):
    @extend_schema(summary="我的岗位与辖区", responses={200: AreaGrantSerializer(many=True), **errors(401)})
    def get(self, request):
        grants = grants_of(request.user)
        codes = {prefix.ljust(12, "0") for entries in grants.values() for prefix, _ in entries}
        areas = {a.code: a for a in AdminArea.objects.filter(code__in=codes)}
        data = []
        for role, entries in sorted(grants.items()):
            for prefix, name in entries:
                area = areas.get(prefix.ljust(12, "0"))
                data.append({"role": role, "role_label": ROLES[role].label, "area_code": prefix.ljust(12, "0"),
                             "area_name": name, "level": area.level if area else "", "prefix": prefix})
        return Response(AreaGrantSerializer(data, many=True).data)


# Sites ---------------------------------------------------------------------------------------

class SiteSerializer(serializers.ModelSerializer):
    area = inline_serializer("SiteArea", {"code": serializers.CharField(), "name": serializers.CharField()})
    stage_label = serializers.SerializerMethodField()

    class Meta:
        model = ResettlementSite
        fields = ["id", "code", "name", "area", "area_code", "kind", "location", "latitude", "longitude",
                  "planned_units", "planned_persons", "planned_funds", "stage", "stage_label", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_stage_label(self, obj) -> str:
        return site_stages.label(obj.stage)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["area"] = {"code": instance.area.code, "name": instance.area.name}
        return data


class SiteInputSerializer(serializers.Serializer):
    """The fields the county office registers a site with (as in the admin). `stage` is never
    written here: only a site transition writes it."""

    code = serializers.CharField(max_length=32, help_text="安置点编号（全系统唯一）")
    name = serializers.CharField(max_length=100)
    area = serializers.RegexField(r"^\d{12}$", max_length=12, help_text="所在县或乡镇的12位区划代码",
                                  error_messages={"invalid": "所在区划须为12位区划代码。"})
    kind = serializers.ChoiceField(choices=SiteKind.choices,
                                   error_messages={"invalid_choice": "安置类型须为城镇安置（urban）或乡村安置（rural）。"})
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         default=None)
    planned_units = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    planned_persons = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    planned_funds = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)


class SitePatchSerializer(SiteInputSerializer):
    """Any subset of the site's fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


def site_response(site, status_code=200):
    site = ResettlementSite.objects.select_related("area").get(pk=site.pk)
    return Response(SiteSerializer(site).data, status=status_code)


class SiteList(GenericAPIView):
    pagination_class = ByUpdate
    serializer_class = SiteSerializer

    @extend_schema(summary="集中安置点列表（本人辖区）", parameters=FILTER_PARAMS,
                   responses={200: SiteSerializer(many=True), **errors(400, 401)})
    def get(self, request):
        queryset = ResettlementSite.objects.filter(area_q(request.user, "registry.view_resettlementsite"))
        queryset = filter_cases(queryset.select_related("area"), request.query_params, SiteStage.choices)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SiteSerializer(page, many=True).data)

    @extend_schema(summary="登记集中安置点（县易地扶贫搬迁办公室）", request=SiteInputSerializer,
                   parameters=[IDEMPOTENCY_HEADER],
                   responses={201: SiteSerializer, **errors(400, 401, 403, 409, 422)})
    def post(self, request):
        if not request.user.has_perm(site_edit.ADD):
            raise PermissionDenied("您的岗位无权登记集中安置点。")
        values = validated(SiteInputSerializer, request.data)

        def act():
            return site_response(site_edit.create(request.user, values, request=request), status.HTTP_201_CREATED)

        return idempotency.run(request, act)


class SiteDetail(APIView):
    @extend_schema(summary="集中安置点详情", responses={200: SiteSerializer, **errors(401, 404)})
    def get(self, request, pk):
        site = get_site_for(request.user, pk)
        record_auditor_read(request, site, "site.view")
        return Response(SiteSerializer(site).data)

    @extend_schema(summary="更正集中安置点登记信息", request=SitePatchSerializer, parameters=[IDEMPOTENCY_HEADER],
                   responses={200: SiteSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def patch(self, request, pk):
        site = get_site_for(request.user, pk, site_edit.CHANGE)
        values = validated(SitePatchSerializer, request.data)

        def act():
            return site_response(site_edit.update(request.user, site, values, request=request))

        return idempotency.run(request, act)
