"""Taking evidence in and withdrawing it. Nothing here deletes or replaces a stored file."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents import storage
from documents.hashing import digest_stream
from documents.models import WITHDRAWAL_FIELDS, Evidence, EvidenceKind
from documents.permissions import ADD_EVIDENCE, HOSTED_EVIDENCE_KINDS, require, require_hosted
from registry.models import Household, HouseholdStage, ResettlementSite, SiteStage
from registry.touch import touch_households

from .validation import check_client_name, check_size, inspect_upload


def ingest_evidence(*, actor, upload, stage: str, kind: str, household: Household | None = None,
                    site: ResettlementSite | None = None, client_name: str | None = None, description: str = "",
                    corrects: Evidence | None = None, request=None) -> Evidence:
    """Validate, hash and store one uploaded file for a household or a site.

    `client_name` is the name the uploader's browser sent (before Django strips any path from
    it); a name carrying a path is refused, never silently cleaned.
    """
    if (household is None) == (site is None):
        raise ValueError("evidence belongs to exactly one household or one site")
    subject = household or site
    require(actor, ADD_EVIDENCE, subject)
    require_hosted(actor, ADD_EVIDENCE, household, kind, HOSTED_EVIDENCE_KINDS)
    valid_stages = SiteStage.values if site is not None else HouseholdStage.values
    if stage not in valid_stages:
        raise ValidationError("请选择正确的阶段。", code="stage")
    if kind not in EvidenceKind.values:
        raise ValidationError("请选择正确的证据类型。", code="kind")
    if corrects is not None and (corrects.household_id, corrects.site_id) != (
        getattr(household, "pk", None), getattr(site, "pk", None)
    ):
        raise ValidationError("被更正的证据须属于同一案件。", code="corrects_other_case")
    name = check_client_name(client_name if client_name is not None else upload.name)
    check_size(upload.size)
    inspected = inspect_upload(upload, name)
    upload.seek(0)
    digests = digest_stream(upload)
    if digests.size != upload.size:
        raise ValidationError("文件读取不完整，请重新上传。", code="short_read")
    stored_name = storage.new_name(storage.EVIDENCE_PREFIX, subject.area_code, inspected.extension)
    written = False
    try:
        with transaction.atomic():
            storage.write_once(stored_name, upload)
            written = True
            evidence = Evidence.objects.create(
                household=household, site=site, area_code=subject.area_code, stage=stage, kind=kind,
                description=description.strip()[:200], corrects=corrects, storage_name=stored_name,
                original_name=name, content_type=inspected.content_type, size=digests.size,
                sha256=digests.sha256, sm3=digests.sm3, width=inspected.width, height=inspected.height,
                pages=inspected.pages, captured_at=inspected.captured_at, gps_latitude=inspected.gps_latitude,
                gps_longitude=inspected.gps_longitude, uploaded_by=actor,
            )
            record(actor, "evidence.upload", evidence, {
                "kind": kind, "stage": stage, "sha256": digests.sha256, "sm3": digests.sm3, "size": digests.size,
                "content_type": inspected.content_type, "original_name": name,
                "corrects": corrects.pk if corrects else None,
            }, request)
            touch_households(evidence.household_id)  # API sync clients see the case changed
    except BaseException:
        if written:
            storage.discard(stored_name)
        raise
    return evidence


def withdraw_evidence(evidence: Evidence, *, actor, reason: str, request=None) -> Evidence:
    """Flag an item as withdrawn (撤回), with reason and actor. The file and record stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("撤回证据须填写原因。", code="reason_required")
    require(actor, ADD_EVIDENCE, evidence)
    require_hosted(actor, ADD_EVIDENCE, evidence.household, evidence.kind, HOSTED_EVIDENCE_KINDS)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError("该证据已于 %(at)s 撤回。", code="already_withdrawn",
                                  params={"at": timezone.localtime(locked.withdrawn_at).strftime("%Y-%m-%d %H:%M")})
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdrawal_reason = reason[:500]
        locked.save(update_fields=list(WITHDRAWAL_FIELDS))
        record(actor, "evidence.withdraw", locked, {"reason": locked.withdrawal_reason, "sha256": locked.sha256},
               request)
        touch_households(locked.household_id)
    return locked


def record_download(evidence: Evidence, *, actor, request=None) -> None:
    record(actor, "evidence.download", evidence, {"sha256": evidence.sha256, "kind": evidence.kind}, request)
