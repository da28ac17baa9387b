"""A site's hazard register page (安置点隐患排查台账): the site's hazards with their steps and photos,
filing one, its rectification plan and its closing. The site is read through registry.scope
(get_site_for: 404 outside the user's areas); the services decide who may act (403) and refuse in
Chinese (400); nothing is stored when something is wrong."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.log import record
from documents import storage
from registry.scope import get_object_for, get_site_for
from workflows.acting import Refused
from workflows.models.sites import SiteProject

from . import hazards
from .forms import HazardCloseForm, HazardForm, HazardPlanForm, add_violations
from .models import HazardPhoto, SiteHazard

VIEW_SITE = "registry.view_resettlementsite"


def _page(request, site, status=200, **forms):
    items = (SiteHazard.objects.filter(site=site).prefetch_related("steps__photos", "steps__actor")
             .order_by("-found_on", "-id"))
    return render(request, "aftercare/site_safety.html", {
        "site": site, "hazards": items,
        # 一人、一图、一表、一中心 (001): the site's leading industry, service centre and 后扶专干.
        "project": SiteProject.objects.select_related("follow_up_officer").filter(site=site).first(),
        "hazard_form": forms.get("hazard_form") or HazardForm(),
        "plan_form": forms.get("plan_form") or HazardPlanForm(),
        "close_form": forms.get("close_form") or HazardCloseForm(),
        "failed": forms.get("failed"),
    }, status=status)


@login_required
@require_GET
def site_safety(request, pk):
    return _page(request, get_site_for(request.user, pk))


def _handle(request, site, form, name, act, done, failed=None):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except Refused as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            add_violations(form, exc.violations)
        else:
            messages.success(request, done)
            return redirect("aftercare:site_safety", pk=site.pk)
    return _page(request, site, status=400, **{name: form, "failed": failed})


@login_required
@require_POST
def hazard_new(request, pk):
    site = get_site_for(request.user, pk)
    form = HazardForm(request.POST, request.FILES)
    return _handle(request, site, form, "hazard_form",
                   lambda d: hazards.file_hazard(actor=request.user, site=site, request=request, **d),
                   "已登记隐患。")


def _hazard(request, pk):
    return get_object_for(request.user, SiteHazard.objects.select_related("site"), pk, view_perm=VIEW_SITE)


@login_required
@require_POST
def hazard_plan(request, pk):
    hazard = _hazard(request, pk)
    form = HazardPlanForm(request.POST)
    return _handle(request, hazard.site, form, "plan_form",
                   lambda d: hazards.plan_rectification(hazard.pk, actor=request.user, request=request, **d),
                   "已制定整改方案。", failed=hazard.pk)


@login_required
@require_POST
def hazard_close(request, pk):
    hazard = _hazard(request, pk)
    form = HazardCloseForm(request.POST, request.FILES)
    return _handle(request, hazard.site, form, "close_form",
                   lambda d: hazards.close_hazard(hazard.pk, actor=request.user, request=request, **d),
                   "隐患已整改销号。", failed=hazard.pk)


@login_required
@require_GET
def hazard_photo(request, pk):
    """A hazard photo, opened through the site's scope; each download is an audit event on the site."""
    photo = get_object_for(request.user, HazardPhoto.objects.select_related("step__hazard__site"), pk,
                           view_perm=VIEW_SITE)
    hazard = photo.step.hazard
    record(request.user, "aftercare.hazard_photo_download", hazard.site,
           {"hazard": hazard.pk, "original_name": photo.original_name, "sha256": photo.sha256}, request)
    return FileResponse(storage.open_stored(photo.storage_name), content_type=photo.content_type)
