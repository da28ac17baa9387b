"""Village batches through the API: the review meeting (民主评议), the public notice (公示) with
its photo and objections — every change through workflows.households.batches, as on the batch pages."""

import json

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import AdminArea, AreaLevel
from registry.scope import area_q, get_object_for
from workflows.households import batches
from workflows.models import MeetingType, NoticeBatch, Objection

from .. import idempotency
from ..errors import ApiError
from .cases import ClientNameMultiPartParser, _too_large
from .common import IDEMPOTENCY_HEADER, errors, require_acting_post, validated

READ = "registry.view_household"
MAX_MEMBERS = 100000


def _village(user, code):
    village = (AdminArea.objects.filter(level=AreaLevel.VILLAGE, code=code)
               .filter(area_q(user, READ, field="code")).first())
    if village is None:
        raise ApiError(400, "invalid", "所在村不存在，或不在您的管辖范围内（须为村级区划代码）。",
                       {"village": ["所在村不存在，或不在您的管辖范围内。"]})
    return village


class VoteSerializer(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    agree = serializers.IntegerField(min_value=0, max_value=MAX_MEMBERS)
    against = serializers.IntegerField(min_value=0, max_value=MAX_MEMBERS)
    abstain = serializers.IntegerField(min_value=0, max_value=MAX_MEMBERS)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MeetingInput(serializers.Serializer):
    village = serializers.RegexField(r"^\d{12}$", error_messages={"invalid": "所在村须为12位区划代码。"})
    meeting_type = serializers.ChoiceField(choices=MeetingType.choices, default=MeetingType.REPRESENTATIVES)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    expected_members = serializers.IntegerField(min_value=1, max_value=MAX_MEMBERS)
    present_members = serializers.IntegerField(min_value=0, max_value=MAX_MEMBERS)
    minutes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    votes = serializers.CharField(help_text='JSON 数组：[{"household": 编号, "agree": 同意, "against": 反对, '
                                            '"abstain": 弃权, "reason": "未通过原因"}]')
    meeting_minutes_scan = serializers.FileField(required=False, help_text="评议会议记录扫描件")
    sign_in_sheet = serializers.FileField(required=False, help_text="会议签到表")

    def validate_votes(self, value):
        try:
            parsed = json.loads(value)
        except (ValueError, TypeError):
            raise serializers.ValidationError("表决结果须为 JSON 数组。")
        serializer = VoteSerializer(data=parsed, many=True)
        if not isinstance(parsed, list) or not serializer.is_valid():
            raise serializers.ValidationError(
                "表决结果格式不正确：每户须有 household、agree、against、abstain（非负整数）。")
        return serializer.validated_data


class MeetingResult(serializers.Serializer):
    id = serializers.IntegerField()
    village = serializers.CharField()
    held_on = serializers.DateField()
    households = serializers.ListField(child=inline_serializer("MeetingVoteResult", {
        "household": serializers.IntegerField(), "number": serializers.CharField(),
        "passed": serializers.BooleanField()}))


class ReviewMeetingCreate(APIView):
    parser_classes = [ClientNameMultiPartParser, parsers.FormParser]

    @extend_schema(summary="登记民主评议会议（村委会主任；会议记录与签到表归入每户材料）",
                   request={"multipart/form-data": MeetingInput}, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: MeetingResult, **errors(400, 401, 403, 404, 409, 413, 422)})
    def post(self, request):
        _too_large(request)
        require_acting_post(request)
        data = validated(MeetingInput, request.data)
        village = _village(request.user, data["village"])
        files = {k: data[k] for k in ("meeting_minutes_scan", "sign_in_sheet") if data.get(k)}
        votes = [batches.Vote(v["household"], v["agree"], v["against"], v["abstain"], v.get("reason", ""))
                 for v in data["votes"]]

        def act():
            meeting = batches.record_review_meeting(
                village=village, actor=request.user, held_on=data["held_on"], place=data["place"],
                expected_members=data["expected_members"], present_members=data["present_members"], votes=votes,
                meeting_type=data["meeting_type"], minutes=data["minutes"], files=files, request=request)
            rows = [{"household": v.household_id, "number": v.household.number, "passed": v.passed}
                    for v in meeting.votes.select_related("household").order_by("household_id")]
            return Response({"id": meeting.pk, "village": village.code, "held_on": meeting.held_on,
                             "households": rows}, status=201)

        return idempotency.run(request, act)


class NoticeInput(serializers.Serializer):
    village = serializers.RegexField(r"^\d{12}$", error_messages={"invalid": "所在村须为12位区划代码。"})
    households = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                       max_length=1000)
    posted_on = serializers.DateField()
    ends_on = serializers.DateField()
    posted_at = serializers.CharField(max_length=200, help_text="张贴地点")


class NoticeSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code")
    households = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = NoticeBatch
        fields = ["id", "village", "posted_on", "ends_on", "posted_at", "closed_at", "households"]
        read_only_fields = fields


class NoticeBatchCreate(APIView):
    @extend_schema(summary="张榜公示（村文书）", request=NoticeInput, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: NoticeSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def post(self, request):
        require_acting_post(request)
        data = validated(NoticeInput, request.data)
        village = _village(request.user, data["village"])

        def act():
            batch = batches.create_notice_batch(
                village=village, actor=request.user, household_ids=data["households"], posted_on=data["posted_on"],
                ends_on=data["ends_on"], posted_at=data["posted_at"], request=request)
            return Response(NoticeSerializer(batch).data, status=201)

        return idempotency.run(request, act)


def _notice_for(user, pk):
    return get_object_for(user, NoticeBatch.objects.select_related("village"), pk, view_perm=READ)


class PhotoInput(serializers.Serializer):
    file = serializers.FileField(help_text="公示张贴照片")


class NoticePhoto(APIView):
    parser_classes = [ClientNameMultiPartParser, parsers.FormParser]

    @extend_schema(summary="上传公示张贴照片（归入本批次每一户）", request={"multipart/form-data": PhotoInput},
                   parameters=[IDEMPOTENCY_HEADER],
                   responses={200: NoticeSerializer, **errors(400, 401, 403, 404, 409, 413, 422)})
    def post(self, request, pk):
        _too_large(request)
        require_acting_post(request)
        batch = _notice_for(request.user, pk)
        data = validated(PhotoInput, request.data)

        def act():
            batches.file_notice_photo(batch_id=batch.pk, actor=request.user, upload=data["file"], request=request)
            return Response(NoticeSerializer(batch).data)

        return idempotency.run(request, act)


class ObjectionInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    objector = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=5000)


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "batch", "household", "objector", "content", "status", "resolution", "recorded_at"]
        read_only_fields = fields


class NoticeObjection(APIView):
    @extend_schema(summary="登记公示异议（村文书，公示期内）", request=ObjectionInput, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: ObjectionSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def post(self, request, pk):
        require_acting_post(request)
        batch = _notice_for(request.user, pk)
        data = validated(ObjectionInput, request.data)

        def act():
            objection = batches.record_objection(batch_id=batch.pk, household_id=data["household"],
                                                 actor=request.user, objector=data["objector"],
                                                 content=data["content"], request=request)
            return Response(ObjectionSerializer(objection).data, status=201)

        return idempotency.run(request, act)


class ResolveInput(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true 异议成立（退回评议）/ false 不成立")
    resolution = serializers.CharField(max_length=5000, help_text="核查情况与结论")


class ObjectionResolve(APIView):
    @extend_schema(summary="处理公示异议（乡镇）", request=ResolveInput, parameters=[IDEMPOTENCY_HEADER],
                   responses={200: ObjectionSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def post(self, request, pk):
        require_acting_post(request)
        objection = get_object_for(request.user, Objection.objects.all(), pk, view_perm=READ)
        data = validated(ResolveInput, request.data)

        def act():
            batches.resolve_objection(objection_id=objection.pk, actor=request.user, upheld=data["upheld"],
                                      resolution=data["resolution"], request=request)
            return Response(ObjectionSerializer(Objection.objects.get(pk=objection.pk)).data)

        return idempotency.run(request, act)


