"""The site page's entry forms: progress reports, funds arrived and paid out, households'
self-funds. Each one:

- fetches the site through `registry.scope.get_site_for` (404 outside the user's scope);
- asks the services' own role check before reading any upload (403 for a post that may not);
- files the uploaded photos or voucher into the evidence store and calls the service in one
  transaction, so a refusal stores nothing (the rows roll back, the written files are discarded);
- re-renders the site page with the input kept and the service's Chinese messages next to their
  fields, or redirects back to the page with a success message (the services write the audit event).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from documents import storage
from documents.evidence.services import ingest_evidence
from documents.models import EvidenceKind
from registry.models import Household, HouseholdStage
from registry.roles import ROLES
from registry.scope import NOTHING, get_household_for, get_site_for, post_q
from registry.views import household_rows
from workflows import acting
from workflows.models import SelfFundKind, SiteProject
from workflows.sites import (
    funds as site_funds,
)
from workflows.sites import (
    progress as site_progress,
)
from workflows.sites import (
    stages as site_stages,
)
from workflows.sites.funds import money

from ..forms import add_violations
from ..site_forms import ArrivalForm, DisbursementForm, ProgressReportForm, SelfFundsForm
from . import refusal_status
from .batches import new_token, use_token

# What each form does, as the services name it in their refusals ("…须由…办理").
PROGRESS, ARRIVAL, DISBURSEMENT, SELF_FUNDS = "报告建设进度", "登记资金到位", "登记资金拨付", "登记户自筹资金"
FORMS = {"progress": ProgressReportForm, "arrival": ArrivalForm}
HOUSEHOLD_CHOICES_CAP = 2000


# --- what the page offers -------------------------------------------------------------------

def self_funds_households(user, site):
    """The site's households the user may book self-funds for: in the user's reading scope, under
    a grant of one of SELF_FUNDS_ROLES (the service's own rule, on the household's area)."""
    q = NOTHING
    for role in site_stages.SELF_FUNDS_ROLES:
        q |= post_q(user, role)
    return (Household.objects.visible_to(user).filter(site=site).filter(q)
            .exclude(stage=HouseholdStage.REMOVED))


def entry_forms(request, site, bound=None) -> dict:
    """The forms the user may fill in on this site now (a bound one kept after a refusal)."""
    user, bound = request.user, bound or {}
    offered = []
    if site.stage in site_progress.REPORTING_STAGES and acting.acting_role(user, site_stages.PROGRESS_ROLES, site):
        offered.append("progress")
    if acting.acting_role(user, site_stages.FUNDS_ROLES, site):
        offered.append("arrival")
        if site_stages.reached(site.stage, site_stages.T.TENDER):
            offered.append("disbursement")
    households = list(household_rows(self_funds_households(user, site))[:HOUSEHOLD_CHOICES_CAP])
    if households or "self_funds" in bound:
        offered.append("self_funds")
    if not offered:
        return {}  # read-only and other posts: no token, no session write
    token = new_token(request)
    for key, kept in bound.items():
        # The refused submission used its token up; the corrected form is sent with a new one.
        data = kept.data.copy()
        data[f"{key}-token"] = token
        kept.data = data
    initial = {"token": token}
    found = {}
    for key in offered:
        if key in bound:
            found[key] = bound[key]
        elif key == "self_funds":
            found[key] = SelfFundsForm(prefix=key, initial=initial, households=households)
        elif key == "disbursement":
            # The contractor of the tender step is the usual payee.
            contractor = SiteProject.for_site(site).contractor
            found[key] = DisbursementForm(prefix=key, initial={**initial, "payee": contractor})
        else:
            found[key] = FORMS[key](prefix=key, initial=initial)
    return found


# --- filing uploads with the entry ----------------------------------------------------------

class Filing:
    """Uploads filed as evidence inside the entry's transaction; if the entry is refused the
    transaction rolls the rows back and `discard` removes the files already written."""

    def __init__(self, request):
        self.request, self.names = request, []

    def file(self, upload, *, kind, site=None, household=None, description=""):
        subject = site or household
        evidence = ingest_evidence(actor=self.request.user, upload=upload, stage=subject.stage, kind=kind,
                                   site=site, household=household, description=description, request=self.request)
        self.names.append(evidence.storage_name)
        return evidence

    def discard(self):
        for name in self.names:
            storage.discard(name)
        self.names = []


def _refuse_early(user, site, roles, what):
    """The services' role check, before any upload is read: 404 or 403 as the service would."""
    try:
        acting.require_site_role(user, site, roles, what)
    except acting.OutOfScope as exc:
        raise Http404(exc.message)
    except acting.NotPermitted as exc:
        raise PermissionDenied(exc.message)


def _page(request, site, key, form, status=400):
    from .site import _context  # the page this form belongs to; site.py imports entry_forms from here

    return render(request, "approvals/site.html", _context(request, site, entry_bound={key: form}), status=status)


def _run(request, site, key, form, book):
    """Book the entry; on a refusal answer as the service says (403, 404, 409) or re-render."""
    filing = Filing(request)
    try:
        with transaction.atomic():
            return book(filing), None
    except ValidationError as exc:  # the evidence store refused an upload (type, size, name)
        filing.discard()
        field = "photos" if "photos" in form.fields else "voucher"
        form.add_error(field, exc)
        return None, _page(request, site, key, form)
    except acting.Refused as exc:
        filing.discard()
        status = refusal_status(exc)
        if status == 404:
            raise Http404(exc.message)
        if status == 403:
            raise PermissionDenied(exc.message)
        add_violations(form, exc.violations)
        return None, _page(request, site, key, form, status=status)
    except BaseException:
        filing.discard()
        raise


def _submitted(request, site, key, form):
    """None when the form may go to the service, else the answer (a repeated page, bad input)."""
    if not use_token(request, request.POST.get(f"{key}-token", "")):
        messages.info(request, "该表单已经提交过，或页面已过期，本次提交未登记。请核对下方记录后再填报。")
        return redirect("approvals:site", pk=site.pk)
    if not form.is_valid():
        return _page(request, site, key, form)
    return None


def _bound(request, site, key, cls, roles, what):
    """The submitted form, or a response when it is refused before the service is asked."""
    _refuse_early(request.user, site, roles, what)
    form = cls(request.POST, request.FILES, prefix=key)
    return form, _submitted(request, site, key, form)


# --- the four forms ---------------------------------------------------------------------------

@login_required
@require_POST
def site_progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    form, answer = _bound(request, site, "progress", ProgressReportForm, site_stages.PROGRESS_ROLES, PROGRESS)
    if answer:
        return answer
    data = form.cleaned_data

    def book(filing):
        photos = [filing.file(photo, kind=EvidenceKind.SITE_PROGRESS_PHOTO, site=site,
                              description=f"{data['reported_on']:%Y-%m-%d} 建设进度")
                  for photo in data["photos"]]
        return site_progress.report_progress(site.pk, actor=request.user, reported_on=data["reported_on"],
                                             percent=data["percent"], milestone=data["milestone"],
                                             note=data["note"], photos=photos, request=request)

    report, answer = _run(request, site, "progress", form, book)
    if answer:
        return answer
    messages.success(request, f"已登记{report.reported_on:%Y年%m月%d日}的进度报告：形象进度{report.percent.normalize():f}%。")
    for late in site_progress.late_milestones(get_site_for(request.user, pk)):
        messages.warning(request, f"预警：{late.message}")
    return redirect("approvals:site", pk=site.pk)


@login_required
@require_POST
def site_funds_arrival(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    form, answer = _bound(request, site, "arrival", ArrivalForm, site_stages.FUNDS_ROLES, ARRIVAL)
    if answer:
        return answer
    data = form.cleaned_data

    def book(filing):
        voucher = filing.file(data["voucher"], kind=EvidenceKind.FUND_VOUCHER, site=site,
                              description=" ".join(filter(None, ["资金到位", data["document_number"]])))
        return site_funds.record_arrival(site.pk, actor=request.user, amount=data["amount"],
                                         entry_date=data["entry_date"], source=data["source"], voucher=voucher,
                                         note=data["note"], document_number=data["document_number"],
                                         request=request)

    entry, answer = _run(request, site, "arrival", form, book)
    if answer:
        return answer
    messages.success(request, f"已登记资金到位{money(entry.amount)}元（{entry.get_source_display()}）。")
    return redirect("approvals:site", pk=site.pk)


@login_required
@require_POST
def site_funds_disbursement(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    form, answer = _bound(request, site, "disbursement", DisbursementForm, site_stages.FUNDS_ROLES, DISBURSEMENT)
    if answer:
        return answer
    data = form.cleaned_data

    def book(filing):
        voucher = filing.file(data["voucher"], kind=EvidenceKind.FUND_VOUCHER, site=site,
                              description=f"资金拨付 {data['payee']}"[:200])
        return site_funds.record_disbursement(site.pk, actor=request.user, amount=data["amount"],
                                              entry_date=data["entry_date"], payee=data["payee"],
                                              purpose=data["purpose"], voucher=voucher, note=data["note"],
                                              request=request)

    entry, answer = _run(request, site, "disbursement", form, book)
    if answer:
        return answer
    messages.success(request, f"已登记资金拨付{money(entry.amount)}元（{entry.payee}）。")
    return redirect("approvals:site", pk=site.pk)


@login_required
@require_POST
def site_self_funds(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    # The post is checked on the household (the service's rule); no site-level post is needed, but
    # a user who may book for none of the site's households is refused before any upload is read.
    households = list(household_rows(self_funds_households(request.user, site)))
    if not households:
        names = "、".join(ROLES[r].label for r in site_stages.SELF_FUNDS_ROLES)
        raise PermissionDenied(f"“{SELF_FUNDS}”须由本辖区的{names}办理，您的岗位无权办理。")
    form = SelfFundsForm(request.POST, request.FILES, prefix="self_funds", households=households)
    answer = _submitted(request, site, "self_funds", form)
    if answer:
        return answer
    data = form.cleaned_data
    household = get_household_for(request.user, data["household"])
    if household.site_id != site.pk:
        raise Http404("未找到该搬迁户，或不在您的管辖范围内。")

    def book(filing):
        voucher = filing.file(data["voucher"], kind=EvidenceKind.SELF_FUNDS_RECEIPT, household=household,
                              description=f"户自筹资金{SelfFundKind(data['kind']).label}")
        return site_funds.record_self_funds(household.pk, actor=request.user, kind=data["kind"],
                                            amount=data["amount"], entry_date=data["entry_date"], voucher=voucher,
                                            purpose=data["purpose"] if data["kind"] == SelfFundKind.USED else "",
                                            note=data["note"], request=request)

    entry, answer = _run(request, site, "self_funds", form, book)
    if answer:
        return answer
    messages.success(request, f"已登记{household.number}户自筹资金{entry.get_kind_display()}{money(entry.amount)}元。")
    return redirect("approvals:site", pk=site.pk)
