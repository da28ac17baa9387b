"""The pages officials read outside the admin: home, households, sites, and the audited reveal of a
full ID number.

Every list starts from `visible_to(user)` and every detail goes through a `registry.scope`
chokepoint (404 outside the user's scope); no view filters by area itself.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from audit.log import record
from registry.reads import record_auditor_read
from registry import editing, placements, policy
from registry.forms import HouseholdSearchForm
from registry.idnumbers import mask_id_number
from registry.models import Household, Member, Relation, ResettlementSite
from registry.scope import get_household_for, get_site_for, post_held, roles_and_areas

PAGE_SIZE = 50


def household_rows(queryset):
    """What a household table shows, in a constant number of queries whatever the page size."""
    head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("name")[:1]
    return queryset.select_related("village").annotate(head_name=Subquery(head)).order_by("number")


def paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    households = household_rows(Household.objects.visible_to(request.user))
    return render(request, "registry/home.html", {
        "roles": roles_and_areas(request.user),
        "page": paginate(request, households),
    })


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """All households in scope, or those matching a household number (leading digits) or a full
    ID number. The search box posts, so an ID number never ends up in a URL (nor in access logs);
    a number search is redirected to a plain ?q= address that can be paged and bookmarked."""
    households = Household.objects.visible_to(request.user)
    searched_id = ""
    data = request.POST if request.method == "POST" else (request.GET if "q" in request.GET else None)
    form = HouseholdSearchForm(data)
    if data is not None:
        if not form.is_valid():
            households = households.none()
        elif form.kind == "number" and request.method == "POST":
            return redirect(f"{reverse('household_list')}?{urlencode({'q': form.cleaned_data['q']})}")
        elif form.kind == "number":
            households = households.filter(number__startswith=form.cleaned_data["q"])
        else:
            searched_id = mask_id_number(form.cleaned_data["q"])
            matches = Member.find_by_id_number(form.cleaned_data["q"]).values("household_id")
            households = households.filter(pk__in=matches)
            form = HouseholdSearchForm()  # the full number is not echoed back into the page
    return render(request, "registry/household_list.html", {
        "form": form,
        "searched_id": searched_id,
        "searching": data is not None,
        "page": paginate(request, household_rows(households)),
        "can_add": request.user.has_perm("registry.add_household"),
    })


@login_required
def household_detail(request: HttpRequest, pk) -> HttpResponse:
    household = get_household_for(request.user, pk, hosted=True)
    record_auditor_read(request, household, "household.view")
    members = list(household.members.all())
    violations = policy.check_household(household, members)
    user = request.user
    return render(request, "registry/household_detail.html", {
        "household": household,
        "members": members,
        "head": next((m for m in members if m.relation == Relation.HEAD), None),
        "errors": [v for v in violations if v.blocking],
        "warnings": [v for v in violations if not v.blocking],
        "can_reveal": user.has_perm("registry.reveal_idnumber", household),
        # The entry page while the registry facts may still change (registry/editing.py); the admin
        # stays for superusers.
        "can_edit": editing.registry_editable(household.stage) and user.has_perm("registry.change_household",
                                                                                 household),
        "can_admin": user.is_superuser,
        # 跨县安置 (registry/placements.py): the requests of this household, and the way to ask.
        "placements": household.cross_county_placements.select_related("site", "site__area"),
        "can_request_cross_county": (household.stage not in placements.SETTLED
                                     and post_held(user, placements.REQUEST_ROLES, household.area_code) is not None),
    })


@login_required
@require_POST
def member_reveal_id(request: HttpRequest, pk, member_pk) -> HttpResponse:
    """The full ID number of one member, for a post that may see it; each use is an audit event."""
    household = get_household_for(request.user, pk, "registry.reveal_idnumber")
    member = household.members.filter(pk=member_pk).first()
    if member is None:
        raise Http404("未找到该家庭成员。")
    with transaction.atomic():
        record(request.user, "member.reveal_id", member, {
            "household": household.number, "member": member.name, "id_number": member.id_number_masked,
        }, request=request)
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"id_number": member.id_number})
    else:
        response = render(request, "registry/reveal_id.html", {"household": household, "member": member})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    sites = ResettlementSite.objects.visible_to(request.user).select_related("area").order_by("code")
    return render(request, "registry/site_list.html", {"page": paginate(request, sites)})


@login_required
def site_detail(request: HttpRequest, pk) -> HttpResponse:
    site = get_site_for(request.user, pk)
    households = household_rows(Household.objects.visible_to(request.user).filter(site=site))
    return render(request, "registry/site_detail.html", {"site": site, "page": paginate(request, households)})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded in the audit log (never the password itself)."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record(self.request.user, "auth.password_change", self.request.user, {}, request=self.request)
        return response
