"""Generating documents: the one way a PDF enters the archive.

    generate_document("public_notice", actor=clerk, households=[...], start_date=...)
    regenerate_document(document, actor=..., reason="更正户主姓名")

One transaction: take the 文号 (locked counter), render, store the PDF under a generated name,
write the Document and its version, append the audit event. If anything fails the number goes
back to the counter and the stored file is removed, so the register has no gap and the storage
no stray file. The audit event is appended last: it locks the chain head, which must not wait
on a render.
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from audit.log import record
from registry.models import AdminArea, Household, ResettlementSite
from registry.touch import touch_households

from . import storage
from .hashing import digest_bytes
from .issuers import Issuer, issuer_for
from .masking import assert_public_context
from .models import Document, DocumentHousehold, DocumentVersion
from .numbering import format_number, take_serial
from .pdf import render_html
from .permissions import ADD_DOCUMENT, HOSTED_DOCUMENT_TYPES, require, require_hosted
from .types import DocumentSpec, Subject, get_spec
from .types.common import chinese_date
from .verification import display, new_code, qr_data_uri, verify_url


class DocumentRenderError(Exception):
    pass


def _with_members(households) -> list[Household]:
    """The households again, with what the templates read, in three queries however many."""
    pks = [h.pk for h in households]
    found = (Household.objects.filter(pk__in=pks).select_related("village", "site", "responsible_cadre")
             .prefetch_related("members"))
    return sorted(found, key=lambda h: h.number)


def subject_for(*, household: Household | None = None, households=None,
                site: ResettlementSite | None = None, area: AdminArea | None = None) -> Subject:
    if household is not None:
        household = _with_members([household])[0]
        return Subject(area_code=household.area_code, households=(household,), household=household)
    if site is not None:
        return Subject(area_code=site.area_code, site=site)
    if area is not None and not households:
        # A level's own record (a township's or county's summary): about the area itself.
        return Subject(area_code=area.code, area=area)
    households = tuple(_with_members(households or ()))
    if not households:
        raise ValidationError("请至少选择一户。", code="no_households")
    villages = {h.village_id for h in households}
    if len(villages) != 1:
        raise ValidationError("一份公示只能包含同一个村的搬迁户。", code="mixed_villages")
    village = households[0].village
    return Subject(area_code=village.code, households=households, area=village)


def _check_permission(actor, subject: Subject, doc_type: str) -> None:
    if actor is None:
        return  # the system itself (a timer, a post-commit render); views always pass the user
    perm = ADD_DOCUMENT
    if subject.site is not None:
        require(actor, perm, subject.site)
    if subject.area is not None and not subject.households:
        require(actor, perm, subject.area)
    for household in subject.households:
        require(actor, perm, household)
        require_hosted(actor, perm, household, doc_type, HOSTED_DOCUMENT_TYPES)


def _options_json(options: dict) -> dict:
    def plain(value):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in options.items() if v is not None}


def _options_from_json(spec: DocumentSpec, stored: dict) -> dict:
    options = copy.deepcopy(stored)
    if isinstance(options.get("start_date"), str):
        options["start_date"] = datetime.date.fromisoformat(options["start_date"])
    for s in options.get("signatures") or []:
        if isinstance(s.get("signed_at"), str):
            s["signed_at"] = datetime.date.fromisoformat(s["signed_at"][:10])
    return options


def _content(spec: DocumentSpec, subject: Subject, options: dict) -> dict:
    unknown = set(options) - set(spec.options)
    if unknown:
        raise TypeError(f"{spec.code} takes no option {sorted(unknown)}")
    content = spec.build_context(subject, public=spec.public, **options)
    if spec.public:
        assert_public_context(content)
    return content


def _render_and_store(document: Document, spec: DocumentSpec, content: dict, *, issuer: Issuer,
                      version: int, actor, reason: str, options: dict, written: list[str]) -> DocumentVersion:
    code = new_code()
    url = verify_url(code)
    context = {
        **content,
        "doc": {
            "title": document.title,
            "number": document.number,
            "type_label": spec.label,
            "organ": issuer.organ,
            # 发文机关标志 on one line across the 156 mm text block, at most 二号-ish 24 pt.
            "organ_font_pt": max(12, min(24, 430 // max(len(issuer.organ), 1))),
            "county": issuer.county_name,
            "date": chinese_date(timezone.localtime(document.created_at).date()),
            "created_iso": timezone.localtime(document.created_at).isoformat(timespec="seconds"),
            "version": version,
            "verify_code": display(code),
            "verify_url": url,
            "qr": qr_data_uri(url),
            "public": spec.public,
        },
    }
    html = render_to_string(spec.template, context)
    rendered = render_html(html)
    if rendered.refused:
        raise DocumentRenderError(f"模板引用了不允许的资源：{rendered.refused[0][:80]}")
    digests = digest_bytes(rendered.data)
    name = storage.new_name(storage.DOCUMENTS_PREFIX, document.area_code, "pdf")
    storage.write_once(name, rendered.data)
    written.append(name)
    return DocumentVersion.objects.create(
        document=document,
        version=version,
        area_code=document.area_code,
        storage_name=name,
        size=digests.size,
        sha256=digests.sha256,
        sm3=digests.sm3,
        pages=rendered.pages,
        template_version=spec.template_version,
        verify_code=code,
        contains_unmasked_ids=spec.contains_unmasked_ids,
        reason=reason,
        options=_options_json(options),
        generated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _discard_on_failure(written: list[str]):
    for name in written:
        storage.discard(name)


def generate_document(doc_type: str, *, actor=None, household: Household | None = None, households=None,
                      site: ResettlementSite | None = None, area: AdminArea | None = None, request=None,
                      **options) -> DocumentVersion:
    """Number, render and archive a new document; returns its first version."""
    spec = get_spec(doc_type)
    subject = subject_for(household=household, households=households, site=site, area=area)
    _check_permission(actor, subject, spec.code)
    content = _content(spec, subject, options)  # reads the case before any lock is taken
    issuer = issuer_for(subject.area_code)
    title = spec.title(subject)
    written: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            year = timezone.localtime(now).year
            serial = take_serial(county_code=issuer.county_code, year=year, doc_type=spec.code)
            document = Document.objects.create(
                doc_type=spec.code,
                title=title,
                number=format_number(prefix=issuer.number_prefix, year=year, word=spec.number_word, serial=serial),
                county_code=issuer.county_code,
                year=year,
                serial=serial,
                area_code=subject.area_code,
                household=subject.household,
                site=subject.site,
                issuing_organ=issuer.organ,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=now,
            )
            DocumentHousehold.objects.bulk_create(
                [DocumentHousehold(document=document, household=h) for h in subject.households]
            )
            version = _render_and_store(document, spec, content, issuer=issuer, version=1, actor=actor,
                                        reason="", options=options, written=written)
            record(actor, "document.generate", version, _event_data(version), request)
            touch_households(document.household_id, *(h.pk for h in subject.households))  # API sync clients
    except BaseException:
        _discard_on_failure(written)
        raise
    return version


def regenerate_document(document: Document, *, actor, reason: str, request=None, **options) -> DocumentVersion:
    """A new version of an existing document: same 文号, new PDF, new verification code.
    Options not given are those of the latest version (a notice keeps its period)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("重新生成须填写原因。", code="reason_required")
    spec = get_spec(document.doc_type)
    households = list(document.households.order_by("number"))
    if document.household_id:
        subject = subject_for(household=document.household)
    elif document.site_id:
        subject = subject_for(site=document.site)
    elif not households:
        subject = subject_for(area=AdminArea.objects.get(code=document.area_code))
    else:
        subject = subject_for(households=households)
    _check_permission(actor, subject, spec.code)
    latest = document.versions.order_by("-version").first()
    merged = {**_options_from_json(spec, latest.options if latest else {}), **options}
    content = _content(spec, subject, merged)
    issuer = issuer_for(document.area_code)
    issuer = Issuer(issuer.county_code, issuer.county_name, issuer.short_name, document.issuing_organ,
                    issuer.number_prefix)
    written: list[str] = []
    try:
        with transaction.atomic():
            Document.objects.select_for_update().get(pk=document.pk)  # one new version at a time
            last = document.versions.aggregate(n=Max("version"))["n"] or 0
            version = _render_and_store(document, spec, content, issuer=issuer, version=last + 1, actor=actor,
                                        reason=reason, options=merged, written=written)
            record(actor, "document.regenerate", version, {**_event_data(version), "reason": reason}, request)
            touch_households(document.household_id, *(h.pk for h in households))
    except BaseException:
        _discard_on_failure(written)
        raise
    return version


def _event_data(version: DocumentVersion) -> dict:
    return {
        "number": version.document.number,
        "doc_type": version.document.doc_type,
        "version": version.version,
        "sha256": version.sha256,
        "sm3": version.sm3,
        "size": version.size,
        "template_version": version.template_version,
    }


def record_download(version: DocumentVersion, *, actor, request=None) -> None:
    record(actor, "document.download", version, {
        "number": version.document.number,
        "version": version.version,
        "sha256": version.sha256,
        "unmasked_id_numbers": version.contains_unmasked_ids,
    }, request)


__all__ = ["generate_document", "regenerate_document", "record_download", "subject_for", "DocumentRenderError"]
