"""The cockpit (the home page of county, township and village posts) and the drill-down lists
behind its figures.

The area asked for (`?area=<12-digit code>`) must lie in the user's scope (404 otherwise, never
confirming it exists); every count and list starts from the scoped rows (monitoring/figures.py
`rows`, over registry/scope.py), so a township post asking for its county still sees only its
township.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from documents.models import Document
from documents.permissions import ADD_DOCUMENT
from registry import views as registry_views
from registry.models import AdminArea, HouseholdStage, Member
from registry.models.areas import LEVEL_ORDER
from registry.roles import ROLES
from registry.scope import area_q, roles_and_areas
from workflows.acting import ACTING_CAPABILITY, post_requires_acting
from workflows.households.deadlines import overdue_q
from workflows.models.sites import FundEntry, FundKind

from . import bulletin, daily, exports, ledger_exports, ledgers, tallies, tasks
from . import cockpit as facts
from .figures import (
    HOUSEHOLD,
    HOUSEHOLD_PERM,
    PERSON,
    SITE,
    area_of_prefix,
    home_area,
    in_scope,
    listed,
    rows,
)
from .indicators import FIVE_RATES, INDICATORS, measure
from .models import LedgerExport
from .rankings import rankings
from .snapshots import history, last_week, series

CHART_DAYS = 30

PAGE_SIZE = 50


class BulletinForm(forms.Form):
    week_end = forms.DateField(label="通报周的最后一天（周日）", required=False,
                               help_text="不填则为上一个完整的周（周一至周日）。",
                               error_messages={"invalid": "日期格式须为 YYYY-MM-DD。"})

    def clean_week_end(self):
        value = self.cleaned_data["week_end"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("通报周不能晚于今天。")
        return value


def area_for(request: HttpRequest) -> AdminArea | None:
    """The area asked for, if the user's scope covers it (404 otherwise); else the user's own."""
    code = request.GET.get("area", "")
    if not code:
        return home_area(request.user)
    area = AdminArea.objects.filter(code=code).first() if code.isdigit() and len(code) == 12 else None
    if area is None or not in_scope(request.user, area):
        raise Http404("未找到该区划，或不在您的管辖范围内。")
    return area


def trail(user, area: AdminArea) -> list[AdminArea]:
    """The areas from the widest the user reads down to `area` (the drill-down's way back)."""
    codes = [area.code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)][: LEVEL_ORDER.index(area.level) + 1]
    found = {a.code: a for a in AdminArea.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found and in_scope(user, found[c])]


def list_url(area: AdminArea, **params) -> str:
    return f"{reverse('monitoring:list')}?{urlencode({'area': area.code, **params})}"


class Window:
    """One page of the area's households without counting them all (at 1 M households the COUNT
    alone would cost as much as the cockpit's figures): the page's rows and whether more follow.
    Shaped like a Page for registry/_household_table.html; the total is the tally's."""

    def __init__(self, queryset, number: str | None, total: int):
        self.number = int(number) if (number or "").isdigit() and int(number) > 0 else 1
        found = list(queryset[(self.number - 1) * PAGE_SIZE: self.number * PAGE_SIZE + 1])
        self.object_list = found[:PAGE_SIZE]
        self.has_next = len(found) > PAGE_SIZE
        self.has_previous = self.number > 1
        self.total = total
        self.paginator = None  # no "第 N / M 页" line: the cockpit prints its own

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The cockpit: rates for the area and each area one level down, stages, overdue steps, slow
    sites, open findings and targets — from the tally, with the time it was counted. A user without
    any area gets the plain home page."""
    area = area_for(request)
    if area is None:
        return registry_views.home(request)
    user = request.user
    figures, read = tallies.breakdown_for(area, user)
    totals = read.total()
    ranked = rankings(figures.children, last_week([c.prefix for c in figures.children if c.area]))
    counts = facts.stage_counts(totals)
    slow_count, slow = facts.slow_site_rows(user, area.prefix)
    targets = facts.targets()
    target_rows = [
        (t, [(a, a.figure(t.indicator_code), t.gap(a.figure(t.indicator_code)))
             for a in [figures.area, *[c for c in figures.children if c.area is not None]]])
        for t in targets
    ]
    snapshots = history(area.code, CHART_DAYS)
    return render(request, "monitoring/cockpit.html", {
        "area": area,
        "trail": trail(user, area),
        "figures": figures,
        "taken_at": read.taken_at,
        "tally_minutes": tallies.minutes(),
        "may_refresh": may_refresh(user, area),
        "indicators": INDICATORS,
        "stage_counts": counts,
        "overdue_total": sum(c.overdue for c in counts),
        "overdue_by_post": facts.overdue_by_post(totals),
        "escalations": facts.escalations(area.prefix),
        "slow_count": slow_count,
        "slow_sites": slow,
        "findings": facts.open_findings(user, area.prefix),
        "target_rows": target_rows,
        "score_ranking": ranked[0],
        "chart_data": chart_data(figures, snapshots),
        "history": snapshots,
        # What the plain home page showed, kept below the figures: the posts, and the households
        # (one page at a time, without counting them all).
        "roles": roles_and_areas(user),
        "page": Window(registry_views.household_rows(rows(HOUSEHOLD, user).filter(area_code__startswith=area.prefix)),
                       request.GET.get("page"), sum(c.count for c in counts)),
    })


def may_refresh(user, area) -> bool:
    """立即更新: a post that acts over the area (not a read-only one such as an auditor's)."""
    return user.has_perm(ACTING_CAPABILITY) and in_scope(user, area)


@login_required
@post_requires_acting
def refresh(request: HttpRequest) -> HttpResponse:
    """立即更新: count the area's figures again now (a Celery task; the page shows the new time
    once done)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    tasks.refresh_tallies.delay(area.prefix)
    messages.success(request, f"已开始重新统计{area.name}的数字，完成后刷新本页即可看到新的统计时间。")
    return redirect(f"{reverse('home')}?{urlencode({'area': area.code})}")


def chart_data(figures, snapshots) -> dict:
    """What the two charts draw (the tables beside them print the same figures)."""
    children = [c for c in figures.children if c.area is not None]
    return {
        "trend": series(snapshots),
        "areas": {
            "names": [c.name for c in children],
            "rates": [{"code": i.code, "name": i.name,
                       "values": [float(c.figure(i.code).percent) if c.figure(i.code).percent is not None else None
                                  for c in children]} for i in FIVE_RATES],
        },
    }


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    """The areas one level down ranked on the combined score and on each rate, with the change
    since last week."""
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    figures, read = tallies.breakdown_for(area, request.user)
    ranked = rankings(figures.children, last_week([c.prefix for c in figures.children if c.area]))
    return render(request, "monitoring/rankings.html", {
        "area": area, "trail": trail(request.user, area), "rankings": ranked, "taken_at": read.taken_at,
    })


@login_required
def drill(request: HttpRequest) -> HttpResponse:
    """The households or sites behind one figure of one area: `measure=<key>` (a side of a rate),
    or `stage=<code>` with `overdue=1` for the stage counts, or `slow=1` for the slow sites."""
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    user = request.user
    key, stage = request.GET.get("measure", ""), request.GET.get("stage", "")
    overdue, slow = request.GET.get("overdue") == "1", request.GET.get("slow") == "1"
    own = request.GET.get("own") == "1"  # rows registered on the area itself, not below it
    post = request.GET.get("post", "")  # with overdue=1: the post of the open step ("none": no open task)
    m = measure(key) if key else None
    if key and m is None or stage and stage not in HouseholdStage.values or post and not (
            overdue and (post == "none" or post in ROLES)):
        raise Http404("未找到该指标。")
    params = {k: v for k, v in (("measure", key), ("stage", stage), ("overdue", "1" if overdue else ""),
                                ("post", post), ("slow", "1" if slow else ""), ("own", "1" if own else "")) if v}
    if slow:
        title, source = "建设进度预警的安置点", SITE
        qs = facts.slow_sites().visible_to(user, "registry.view_resettlementsite")
    elif m is not None:
        title, source = m.label, m.source
        qs = listed(m, user)
        if m.per_household:
            source = HOUSEHOLD  # households, each once, not their members
    else:
        title, source = ("逾期未办结的搬迁户" if overdue else "搬迁户"), HOUSEHOLD
        qs = rows(HOUSEHOLD, user)
        if stage:
            qs = qs.filter(stage=stage)
            title = f"{HouseholdStage(stage).label}阶段{title}"
        if overdue and post:
            qs = qs.filter(tallies.overdue_at_post(tallies.NO_TASK if post == "none" else post))
            title = f"待{ROLES[post].label}办理的{title}" if post in ROLES else f"无待办任务的{title}"
        elif overdue:
            qs = qs.filter(overdue_q())
    qs = qs.filter(area_code=area.code) if own else qs.filter(area_code__startswith=area.prefix)
    total = None
    if source in (HOUSEHOLD, PERSON):
        qs = registry_views.household_rows(qs)
        if source == PERSON:
            persons = Member.objects.filter(household=OuterRef("pk")).order_by().values("household").annotate(
                n=Count("pk")).values("n")
            qs = qs.annotate(persons=Coalesce(Subquery(persons), Value(0)))
            total = Member.objects.filter(household__in=qs.values("pk")).count()
    else:
        arrived = (FundEntry.objects.filter(site=OuterRef("pk"), kind=FundKind.ARRIVAL).order_by()
                   .values("site").annotate(s=Sum("amount")).values("s"))
        money = DecimalField(max_digits=18, decimal_places=2)
        qs = (qs.select_related("area", "project")
              .annotate(arrived=Coalesce(Subquery(arrived, output_field=money), Value(0), output_field=money))
              .order_by("code"))
        if m is not None and m.total:
            total = qs.aggregate(t=Sum(m.total if m.source == SITE else "arrived"))["t"] or 0
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    indicator = next((i for i in INDICATORS if m is not None and m in (i.numerator, i.denominator, i.excluded)), None)
    return render(request, "monitoring/drill.html", {
        "area": area,
        "trail": trail(user, area),
        "title": title,
        "source": "site" if source not in (HOUSEHOLD, PERSON) else "household",
        "persons": source == PERSON,
        "measure": m,
        "indicator": indicator,
        "total": total,
        "page": page,
        "query": urlencode(params),
    })


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """周通报 and 日报: the county's bulletins (each a document with its 文号, filed in the archive),
    generating this week's on demand, and the day's report as Excel."""
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    county = area_of_prefix(area.code[:6])
    may_issue = county is not None and in_scope(request.user, county) and request.user.has_perm(
        ADD_DOCUMENT, county)
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied("只有县级岗位可以生成本县周通报。")
        form = BulletinForm(request.POST)
        if form.is_valid():
            version = bulletin.issue_bulletin(county, actor=request.user, week_end=form.cleaned_data["week_end"],
                                              request=request)
            messages.success(request, f"已生成{version.document.title}（{version.document.number}），并已归入本县档案。")
            return redirect("documents:detail", version.document.pk)
    else:
        form = BulletinForm()
    issued = (Document.objects.filter(area_q(request.user, HOUSEHOLD_PERM), doc_type=bulletin.DOC_TYPE,
                                      area_code__startswith=area.code[:6]).order_by("-created_at")[:20])
    dailies = (Document.objects.filter(area_q(request.user, HOUSEHOLD_PERM), doc_type=daily.DOC_TYPE,
                                       area_code=area.code).order_by("-created_at")[:10])
    return render(request, "monitoring/reports.html", {
        "area": area, "trail": trail(request.user, area), "county": county, "may_issue": may_issue, "form": form,
        "bulletins": issued, "dailies": dailies,
        "may_issue_daily": request.user.has_perm(ACTING_CAPABILITY) and request.user.has_perm(ADD_DOCUMENT, area),
    })


@login_required
def daily_xlsx(request: HttpRequest) -> HttpResponse:
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    book, rows_written = exports.daily_report(area, request.user)
    today = timezone.localdate()
    return exports.xlsx_response(book, f"{area.name}易地扶贫搬迁工作日报-{today:%Y%m%d}.xlsx", request=request,
                                 subject="日报", area=area, rows=rows_written)


@login_required
@post_requires_acting
def daily_pdf(request: HttpRequest) -> HttpResponse:
    """日报 as a one-page PDF: a document of the engine (文号, QR, filed), generated on demand by a
    post that may issue documents over the area; the figures are the tally's, with their time."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    if not request.user.has_perm(ADD_DOCUMENT, area):
        raise PermissionDenied("您的岗位不能为本区划生成日报。")
    version = daily.issue_daily(area, actor=request.user, request=request)
    messages.success(request, f"已生成{version.document.title}（{version.document.number}），并已归档。")
    return redirect("documents:detail", version.document.pk)


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    """The area's 台账: each a download, or — above MONITORING_LEDGER_INLINE_ROWS rows — built in
    the background; the user's recent background exports with their state."""
    area = area_for(request)
    if area is None:
        raise Http404("您的账号尚未被授予任何岗位。")
    limit = ledger_exports.inline_rows()
    listed = [(kind, names, size, size > limit) for kind, names in ledgers.LEDGERS.items()
              for size in (ledgers.estimate(kind, area, request.user),)]
    return render(request, "monitoring/ledgers.html", {
        "area": area, "trail": trail(request.user, area), "ledgers": listed, "limit": limit,
        "reveal": request.user.has_perm("registry.reveal_idnumber", area),
        "exports": LedgerExport.objects.filter(requested_by=request.user).order_by("-requested_at")[:10],
        "may_export": request.user.has_perm(ACTING_CAPABILITY),
    })


def _ledger_args(request, kind):
    area = area_for(request)
    if area is None or kind not in ledgers.LEDGERS:
        raise Http404("未找到该台账。")
    reveal = kind == "households" and request.user.has_perm("registry.reveal_idnumber", area)
    return area, reveal


@login_required
def ledger_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    """One 台账 of the area as Excel; the roster prints full ID and phone numbers only for a post that
    may reveal them over the area. Each download is an audit event. A large one is built in the
    background instead (ledger_export)."""
    area, reveal = _ledger_args(request, kind)
    subject, name = ledgers.LEDGERS[kind]
    if ledgers.estimate(kind, area, request.user) > ledger_exports.inline_rows():
        messages.warning(request, f"{subject}行数较多，请点击“后台生成”，生成后下载。")
        return redirect(f"{reverse('monitoring:ledgers')}?{urlencode({'area': area.code})}")
    book, count = ledgers.build(kind, area, request.user, reveal=reveal)
    today = timezone.localdate()
    return exports.xlsx_response(book, f"{area.name}{name}-{today:%Y%m%d}.xlsx", request=request, subject=subject,
                                 area=area, rows=count, unmasked=reveal)


@login_required
@post_requires_acting
def ledger_export(request: HttpRequest, kind: str) -> HttpResponse:
    """后台生成: a large 台账 handed to a Celery task; the page of its progress follows."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    area, reveal = _ledger_args(request, kind)
    export = ledger_exports.request_export(kind, area, request.user, reveal=reveal,
                                           total=ledgers.estimate(kind, area, request.user))
    return redirect("monitoring:ledger_export_status", export.pk)


def _own_export(request, pk) -> LedgerExport:
    """The user's own export, over an area still in their scope (404 otherwise)."""
    export = LedgerExport.objects.filter(pk=pk, requested_by=request.user).first()
    area = AdminArea.objects.filter(code=export.area_code).first() if export else None
    if export is None or area is None or not in_scope(request.user, area):
        raise Http404("未找到该导出任务。")
    export.area = area
    return export


@login_required
def ledger_export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress (the page refreshes itself while it works), then its one download."""
    export = _own_export(request, pk)
    return render(request, "monitoring/ledger_export.html", {
        "export": export, "area": export.area, "trail": trail(request.user, export.area),
        "subject": ledgers.LEDGERS[export.kind][0],
    })


@login_required
def ledger_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, once: an audit event like an inline download, then the file is deleted."""
    export = _own_export(request, pk)
    data = ledger_exports.take(export) if export.status == LedgerExport.Status.DONE else None
    if data is None:
        return render(request, "monitoring/ledger_export.html", {
            "export": LedgerExport.objects.get(pk=export.pk), "area": export.area,
            "trail": trail(request.user, export.area), "subject": ledgers.LEDGERS[export.kind][0], "gone": True,
        }, status=410)
    subject = ledgers.LEDGERS[export.kind][0]
    return exports.file_response(data, export.filename, request=request, subject=subject, area=export.area,
                                 rows=export.rows or 0, unmasked=export.reveal, background=export.pk)


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """指标口径: each indicator's numerator, denominator, what counts and its source."""
    return render(request, "monitoring/definitions.html", {"indicators": INDICATORS})
