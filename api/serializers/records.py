"""Evidence, documents and history entries as JSON."""

from django.urls import reverse
from rest_framework import serializers

from documents.models import Document, DocumentVersion, Evidence, EvidenceKind
from registry.models import HouseholdStage, SiteStage


class EvidenceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", read_only=True)
    withdrawn = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "kind_label", "stage", "description", "corrects", "original_name", "content_type",
                  "size", "sha256", "sm3", "width", "height", "pages", "captured_at", "gps_latitude",
                  "gps_longitude", "uploaded_by", "uploaded_at", "withdrawn", "withdrawn_at", "withdrawal_reason",
                  "file_url"]
        read_only_fields = fields

    def get_withdrawn(self, obj) -> bool:
        return obj.withdrawn_at is not None

    def get_file_url(self, obj) -> str:
        return reverse("api:evidence-file", args=[obj.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG、PNG 图片或 PDF 文件（按内容识别，不按文件名）")
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, help_text="证据类型")
    stage = serializers.ChoiceField(choices=HouseholdStage.choices, help_text="所属阶段")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SiteEvidenceUploadSerializer(EvidenceUploadSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"] = serializers.ChoiceField(choices=SiteStage.choices, help_text="所属阶段")


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "version", "pages", "size", "sha256", "sm3", "verify_code", "contains_unmasked_ids",
                  "reason", "generated_at"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    versions = VersionSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "doc_type", "title", "number", "issuing_organ", "created_at", "versions", "pdf_url"]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        return reverse("api:document-pdf", args=[obj.pk])


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="类别：stage 阶段流转、opinion 审批意见、task 任务分派……")
    kind_label = serializers.CharField()
    action = serializers.CharField()
    label = serializers.CharField()
    actor = serializers.CharField()
    role = serializers.CharField()
    detail = serializers.DictField()
