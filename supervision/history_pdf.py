"""A case's history as a PDF through the documents engine (documents.pdf.render_html), with a QR
code and a verification code on every page.

Not a registered document type: an export is not an official document, takes no 文号 (a number
spent on every auditor's printout would leave the county's 文号 sequence meaningless) and is not
archived. Its proof is the audit chain instead: the export is an audit event holding the code,
the SHA-256 of the entries printed and the id and hash of the last event the history had read.
The QR code points to /supervision/exports/<code>/, a page inside the system (login and the case's
scope required: the history of a household is not for the public) that shows that event.
"""

import hashlib
import json

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.log import record
from audit.models import AuditEvent
from documents.issuers import issuer_for
from documents.pdf import render_html
from documents.verification import display, new_code, qr_data_uri

from .timeline import KIND_LABELS

EXPORT_ACTION = "supervision.history_pdf"


def entries_digest(entries) -> str:
    """SHA-256 of the entries as printed (time, action, actor, post, address, content)."""
    rows = [[e.at.isoformat(), e.action, e.actor, e.role, e.ip, e.text] for e in entries]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def check_url(code: str) -> str:
    return settings.DOCUMENTS_PUBLIC_BASE_URL.rstrip("/") + reverse("supervision:export_check", args=[code])


def history_pdf(case, *, subject: str, entries, actor, filters: dict, request=None) -> tuple[bytes, AuditEvent]:
    code = new_code()
    last = AuditEvent.objects.order_by("-id").values("id", "hash").first() or {"id": None, "hash": ""}
    digest = entries_digest(entries)
    now = timezone.now()
    html = render_to_string("supervision/pdf/history.html", {
        "subject": subject, "entries": entries, "organ": issuer_for(case.area_code).organ,
        "exported_at": now, "actor": actor, "filters": filters, "digest": digest, "chain": last,
        "verify_code": display(code), "qr": qr_data_uri(check_url(code)),
        "kind_labels": [KIND_LABELS.get(k, k) for k in filters.get("kinds") or []],
    })
    rendered = render_html(html)
    if rendered.refused:
        raise ValueError(f"模板引用了不允许的资源：{rendered.refused[0][:80]}")
    event = record(actor, EXPORT_ACTION, case, {
        "code": code, "subject": subject, "entries": len(entries), "entries_sha256": digest,
        "pdf_sha256": hashlib.sha256(rendered.data).hexdigest(), "pages": rendered.pages,
        "chain_event": last["id"], "chain_hash": last["hash"], **filters,
    }, request=request)
    return rendered.data, event
