"""The chokepoints of this app (docs/style.md): every view fetches documents and evidence here,
through registry.scope.get_object_for — 404 outside the user's scope, 403 without the write
capability where the case is readable."""

from django.http import Http404

from documents.models import Document, DocumentVersion, Evidence
from documents.permissions import read_perm
from registry.scope import get_object_for


def _is_site(model, pk) -> bool:
    try:
        site_id = model.objects.filter(pk=pk).values_list("site_id", flat=True).first()
    except (ValueError, TypeError):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    return site_id is not None


def get_evidence_for(user, pk, perm: str | None = None) -> Evidence:
    qs = Evidence.objects.select_related("household", "site", "uploaded_by", "withdrawn_by", "corrects")
    return get_object_for(user, qs, pk, perm, view_perm=read_perm(is_site=_is_site(Evidence, pk)), hosted=True)


def get_document_for(user, pk, perm: str | None = None) -> Document:
    qs = Document.objects.select_related("household", "site")
    return get_object_for(user, qs, pk, perm, view_perm=read_perm(is_site=_is_site(Document, pk)), hosted=True)


def get_version_for(user, pk) -> DocumentVersion:
    document_id = DocumentVersion.objects.filter(pk=pk).values_list("document_id", flat=True).first()
    is_site = document_id is not None and _is_site(Document, document_id)
    return get_object_for(user, DocumentVersion.objects.select_related("document"), pk,
                          view_perm=read_perm(is_site=is_site), hosted=True)
