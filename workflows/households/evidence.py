"""The evidence the lifecycle asks for, read from the documents app's evidence store."""

from django.core.files.uploadedfile import SimpleUploadedFile

from documents.evidence.services import ingest_evidence
from documents.models import Evidence
from registry.policy import Violation
from workflows import memo

EVIDENCE_LABELS = {
    "hukou_scan": "户口簿扫描件",
    "current_house_photo": "现住房照片",
    "signed_application": "签字申请表扫描件",
    "meeting_minutes_scan": "评议会议记录扫描件",
    "sign_in_sheet": "会议签到表",
    "posted_notice_photo": "公示张贴照片",
    "household_survey": "入户调查表",
    "signed_agreement": "签字搬迁协议",
    "construction_photo": "开工照片",
    "inspection_photo": "验收现场照片",
    "signed_confirmation": "搬迁户代表签字确认书",
    "old_new_house_photo": "新旧住房对比照片",
    "signed_move_in": "签字入住确认书",
    "before_demolition_photo": "拆除前照片",
    "after_demolition_photo": "拆除后照片",
}


def kind_label(kind: str) -> str:
    return EVIDENCE_LABELS.get(kind, kind)


def present_kinds(household) -> set[str]:
    return memo.remember(household, "_evidence_kinds", household.pk, lambda: set(
        Evidence.objects.filter(household=household, withdrawn_at__isnull=True).values_list("kind", flat=True)))


def forget(household) -> None:
    memo.forget(household, "_evidence_kinds")


def missing_uploads(kinds, files) -> list:
    """Violations for the required kinds a batch action did not receive an upload for."""
    missing = [k for k in kinds if not files.get(k)]
    if not missing:
        return []
    return [Violation("missing_evidence", "evidence", f"缺少必备佐证材料：{'、'.join(kind_label(k) for k in missing)}。")]


def file_for_each(households, files, *, stage, actor, request=None, description=""):
    """File one batch upload (minutes scan, posted-notice photo) into every household's record."""
    for kind, upload in files.items():
        upload.seek(0)
        content = upload.read()
        for household in households:
            copy = SimpleUploadedFile(upload.name, content, content_type=getattr(upload, "content_type", None))
            ingest_evidence(actor=actor, upload=copy, stage=stage, kind=kind, household=household,
                            description=description, request=request)
            forget(household)
