"""The evidence the lifecycle asks for, read from the documents app's evidence store (each kind's
name is the store's: documents.models.kind_label)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from documents.evidence.services import ingest_evidence
from documents.models import Evidence, kind_label
from registry.policy import Violation
from workflows import memo


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
