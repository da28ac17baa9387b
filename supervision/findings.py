"""The findings ledger's services (督查问题台账): file → respond → send back → respond → close.

Auditors (audit.view_auditevent over the area) file, send back and close (销号); the officials of
the responsible post in the area respond. Each step is an audit event in the same transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.log import record
from registry.scope import area_q, covers, grants_of

from .models import Finding

AUDIT_PERM = "audit.view_auditevent"


def _role_holds(user, role: str, area_code: str) -> bool:
    return any(area_code.startswith(prefix) for prefix, _ in grants_of(user).get(role, []))


def visible_findings(user):
    """Findings an auditor supervises or a responsible official must answer."""
    q = area_q(user, AUDIT_PERM)
    for role, entries in grants_of(user).items():
        for prefix, _ in entries:
            q |= Q(responsible_role=role, area_code__startswith=prefix)
    return Finding.objects.filter(q)


def file_finding(*, actor, area_code: str, category: str, description: str, responsible_role: str, deadline,
                 household=None, site=None, request=None) -> Finding:
    if not covers(actor, AUDIT_PERM, area_code):
        raise PermissionDenied("只有本辖区的督查人员可以登记问题。")
    with transaction.atomic():
        finding = Finding.objects.create(
            area_code=area_code, category=category, description=description.strip(),
            responsible_role=responsible_role, deadline=deadline, filed_by=actor,
            household_id=household.pk if household else None, site_id=site.pk if site else None)
        record(actor, "finding.file", finding, {"category": category, "responsible_role": responsible_role,
                                                "deadline": deadline, "description": finding.description},
               request=request)
    return finding


def respond(finding_id, *, actor, text: str, request=None) -> Finding:
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding_id)
        if not _role_holds(actor, finding.responsible_role, finding.area_code):
            raise PermissionDenied("只有责任单位的人员可以反馈整改情况。")
        if finding.status == Finding.Status.CLOSED:
            raise PermissionDenied("该问题已销号。")
        finding.response = text.strip()
        finding.status = Finding.Status.RESPONDED
        finding.save(update_fields=["response", "status"])
        record(actor, "finding.respond", finding, {"response": finding.response}, request=request)
    return finding


def review(finding_id, *, actor, accept: bool, reason: str = "", request=None) -> Finding:
    """销号 (accept) or send back (退回重新整改)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding_id)
        if not covers(actor, AUDIT_PERM, finding.area_code):
            raise PermissionDenied("只有督查人员可以销号或退回。")
        if finding.status != Finding.Status.RESPONDED:
            raise PermissionDenied("责任单位尚未反馈整改情况。")
        finding.status = Finding.Status.CLOSED if accept else Finding.Status.OPEN
        finding.closed_at = timezone.now() if accept else None
        finding.save(update_fields=["status", "closed_at"])
        record(actor, "finding.close" if accept else "finding.send_back", finding, {"reason": reason},
               request=request)
    return finding
