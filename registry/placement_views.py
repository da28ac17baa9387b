"""The pages of resettlement across counties (跨县安置, registry/placements.py): county A asks from the
household's page, county A's and county B's 县搬迁办 each approve or refuse on the request's page.
Every read goes through registry.scope (get_household_for; the requests of one's own households or
one's own sites); a read-only post's POST is a 403 before any form is read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from registry import placements
from registry.models import OPEN_STATUSES, PlacementStatus
from registry.roles import ACT_ON_CASES
from registry.scope import get_household_for, post_held

# The capability every post that works cases holds (workflows.acting.ACTING_CAPABILITY; read-only
# posts hold it nowhere) — named here from registry/roles.py, the floor this app stands on.
ACTING = "documents.add_evidence"
assert ACTING in ACT_ON_CASES


def _acting_post(request) -> None:
    if request.method == "POST" and not request.user.has_perm(ACTING):
        raise PermissionDenied("您的岗位为只读岗位，不能办理业务。")


def _refusal(request, exc, template, context):
    if exc.status == 404:
        raise Http404(exc.message)
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    return render(request, template, {**context, "errors": exc.violations}, status=exc.status)


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    rows = list(placements.visible_placements(request.user)
                .select_related("household", "household__village", "site", "site__area")[:200])
    user = request.user
    for row in rows:
        row.my_turn = placements.may_decide_home(user, row) or placements.may_decide_host(user, row)
    return render(request, "registry/placement_list.html", {"rows": rows})


@login_required
def placement_new(request: HttpRequest, pk) -> HttpResponse:
    _acting_post(request)
    household = get_household_for(request.user, pk)
    sites = list(placements.candidate_sites(household))
    context = {"household": household, "sites": sites,
               "open": household.cross_county_placements.filter(status__in=OPEN_STATUSES).select_related("site").first(),
               "may_request": post_held(request.user, placements.REQUEST_ROLES, household.area_code) is not None,
               "values": {"site": request.POST.get("site", ""), "reason": request.POST.get("reason", "")}}
    if request.method != "POST":
        return render(request, "registry/placement_new.html", context)
    try:
        placement = placements.request_placement(actor=request.user, household_id=household.pk,
                                                 site_id=request.POST.get("site"), reason=request.POST.get("reason"),
                                                 request=request)
    except placements.PlacementRefused as exc:
        return _refusal(request, exc, "registry/placement_new.html", context)
    messages.success(request, "已提出跨县安置申请，待迁出县易地扶贫搬迁办公室审批。")
    return redirect("placement_detail", placement.pk)


@login_required
def placement_detail(request: HttpRequest, pk) -> HttpResponse:
    _acting_post(request)
    user = request.user
    try:
        placement = placements.get_placement_for(user, pk)
    except placements.PlacementRefused as exc:
        raise Http404(exc.message)
    context = {"placement": placement, "may_decide": placements.may_decide_home(user, placement)
               or placements.may_decide_host(user, placement),
               "household_visible": user.has_perm("registry.view_household", placement.household),
               "opinion": request.POST.get("opinion", "")}
    if request.method != "POST":
        return render(request, "registry/placement_detail.html", context)
    approve = request.POST.get("decision") == "approve"
    decide = placements.decide_home if placement.status == PlacementStatus.PENDING_HOME else placements.decide_host
    try:
        decide(placement.pk, actor=user, approve=approve, opinion=request.POST.get("opinion"), request=request)
    except placements.PlacementRefused as exc:
        return _refusal(request, exc, "registry/placement_detail.html", context)
    messages.success(request, "已签署意见。")
    return redirect("placement_detail", placement.pk)
