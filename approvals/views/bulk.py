"""Bulk approval: a confirmation page that lists exactly what will change, then each household
decided on its own (approvals/bulk.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import bulk


def _ids(request):
    return [int(x) for x in request.POST.getlist("task") if x.isdigit()]


@login_required
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    ids = _ids(request)
    back = request.POST.get("back") or ""
    if not ids:
        messages.error(request, "请先勾选要批量办理的任务。")
        return redirect(back if back.startswith("/") and not back.startswith("//") else "approvals:inbox")
    default_opinion = (request.POST.get("opinion") or "").strip() or "经审核，同意。"
    if request.POST.get("confirm") != "1":
        rows = bulk.plan(request.user, ids)
        return render(request, "approvals/bulk_confirm.html", {
            "rows": rows, "ready": [r for r in rows if r.ready], "blocked": [r for r in rows if not r.ready],
            "opinion": default_opinion, "back": back,
        })
    items = []
    for task_id in ids:
        opinion = (request.POST.get(f"opinion_{task_id}") or "").strip() or default_opinion
        items.append((task_id, opinion))
    results = bulk.execute(request.user, items, request=request)
    done = sum(1 for r in results if r.ok)
    if done:
        messages.success(request, f"批量办理完成：{done}户已同意。")
    if len(results) - done:
        messages.warning(request, f"{len(results) - done}户未办理（原因见下表）。")
    return render(request, "approvals/bulk_done.html", {"results": results, "back": back})
