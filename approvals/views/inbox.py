"""The inbox (待办): the tasks a user holds, the queue they may take from, and — for supervisors —
every open task of their area; claim, release, reassign; search and filters.

Every list starts from `workflows.worklist` (the one scoping function of tasks). Pages show
`page_size` rows and fetch one more to know whether a next page exists: no COUNT over the table;
the pager's links are keyset cursors (no OFFSET).
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from registry.idnumbers import mask_id_number
from registry.models import PREFIX_LENGTH, AdminArea, AreaLevel, Member, ResettlementSite, level_of_code
from registry.scope import NOTHING, area_q, grants_of, prefixes_for
from supervision import findings as supervision_findings
from workflows import claims, worklist
from workflows.acting import Refused

from ..bulk import BULK_STEPS
from ..forms import IdSearchForm, InboxFilterForm, ReassignForm, add_violations
from . import refusal_status

ID_SEARCH_KEY = "approvals_id_search"
TABS = [("inbox", "待我办理"), ("queue", "可领取"), ("area", "辖区全部")]


def _page_size() -> int:
    return getattr(settings, "APPROVALS_PAGE_SIZE", 25)


def _area_choices(user):
    areas = (AdminArea.objects.filter(area_q(user, "registry.view_adminarea", field="code"))
             .filter(level__in=[AreaLevel.TOWNSHIP, AreaLevel.VILLAGE]).order_by("code")
             .values_list("code", "name", "level")[:500])
    return [(code, ("　" if level == AreaLevel.VILLAGE else "") + name) for code, name, level in areas]


def _site_choices(user):
    """Sites in the user's areas and the sites above them (a township's households move to
    county sites): the filter only narrows the user's own tasks."""
    q = NOTHING
    for prefix in {p for role in grants_of(user) for p in prefixes_for(user, f"registry.{role}")}:
        ancestors = {prefix[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n <= len(prefix)}
        q |= Q(area_code__startswith=prefix) | Q(area_code__in=ancestors)
    sites = ResettlementSite.objects.filter(q).order_by("code").values_list("pk", "name")[:200]
    return [(str(pk), name) for pk, name in sites]


def _base(user, tab, *, counting=False):
    if tab == "queue":
        return worklist.queue(user, counting=counting)
    if tab == "area":
        return worklist.supervised(user, counting=counting)
    return worklist.inbox(user, counting=counting)


def _filtered(qs, form, id_search):
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the fields that validated still filter
    if data.get("step"):
        qs = worklist.filter_step(qs, data["step"])
    if data.get("area"):
        code = data["area"]
        qs = qs.filter(**{worklist.AREA_FIELD + "__startswith": code[: PREFIX_LENGTH[level_of_code(code)]]})
    if data.get("site"):
        qs = qs.filter(**{worklist.HOUSEHOLD + "site_id": data["site"]})
    if data.get("overdue"):
        qs = worklist.overdue_filter(qs)
    q = data.get("q")
    if q:
        if q.isdigit():
            qs = qs.filter(**{worklist.HOUSEHOLD + "number__startswith": q})
        else:
            heads = Member.objects.filter(relation="head", name__startswith=q).values("household_id")
            qs = qs.filter(**{worklist.PROCESS + "household_id__in": heads})
    if id_search is not None:
        qs = qs.filter(**{worklist.PROCESS + "household_id__in": id_search["ids"]})
    return qs


# Each sort is one key and the task id as tiebreaker, both in the key's direction; a household
# number is NULL for a site's tasks, which come last whatever the database's NULL order.
SORTS = {"": ("created", False, False), "newest": ("created", True, False),
         "number": (worklist.HOUSEHOLD + "number", False, True),
         # 优先办理 (issue 22): geological-hazard households first (worklist.with_case's case_priority).
         "priority": ("case_priority", True, False)}
CURSOR_SALT = "approvals.inbox.cursor"


def _sort_key(sort):
    return SORTS.get(sort, SORTS[""])


def _sorted(qs, sort, *, reverse=False):
    field, desc, nullable = _sort_key(sort)
    desc = desc != reverse
    nulls = ({"nulls_first": True} if reverse else {"nulls_last": True}) if nullable else {}
    key = F(field).desc(**nulls) if desc else F(field).asc(**nulls)
    return qs.order_by(key, "-id" if desc else "id")


def _beyond(sort, value, pk, *, before=False) -> Q:
    """Tasks strictly after (or, `before`, strictly before) the row (value, pk) in the sort's order."""
    field, desc, nullable = _sort_key(sort)
    op = "lt" if desc != before else "gt"
    if value is None:  # the NULL tail (site tasks by number)
        tail = Q(**{f"{field}__isnull": True, f"id__{op}": pk})
        return tail | Q(**{f"{field}__isnull": False}) if before else tail
    # "key <= v AND (key < v OR id < pk)": the same rows as the plain row comparison, with a
    # leading range on the key that an index on it can seek to (an OR at the top cannot).
    q = Q(**{f"{field}__{op}e": value}) & (Q(**{f"{field}__{op}": value}) | Q(**{f"id__{op}": pk}))
    if nullable and not before:
        q |= Q(**{f"{field}__isnull": True})
    return q


def _cursor(sort, task) -> str:
    field = _sort_key(sort)[0]
    value = {"created": lambda: task.created.isoformat(), "case_priority": lambda: task.case_priority}.get(
        field, lambda: task.case_number)()
    return signing.dumps([sort, value, task.pk], salt=CURSOR_SALT, compress=False)


def _read_cursor(sort, raw):
    """(value, pk) of a cursor made for this sort; None for a forged, stale or foreign one."""
    try:
        made_for, value, pk = signing.loads(raw, salt=CURSOR_SALT)
        if made_for != sort or not isinstance(pk, int):
            return None
        if value is not None and _sort_key(sort)[0] == "created":
            value = datetime.datetime.fromisoformat(value)
        return value, pk
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _rows(sort, page, *, reverse=False):
    """The page's rows, in one statement of two steps: the ids of the page (the scoped filter and the
    sort, nothing else joined) as a subquery, then what the rows show for those ids only. Joined in
    one step, PostgreSQL fetched the household, village, site and owner of every task in scope
    before keeping 26 (docs/scaling.md)."""
    return list(_sorted(worklist.with_case(worklist.tasks_by_ids(page.values("pk"))), sort, reverse=reverse))


class KeysetPage:
    """A page read by keyset (after/before the row a cursor names) rather than OFFSET: page 30
    costs what page 1 costs. It knows whether a next one exists by fetching one row more, never by
    counting. A bare ?page=N (old links) is still served by OFFSET; its links are cursors."""

    def __init__(self, qs, sort, number, size, after=None, before=None):
        self.number = number
        if after is not None:
            found = _rows(sort, _sorted(qs.filter(_beyond(sort, *after)), sort)[: size + 1])
            self.has_next, self.has_previous = len(found) > size, True
        elif before is not None:
            found = _rows(sort, _sorted(qs.filter(_beyond(sort, *before, before=True)), sort, reverse=True)[: size + 1],
                          reverse=True)
            self.has_previous, self.has_next = len(found) > size, True
            found = found[:size][::-1]
            self.number = number if self.has_previous else 1
        else:
            found = _rows(sort, _sorted(qs, sort)[(number - 1) * size: number * size + 1])
            self.has_next, self.has_previous = len(found) > size, number > 1
        self.object_list = found[:size]
        self.start_index = (self.number - 1) * size + 1 if self.object_list else 0
        self.end_index = (self.number - 1) * size + len(self.object_list)
        self.next_cursor = _cursor(sort, self.object_list[-1]) if self.has_next and self.object_list else ""
        self.previous_cursor = _cursor(sort, self.object_list[0]) if self.has_previous and self.object_list else ""


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_supervisor = worklist.supervisor_q(user) != worklist.NOTHING
    tabs = [(code, label) for code, label in TABS if code != "area" or is_supervisor]
    tab_counts = {code: worklist.bounded_count(_base(user, code, counting=True)) for code, _ in tabs}
    tab = request.GET.get("tab")
    if tab not in dict(tabs):
        tab = "inbox" if tab_counts["inbox"] or not tab_counts["queue"] else "queue"

    codes = worklist.steps_for(user) if tab != "area" else [c for c in worklist.step_nodes()]
    form = InboxFilterForm(request.GET or None, steps=[(c, worklist.step_label(c)) for c in codes],
                           areas=_area_choices(user), sites=_site_choices(user))
    id_search = request.session.get(ID_SEARCH_KEY) if request.GET.get("idsearch") else None

    base = _base(user, tab)
    qs = _filtered(base, form, id_search)
    sort = getattr(form, "cleaned_data", {}).get("sort", "")
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    after = _read_cursor(sort, request.GET["after"]) if request.GET.get("after") else None
    before = _read_cursor(sort, request.GET["before"]) if request.GET.get("before") and after is None else None
    page = KeysetPage(worklist.with_case(qs), sort, number, _page_size(), after=after, before=before)
    rows = worklist.rows(page.object_list)

    params = request.GET.copy()
    for key in ("page", "after", "before"):
        params.pop(key, None)
    return render(request, "approvals/inbox.html", {
        "tab": tab,
        "tabs": [(code, label, tab_counts[code]) for code, label in tabs],
        "form": form,
        "id_form": IdSearchForm(),
        "id_search": id_search,
        "page": page,
        "rows": rows,
        "step_counts": worklist.counts_per_step(_base(user, tab, counting=True), codes),
        "query": params.urlencode(),
        "step_query": _without(params, "step"),
        "is_supervisor": is_supervisor,
        "bulk_steps": BULK_STEPS,
        "roles": worklist.role_labels(user),
        # 评议 and 公示 wait for a village act, not a task: shown to the post that records it.
        "village_work": worklist.village_work(user),
        # 督查问题: the open findings the user's posts must rectify (supervision's scoping function).
        **_findings_section(user),
        # The navigation badge is the queue plus the inbox, counted above already.
        "inbox_badge": worklist.Bounded(min(tab_counts["inbox"].value + tab_counts["queue"].value, worklist.cap()),
                                     tab_counts["inbox"].more or tab_counts["queue"].more
                                     or tab_counts["inbox"].value + tab_counts["queue"].value > worklist.cap()),
    })


FINDINGS_SHOWN = 20


def _findings_section(user) -> dict:
    awaiting = supervision_findings.awaiting_response(user).order_by("deadline", "id")
    shown = list(awaiting[:FINDINGS_SHOWN + 1])
    supervision_findings.describe_targets(shown)
    return {"findings_open": shown[:FINDINGS_SHOWN], "findings_more": len(shown) > FINDINGS_SHOWN,
            "findings_count": awaiting.count() if len(shown) > FINDINGS_SHOWN else len(shown)}


def _without(params, key):
    copy = params.copy()
    copy.pop(key, None)
    return copy.urlencode()


@login_required
@require_POST
def search_id(request: HttpRequest) -> HttpResponse:
    """Search by a full ID number: posted, kept in the session, never put in an address."""
    form = IdSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["id_number"]))
        request.session.pop(ID_SEARCH_KEY, None)
        return redirect("approvals:inbox")
    number = form.cleaned_data["id_number"]
    ids = list(Member.find_by_id_number(number).values_list("household_id", flat=True)[:20])
    request.session[ID_SEARCH_KEY] = {"ids": ids, "label": mask_id_number(number)}
    tab = request.POST.get("tab") if request.POST.get("tab") in dict(TABS) else "inbox"
    return redirect(f"{reverse('approvals:inbox')}?{urlencode({'tab': tab, 'idsearch': 1})}")


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _report(request, exc: Refused):
    level = messages.INFO if refusal_status(exc) == 409 else messages.ERROR
    messages.add_message(request, level, exc.message)


@login_required
@require_POST
def claim(request: HttpRequest, task_pk: int) -> HttpResponse:
    try:
        claims.claim(task_pk, actor=request.user, request=request)
    except Refused as exc:
        if refusal_status(exc) == 404:
            raise Http404(exc.message)
        _report(request, exc)
    else:
        messages.success(request, "已领取该任务，请及时办理。")
    return _back(request, "approvals:inbox")


@login_required
@require_POST
def release(request: HttpRequest, task_pk: int) -> HttpResponse:
    try:
        claims.release(task_pk, actor=request.user, request=request)
    except Refused as exc:
        if refusal_status(exc) == 404:
            raise Http404(exc.message)
        _report(request, exc)
    else:
        messages.success(request, "已释放该任务，其他同岗位人员可以领取。")
    return _back(request, "approvals:inbox")


@login_required
def reassign(request: HttpRequest, task_pk: int) -> HttpResponse:
    """The supervisor's form: who may take over this task (same post, same area)."""
    from viewflow.workflow.models import Task

    task = (worklist.with_case(worklist.supervised(request.user).filter(pk=task_pk)).first())
    if task is None:
        raise Http404("未找到该任务，或不在您的管辖范围内。")
    row = worklist.rows([task])[0]
    process = Task.objects.get(pk=task.pk).process.coerced
    household = getattr(process, "household", None) or process.site
    officials = claims.eligible_officials(claims.role_of(task), household)
    if task.owner_id:
        officials = officials.exclude(pk=task.owner_id)
    form = ReassignForm(request.POST or None, officials=officials)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            claims.reassign(task.pk, actor=request.user, to_user=form.cleaned_data["to_user"],
                                   reason=form.cleaned_data["reason"], request=request)
        except Refused as exc:
            status = refusal_status(exc)
            if status == 409:
                messages.info(request, exc.message)
                return redirect(f"{reverse('approvals:inbox')}?tab=area")
            add_violations(form, exc.violations)
        else:
            messages.success(request, f"已将“{row.step_label}”（{task.case_number or task.site_case_name}）改派。")
            return redirect(f"{reverse('approvals:inbox')}?tab=area")
    elif request.method == "POST":
        status = 400
    return render(request, "approvals/reassign.html", {"row": row, "form": form, "household": household},
                  status=status)
