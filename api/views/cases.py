"""What households and sites share: transitions, history, evidence and documents of one case.

Each view fetches its case through registry.scope (404 outside the caller's scope), acts
through the services, and answers with the serializers of api/serializers/."""

from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db.models import Q
from django.http.multipartparser import MultiPartParserError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.log import record
from documents import downloads
from documents import services as document_services
from documents.evidence.services import ingest_evidence
from documents.evidence.services import record_download as record_evidence_download
from documents.evidence.validation import check_client_name
from documents.models import Document, Evidence
from documents.permissions import ADD_EVIDENCE, READ_HOUSEHOLD, READ_SITE
from documents.views.access import get_document_for, get_evidence_for
from documents.views.evidence import _ClientNameParser
from registry.models import HouseholdStage, SiteStage
from registry.scope import area_q, covers, get_household_for, get_site_for
from supervision.timeline import household_timeline, site_timeline
from workflows.models import SiteProject
from workflows.sites import stages as site_stages

from .. import idempotency, transitions
from ..errors import ApiError
from ..reads import record_auditor_read
from ..serializers.records import (
    DocumentSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    HistoryEntrySerializer,
    SiteEvidenceUploadSerializer,
)
from ..serializers.transitions import (
    HouseholdTransitionInput,
    SiteTransitionInput,
    TransitionListSerializer,
    TransitionResultSerializer,
)
from .common import IDEMPOTENCY_HEADER, errors, require_acting_post, validated

AUDIT_PERM = "audit.view_auditevent"
# What an official who is not an auditor sees of a case's history: the case page's timeline
# (opinions, stage moves, task events); auditors see every event with its address, and each of
# their reads is itself an audit event (supervision/views.py).
OFFICIAL_KINDS = ("stage", "opinion", "task")


@dataclass(frozen=True)
class CaseKind:
    word: str
    get_for: Callable
    read_perm: str
    evidence_field: str
    timeline: Callable
    stage_label: Callable
    stage_round: Callable
    list_transitions: Callable
    perform: Callable
    transition_input: type
    upload_input: type


def _site_round(site):
    return SiteProject.for_site(site).stage_round


HOUSEHOLD = CaseKind("搬迁户", get_household_for, READ_HOUSEHOLD, "household", household_timeline,
                     lambda h: HouseholdStage(h.stage).label, lambda h: h.stage_round,
                     transitions.household_transitions, transitions.perform_household, HouseholdTransitionInput,
                     EvidenceUploadSerializer)
SITE = CaseKind("安置点", get_site_for, READ_SITE, "site", site_timeline,
                lambda s: site_stages.label(s.stage) if s.stage in SiteStage.values else s.stage, _site_round,
                transitions.site_transitions, transitions.perform_site, SiteTransitionInput,
                SiteEvidenceUploadSerializer)


class CaseView(APIView):
    kind: CaseKind = HOUSEHOLD

    def case(self, pk, perm=None):
        return self.kind.get_for(self.request.user, pk, perm)


# Transitions ---------------------------------------------------------------------------------

class TransitionList(CaseView):
    @extend_schema(summary="当前可办理的环节（含未满足条件的中文说明）",
                   responses={200: TransitionListSerializer, **errors(401, 404)})
    def get(self, request, pk):
        case = self.case(pk)
        return Response({"stage": case.stage, "stage_label": self.kind.stage_label(case),
                         "stage_round": self.kind.stage_round(case),
                         "transitions": self.kind.list_transitions(case, request.user)})


class TransitionPerform(CaseView):
    @extend_schema(summary="办理一个环节（经唯一的办理服务执行）", request=HouseholdTransitionInput,
                   parameters=[IDEMPOTENCY_HEADER],
                   responses={200: TransitionResultSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def post(self, request, pk, name):
        require_acting_post(request)
        case = self.case(pk)
        data = validated(self.kind.transition_input, request.data)

        def act():
            outcome, decision = self.kind.perform(case, name, request.user, data, request)
            moved_to = outcome.moved_to
            label = None
            if moved_to:
                label = HouseholdStage(moved_to).label if self.kind is HOUSEHOLD else site_stages.label(moved_to)
            return Response({
                "name": name, "decision": decision,
                "opinion_id": outcome.opinion.pk if getattr(outcome, "opinion", None) else None,
                "moved_to": moved_to, "moved_to_label": label,
                "warnings": [w.message for w in getattr(outcome, "warnings", [])],
            })

        return idempotency.run(request, act)


# History -------------------------------------------------------------------------------------

class History(CaseView):
    @extend_schema(summary="办理与审计时间线", responses={200: HistoryEntrySerializer(many=True), **errors(401, 404)})
    def get(self, request, pk):
        case = self.case(pk)
        if covers(request.user, AUDIT_PERM, case.area_code):
            entries = self.kind.timeline(case)
            record(request.user, "supervision.history_view", case,
                   {"subject": f"{self.kind.word} {case}", "entries": len(entries), "via": "api"}, request=request)
            full = True
        else:
            entries = self.kind.timeline(case, kinds=OFFICIAL_KINDS)
            full = False
        data = [{"at": e.at, "kind": e.kind, "kind_label": e.kind_label, "action": e.action, "label": e.label,
                 "actor": e.username or e.actor, "role": e.role, "detail": {**e.detail, **({"ip": e.ip} if full and e.ip else {})}}
                for e in entries]
        return Response(HistoryEntrySerializer(data, many=True).data)


# Evidence ------------------------------------------------------------------------------------

class ClientNameMultiPartParser(parsers.MultiPartParser):
    """Keeps the file name the client sent, so that "../x.jpg" is refused rather than renamed
    (documents/views/evidence.py does the same for the upload page)."""

    def parse(self, stream, media_type=None, parser_context=None):
        from rest_framework.exceptions import ParseError
        from rest_framework.parsers import DataAndFiles

        context = parser_context or {}
        request = context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        names: list[str] = []
        try:
            parser = _ClientNameParser(meta, stream, request.upload_handlers,
                                       context.get("encoding", settings.DEFAULT_CHARSET))
            parser.client_names = names
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(f"多部分表单无法解析：{exc}")
        request._request.api_client_names = names
        return DataAndFiles(data, files)


def _too_large(request):
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # The multipart envelope adds a little; anything far beyond the limit is refused unread.
    if length > limit + 64 * 1024:
        raise ApiError(413, "too_large", f"上传内容超过上限（{limit // (1024 * 1024)} MB），请压缩后再上传。")


class EvidenceList(CaseView):
    parser_classes = [ClientNameMultiPartParser, parsers.FormParser]

    @extend_schema(summary="证据材料列表", responses={200: EvidenceSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk):
        case = self.case(pk)
        record_auditor_read(request, case, f"{self.kind.evidence_field}.view", {"page": "evidence"})
        items = (Evidence.objects.filter(**{self.kind.evidence_field: case})
                 .filter(area_q(request.user, self.kind.read_perm)).select_related("uploaded_by")
                 .order_by("stage", "-uploaded_at", "-id"))
        return Response(EvidenceSerializer(items, many=True).data)

    @extend_schema(summary="上传证据材料（multipart：file、kind、stage、description）",
                   request={"multipart/form-data": EvidenceUploadSerializer}, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: EvidenceSerializer, **errors(400, 401, 403, 404, 409, 413, 422)})
    def post(self, request, pk):
        _too_large(request)
        require_acting_post(request)
        case = self.case(pk, ADD_EVIDENCE)
        request.data  # parse now: the parser records the client's file names
        names = getattr(request._request, "api_client_names", [])
        if len(names) > 1:
            raise ApiError(400, "one_file", "一次只能上传一个文件。", {"file": ["一次只能上传一个文件。"]})
        if names and "file" not in request.FILES:
            check_client_name(names[0])  # explains a name Django dropped (e.g. "..")
        data = validated(self.kind.upload_input, request.data)
        upload = data["file"]

        def act():
            item = ingest_evidence(actor=request.user, upload=upload, stage=data["stage"], kind=data["kind"],
                                   description=data.get("description", ""),
                                   client_name=names[0] if names else upload.name, request=request,
                                   **{self.kind.evidence_field: case})
            return Response(EvidenceSerializer(item).data, status=201)

        return idempotency.run(request, act)


class EvidenceFile(APIView):
    @extend_schema(summary="下载证据文件（记入审计）",
                   responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                              **errors(401, 404)})
    def get(self, request, pk):
        item = get_evidence_for(request.user, pk)
        record_evidence_download(item, actor=request.user, request=request)
        return downloads.evidence_response(item)


# Documents -----------------------------------------------------------------------------------

class DocumentList(CaseView):
    @extend_schema(summary="文书列表（含各版本）", responses={200: DocumentSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk):
        case = self.case(pk)
        record_auditor_read(request, case, f"{self.kind.evidence_field}.view", {"page": "documents"})
        where = Q(household=case) | Q(households=case) if self.kind is HOUSEHOLD else Q(site=case)
        documents = (Document.objects.filter(where).filter(area_q(request.user, self.kind.read_perm)).distinct()
                     .prefetch_related("versions").order_by("-id"))
        return Response(DocumentSerializer(documents, many=True).data)


class DocumentPdf(APIView):
    @extend_schema(summary="下载文书的最新版本 PDF（记入审计）",
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), **errors(401, 404)})
    def get(self, request, pk):
        document = get_document_for(request.user, pk)
        version = document.versions.order_by("-version").first()
        if version is None:
            raise ApiError(404, "not_rendered", "该文书尚未生成 PDF（可能正在生成），请稍后再试。")
        document_services.record_download(version, actor=request.user, request=request)
        return downloads.version_response(version)



# The site variants differ only in what the schema documents.

class SiteTransitionPerform(TransitionPerform):
    @extend_schema(summary="办理安置点的一个环节（经安置点办理服务执行）", request=SiteTransitionInput,
                   parameters=[IDEMPOTENCY_HEADER],
                   responses={200: TransitionResultSerializer, **errors(400, 401, 403, 404, 409, 422)})
    def post(self, request, pk, name):
        return super().post(request, pk, name)


class SiteEvidenceList(EvidenceList):
    @extend_schema(summary="安置点证据材料列表", responses={200: EvidenceSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk):
        return super().get(request, pk)

    @extend_schema(summary="上传安置点证据材料（multipart：file、kind、stage、description）",
                   request={"multipart/form-data": SiteEvidenceUploadSerializer}, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: EvidenceSerializer, **errors(400, 401, 403, 404, 409, 413, 422)})
    def post(self, request, pk):
        return super().post(request, pk)
