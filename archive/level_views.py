"""Generating a village's, township's or county's own record (workflows/records/level.py
and ledgers.py) from the archive: the official picks the record and the period; it is numbered,
rendered and filed into the level's file like every document."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from documents.permissions import ADD_DOCUMENT
from documents.services import DocumentRenderError, generate_document
from registry.models import AdminArea
from registry.scope import area_q
from workflows.records.level import LEVEL_RECORDS, check_request

from .models import ArchiveItem


def _area_for(user, code: str) -> AdminArea:
    code = "".join(ch for ch in code if ch.isdigit())[:12]
    try:
        return AdminArea.objects.filter(area_q(user, ADD_DOCUMENT, field="code")).get(code=code)
    except AdminArea.DoesNotExist:
        raise Http404("未找到该记录，或不在您的管辖范围内。")


def _date(raw: str):
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@login_required
def level_record_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not request.user.has_perm(ADD_DOCUMENT):
        # A read-only post (auditors, re-inspection teams) writes nothing anywhere: 403 before the form.
        raise PermissionDenied("您的岗位为只读岗位，不能办理业务。")
    area = _area_for(request.user, request.POST.get("area") or request.GET.get("area", ""))
    choices = [r for r in LEVEL_RECORDS.values() if r.level == area.level]
    if not choices:
        raise Http404("该层级没有本级汇总文书。")
    today = timezone.localdate()
    form = {"kind": choices[0].code, "date_from": today.replace(month=1, day=1).isoformat(),
            "date_to": today.isoformat()}
    errors: list[str] = []
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in ("kind", "date_from", "date_to")}
        date_from, date_to = _date(form["date_from"]), _date(form["date_to"])
        if form["kind"] not in {r.code for r in choices}:
            errors.append("请选择本层级的汇总文书。")
        else:
            errors = check_request(form["kind"], area, date_from, date_to)
        if not errors:
            try:
                version = generate_document(form["kind"], actor=request.user, area=area, request=request,
                                            date_from=date_from, date_to=date_to)
            except PermissionDenied:
                raise
            except (ValidationError, DocumentRenderError) as error:
                errors.append(getattr(error, "message", None) or str(error))
            else:
                return redirect("archive:file_detail", pk=ArchiveItem.objects.get(document_version=version).file_id)
    return render(request, "archive/level_record_new.html", {
        "area": area, "choices": choices, "form": form, "errors": errors,
    }, status=400 if errors else 200)
