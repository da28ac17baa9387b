"""待生成文书: the documents committed moves still owe in the user's areas (rendering pending,
waiting for a retry, or failed), with 重新生成 — the county's list of what the outbox
(workflows/outbox.py) has not delivered yet; the case and site pages show their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from documents.models import RenderOrder
from documents.permissions import ADD_DOCUMENT, READ_HOUSEHOLD
from documents.types import label_of
from registry.scope import area_q
from workflows import outbox

LIMIT = 500


@login_required
@require_GET
def owed_list(request):
    rows = (RenderOrder.objects.filter(area_q(request.user, READ_HOUSEHOLD))
            .exclude(status=RenderOrder.Status.DONE).select_related("household", "site").order_by("id")[:LIMIT])
    orders = [(o, label_of(o.doc_type), request.user.has_perm(ADD_DOCUMENT, o)) for o in rows]
    return render(request, "approvals/owed_documents.html", {"orders": orders, "limit": LIMIT})


@login_required
@require_POST
def owed_regenerate(request, pk):
    order = RenderOrder.objects.filter(area_q(request.user, READ_HOUSEHOLD), pk=pk).first()
    if order is None:
        raise Http404("未找到该待生成文书，或不在您的管辖范围内。")
    if not request.user.has_perm(ADD_DOCUMENT, order):
        messages.error(request, "您的岗位无权生成该文书。")
    else:
        done = outbox.regenerate(order, actor=request.user, request=request)
        if done is None:
            messages.info(request, f"{label_of(order.doc_type)}已生成，无须重新生成。")
        elif done.status == RenderOrder.Status.DONE:
            messages.success(request, f"{label_of(order.doc_type)}已重新生成。")
        else:
            messages.error(request, f"{label_of(order.doc_type)}仍未能生成，已记录错误，请联系系统管理员。")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else "approvals:owed_documents")
