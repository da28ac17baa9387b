"""The sites' hazard register (安置点隐患排查台账; seed 002: 加强日常风险监测和隐患排查, 严禁私自改扩建):
a hazard found on inspection (with photos) → a rectification plan with a deadline → closed (销号) with
photos of the result. The findings ledger's pattern: each step a write-once row with its files,
validated like evidence and hashed at ingest, an audit event on the site, one transaction.

    hazard = file_hazard(actor=officer, site=site, kind="extension", description=..., found_on=..., photos=[...])
    plan_rectification(hazard.pk, actor=officer, text=..., deadline=...)
    close_hazard(hazard.pk, actor=officer, text=..., photos=[...])
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents import storage
from documents.evidence.validation import check_client_name, inspect_upload
from documents.hashing import digest_stream
from registry.policy import Violation
from workflows.acting import Refused, check_visible, lock, refuse, require_site_role

from .access import RECORDING_ROLES
from .models import HazardKind, HazardPhoto, HazardStatus, HazardStep, SiteHazard

STORAGE_PREFIX = "hazards"
MAX_PHOTOS = 10


def _inspect(photos) -> list:
    if len(photos) > MAX_PHOTOS:
        raise Refused(Violation("too_many", "photos", f"每次最多上传{MAX_PHOTOS}张照片。"))
    inspected = []
    for upload in photos:
        try:
            name = check_client_name(upload.name)
            inspected.append((upload, name, inspect_upload(upload, name)))
        except ValidationError as exc:
            raise Refused(Violation("photo", "photos", f"照片“{upload.name}”：{'；'.join(exc.messages)}")) from exc
    return inspected


def photo_rows():
    """Every hazard photo for documents' fixity check (`manage.py verify_storage`, the integrity
    page): (storage name, size, SHA-256, SM3, None) — the hazard's audit event names its photos but
    holds no hashes, so only the file is held against its row."""
    fields = ("storage_name", "size", "sha256", "sm3")
    for name, size, sha256, sm3 in HazardPhoto.objects.values_list(*fields).order_by("pk").iterator(chunk_size=2000):
        yield name, size, sha256, sm3, None


def _step(hazard, action, actor, text, inspected, written, request, event, data) -> HazardStep:
    step = HazardStep.objects.create(hazard=hazard, area_code=hazard.area_code, action=action, text=text, actor=actor)
    names = []
    for upload, name, result in inspected:
        upload.seek(0)
        digests = digest_stream(upload)
        storage_name = storage.new_name(STORAGE_PREFIX, hazard.area_code, result.extension)
        storage.write_once(storage_name, upload)
        written.append(storage_name)
        HazardPhoto.objects.create(step=step, area_code=hazard.area_code, storage_name=storage_name,
                                   original_name=name, content_type=result.content_type, size=digests.size,
                                   sha256=digests.sha256, sm3=digests.sm3)
        names.append(name)
    record(actor, event, hazard.site, {"hazard": hazard.pk, "hazard_kind": hazard.get_kind_display(), "text": text,
                                       "photos": names, **data}, request)
    return step


def _run(work):
    written: list[str] = []
    try:
        with transaction.atomic():
            return work(written)
    except BaseException:
        for name in written:
            storage.discard(name)
        raise


def file_hazard(*, actor, site, kind, description, found_on, photos=(), request=None) -> SiteHazard:
    require_site_role(actor, site, RECORDING_ROLES, "登记安置点隐患")
    found = []
    if kind not in HazardKind.values:
        found.append(Violation("kind", "kind", "请选择隐患类别。"))
    if not (description or "").strip():
        found.append(Violation("description", "description", "请写明隐患情况。"))
    if found_on is None or found_on > timezone.localdate():
        found.append(Violation("found_on", "found_on", "排查日期须填写，且不能晚于今天。"))
    if not photos:
        found.append(Violation("photos", "photos", "请上传至少一张现场照片。"))
    if found:
        raise Refused(found)
    inspected = _inspect(photos)

    def work(written):
        hazard = SiteHazard.objects.create(site=site, area_code=site.area_code, kind=kind,
                                           description=description.strip(), found_on=found_on)
        _step(hazard, HazardStep.Action.INSPECT, actor, hazard.description, inspected, written, request,
              "aftercare.hazard_file", {"date": found_on.isoformat()})
        return hazard

    return _run(work)


def _locked(hazard_pk, actor):
    hazard = lock(SiteHazard.objects.select_related("site"), hazard_pk, "未找到该隐患。")
    check_visible(actor, hazard.site, "registry.view_resettlementsite", "安置点")
    require_site_role(actor, hazard.site, RECORDING_ROLES, "办理安置点隐患整改")
    return hazard


def plan_rectification(hazard_pk, *, actor, text, deadline: datetime.date | None, request=None) -> SiteHazard:
    def work(written):
        hazard = _locked(hazard_pk, actor)
        if hazard.status != HazardStatus.FOUND:
            refuse("planned", f"该隐患{hazard.get_status_display()}，不能再制定整改方案。")
        found = []
        if not (text or "").strip():
            found.append(Violation("text", "text", "请填写整改方案。"))
        if deadline is None or deadline < timezone.localdate():
            found.append(Violation("deadline", "deadline", "整改期限须填写，且不能早于今天。"))
        if found:
            raise Refused(found)
        SiteHazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.RECTIFYING, deadline=deadline)
        hazard.status, hazard.deadline = HazardStatus.RECTIFYING, deadline
        _step(hazard, HazardStep.Action.PLAN, actor, text.strip(), [], written, request, "aftercare.hazard_plan",
              {"deadline": deadline.isoformat()})
        return hazard

    return _run(work)


def close_hazard(hazard_pk, *, actor, text, photos=(), request=None) -> SiteHazard:
    inspected = _inspect(photos)

    def work(written):
        hazard = _locked(hazard_pk, actor)
        if hazard.status != HazardStatus.RECTIFYING:
            refuse("not_rectifying", "须先制定整改方案，整改完成后方可销号。" if hazard.status == HazardStatus.FOUND
                   else "该隐患已销号。")
        found = []
        if not (text or "").strip():
            found.append(Violation("text", "text", "请填写整改结果。"))
        if not inspected:
            found.append(Violation("photos", "photos", "销号须上传整改后的现场照片。"))
        if found:
            raise Refused(found)
        SiteHazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED)
        hazard.status = HazardStatus.CLOSED
        _step(hazard, HazardStep.Action.CLOSE, actor, text.strip(), inspected, written, request,
              "aftercare.hazard_close", {})
        return hazard

    return _run(work)
