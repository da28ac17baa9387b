"""Which lifecycle tasks a user sees: the one scoping function of the worklist, for the inbox
pages and the API alike.

viewflow's own queue, inbox and badges are not area-aware (docs/traps.md, viewflow): they count
every task of every village, and guardian's `user_queue()` loads every object grant of the user.
Here a task is visible when its `owner_permission` is a post the user holds on an area whose
prefix covers the task's case (`registry.scope.post_q` on the process's denormalised
`area_code`). Nothing else filters tasks by area.

- `queue(user)`: open tasks nobody holds that the user may take (领取);
- `inbox(user)`: tasks the user holds (在办), still within their scope;
- `supervised(user)`: every open task in the areas a supervisor (乡镇分管领导, 县搬迁办) oversees,
  for reassignment (改派).

Lists never COUNT the whole table: pages fetch one row more than they show, and counts stop at
APPROVALS_COUNT_CAP (`bounded_count`).
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models import BooleanField
from django.db.models.lookups import In
from django.db.models.expressions import RawSQL
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registry.models import AreaLevel, Household, Member, Relation, RelocationReason
from registry.models import HouseholdStage as S
from registry.roles import ROLES
from registry.scope import NOTHING, PREFIX_LENGTH, grants_of, hosted_post_q, post_prefixes, post_q
from workflows import acting, labels
from workflows.acting import acting_role
from workflows.households import deadlines, flows, stages
from workflows.models import HouseholdProcess, SiteProcess
from workflows.models.households import NoticeBatch, ObjectionStatus
from workflows.sites import flows as site_flows
from workflows.sites import stages as site_stages

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
HELD = [STATUS.ASSIGNED, STATUS.STARTED]
PROCESS = "process__householdprocess__"
AREA_FIELD = PROCESS + "area_code"
HOUSEHOLD = PROCESS + "household__"
# Site tasks (集中安置点 flows) carry the site's area code on their process the same way.
SITE_PROCESS = "process__siteprocess__"
SITE_AREA_FIELD = SITE_PROCESS + "area_code"
HAZARD = RelocationReason.DISEASE_OR_HAZARD
COUNTY_PREFIX = PREFIX_LENGTH[AreaLevel.COUNTY]


def _site_roles() -> set[str]:
    return {step.roles[0] for stage in site_stages.SITE_STAGES for step in stage.steps}


# Posts that oversee the work of an area and may reassign its tasks (supervisors).
SUPERVISOR_ROLES = (stages.LEADER, stages.COUNTY_OFFICE)


class InArray(In):
    """`process_id__in_array=<queryset of ids>`: on PostgreSQL `process_id = ANY(ARRAY(subquery))`,
    an init-plan run once and then index probes of the open tasks by process; as `IN (subquery)`
    the planner hashed every open task of the province against the area's processes (issue 18,
    docs/scaling.md). Elsewhere it is `IN`. The column is compiled by Django, so the lookup stays
    right inside subqueries whose tables Django re-aliases."""

    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


Task._meta.get_field("process").register_lookup(InArray)  # on this one field only (Django ≥ 4.2)


def _role_q(user, role: str, process_model=HouseholdProcess, *, counting: bool = False) -> Q:
    """Tasks of the processes still running in the user's areas of post `role`. Acting on tasks is a
    post's act: a superuser sees only what their own grants cover.

    Two spellings of the same set, for two kinds of statement (issue 18, docs/scaling.md):
    - a page of rows in order: the area's open processes first (their partial index), then their
      tasks — as many rows read as the area has cases under way, however large the province;
    - a bounded count (`counting`) by a post of a county or wider: a correlated EXISTS, which leaves
      PostgreSQL free to start from the post's open tasks — reading every open process of a very
      large county only to count the few tasks routed to its office cost 1.2 s at a million
      households. A township's or village's counts keep the first spelling (with EXISTS the
      township leader's per-step counts went from 1.0× to 4.2× of their 10 k time at 100 k)."""
    prefixes = post_prefixes(user, role)
    if not prefixes:
        return NOTHING
    processes = process_model.objects.filter(post_q(user, role), is_open=True)
    if counting and min(map(len, prefixes)) <= COUNTY_PREFIX:
        return Q(Exists(processes.filter(pk=OuterRef("process_id"))))
    return Q(process_id__in_array=processes.values("process_ptr_id"))


def _host_tasks() -> Q:
    """Tasks of the steps a cross-county household's host site does (acting.HOST_ACTS: 入住确认)."""
    return Q(flow_task__in=[node for code in acting.HOST_ACTS for node in step_nodes().get(code, [])])


def scope_q(user, *, counting: bool = False) -> Q:
    """Open human tasks routed to a role the user holds, on cases inside that role's areas — and,
    for a household resettled across counties (registry/placements.py), its host acts on the posts
    over its host site (registry.scope.hosted_post_q)."""
    if not (user.is_authenticated and user.is_active):
        return NOTHING
    q = NOTHING
    site_roles = _site_roles()
    for role in grants_of(user):
        where = _role_q(user, role, counting=counting)
        if role in site_roles:  # only the county bureaus are routed site tasks
            where |= _role_q(user, role, SiteProcess, counting=counting)
        hosted = hosted_post_q(user, role, PROCESS + "household")
        if hosted is not NOTHING:
            where |= hosted & _host_tasks()
        q |= Q(owner_permission=f"registry.{role}") & where
    return q


def supervisor_q(user, *, counting: bool = False) -> Q:
    q = NOTHING
    for role in SUPERVISOR_ROLES:
        if role in grants_of(user):
            q |= _role_q(user, role, counting=counting)
            if role in _site_roles():
                q |= _role_q(user, role, SiteProcess, counting=counting)
    return q


def open_tasks():
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN)


def queue(user, *, counting: bool = False):
    # status = NEW alone, not also "IN (open statuses)": PostgreSQL multiplies the two selectivities
    # and, estimating a handful of rows, scanned every open task of the province (docs/scaling.md).
    # `counting`: for bounded_count only (the scope spelled for counts, _role_q).
    return Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True).filter(
        scope_q(user, counting=counting))


def inbox(user, *, counting: bool = False):
    """Tasks the user holds, and those held by officials the user stands in for today (代理)."""
    owners = [user.pk, *acting.principal_ids(user)] if user.is_authenticated else [None]
    return open_tasks().filter(status__in=HELD, owner__in=owners).filter(scope_q(user, counting=counting))


def supervised(user, *, counting: bool = False):
    return open_tasks().filter(supervisor_q(user, counting=counting))


def is_supervisor_of(user, household) -> bool:
    return acting_role(user, SUPERVISOR_ROLES, household) is not None


def visible_task_q(user) -> Q:
    """What a user may open from a list: their scope, or what they supervise, or what they hold."""
    return scope_q(user) | supervisor_q(user)


# --- steps ---------------------------------------------------------------------------------

def _human_nodes():
    flow_classes = [*flows.STAGE_FLOWS.values(), flows.NoticeResubmitFlow, flows.RemovalFlow,
                    *site_flows.SITE_STAGE_FLOWS.values()]
    for flow_class in flow_classes:
        for node in flow_class.instance.nodes():
            if getattr(node, "task_type", None) == "HUMAN":
                yield node


def step_nodes() -> dict[str, list]:
    """{step code: [viewflow nodes]} (a node's name is its step code in the stage table)."""
    found: dict[str, list] = {}
    for node in _human_nodes():
        found.setdefault(node.name, []).append(node)
    return found


step_label = labels.task_title


def step_def(code: str):
    found = labels.find_step(code)
    return found[1] if found else None


def steps_for(user) -> list[str]:
    """Step codes routed to a role the user holds, in the order of the stage tables."""
    held = set(grants_of(user))
    codes = [s.code for stage in stages.HOUSEHOLD_STAGES for s in stage.steps]
    codes.append(stages.REMOVAL_APPROVAL.code)
    codes += [s.code for stage in site_stages.SITE_STAGES for s in stage.steps]
    nodes = step_nodes()
    return [c for c in codes if c in nodes and step_def(c).roles[0] in held]


def filter_step(qs, code: str):
    nodes = step_nodes().get(code)
    if not nodes:
        return qs.none()
    return qs.filter(flow_task__in=nodes)


# --- rows ----------------------------------------------------------------------------------

def with_case(qs):
    """Each task with what a row shows about its household, in one query however many rows."""
    # Ordered by id only: Member's default ordering would join the household again per row.
    head = Member.objects.filter(household=OuterRef(PROCESS + "household_id"), relation=Relation.HEAD).order_by("id")
    return qs.select_related("owner").annotate(
        case_id=F(PROCESS + "household_id"),
        case_number=F(HOUSEHOLD + "number"),
        case_stage=F(HOUSEHOLD + "stage"),
        case_entered=F(HOUSEHOLD + "stage_entered_at"),
        case_village=F(HOUSEHOLD + "village__name"),
        case_site=F(HOUSEHOLD + "site__name"),
        case_head=Subquery(head.values("name")[:1]),
        site_case_id=F(SITE_PROCESS + "site_id"),
        site_case_name=F(SITE_PROCESS + "site__name"),
        site_case_stage=F(SITE_PROCESS + "site__stage"),
        site_case_entered=F(SITE_PROCESS + "site__project__stage_entered_at"),
        case_priority=priority(),
    )


def priority() -> Case:
    """A task's priority as a sort key (issue 22): 1 for a household threatened by geological hazard
    (a newly found hazard, or relocated for 地方病/地质灾害), else 0."""
    hazard = Q(**{HOUSEHOLD + "new_geological_hazard": True}) | Q(**{HOUSEHOLD + "relocation_reason": HAZARD})
    return Case(When(hazard, then=Value(1)), default=Value(0), output_field=IntegerField())


def tasks_by_ids(ids):
    """Tasks whose id is among `ids` (a sliced `values("pk")` queryset: one page of a list), the
    page's ids found first. On PostgreSQL `id = ANY(ARRAY(subquery))` is an init-plan run once,
    then primary-key lookups; as `id IN (subquery)` the planner hashed the whole task table joined
    to households before matching 26 ids (docs/scaling.md)."""
    if connection.vendor != "postgresql":
        return Task.objects.filter(pk__in=ids)
    sql, params = ids.query.sql_with_params()
    # The inner SQL is Django's own compiled query, its values passed as parameters.
    where = RawSQL(f'"viewflow_task"."id" = ANY(ARRAY({sql}))', params, output_field=BooleanField())  # nosec B611
    return Task.objects.filter(where)


@dataclass
class Row:
    task: Task
    step: str
    step_label: str
    due: datetime.datetime | None
    overdue: bool

    def __getattr__(self, name):
        return getattr(self.task, name)


def rows(tasks, now=None) -> list[Row]:
    now = now or timezone.now()
    result = []
    for task in tasks:
        if task.case_id is None:
            due = _site_due(task)
        else:
            due = deadlines.due_at(SimpleNamespace(stage=task.case_stage, stage_entered_at=task.case_entered))
        code = task.flow_task.name if task.flow_task else ""
        result.append(Row(task, code, step_label(code), due, due is not None and due < now))
    return result


def _site_due(task):
    stage = site_stages.stage(task.site_case_stage or "")
    if stage is None or task.site_case_entered is None:
        return None
    return task.site_case_entered + datetime.timedelta(days=stage.deadline_days)


stage_label = labels.stage_label


@dataclass(frozen=True)
class VillageWork:
    """Households of one village waiting for a village act that moves them as a batch, for the
    township's decision on an objection to their notice, or for their notice to end."""

    kind: str  # "review_meeting", "notice_batch", "objection" or "notice_running"
    label: str
    village_code: str
    village_name: str
    households: int
    batch_id: int | None = None  # the notice batch (objection, notice_running)
    ends_on: object = None  # the running notice's last day


def village_work(user) -> list[VillageWork]:
    """The households waiting for the review meeting (评议) or for a 公示 batch have no viewflow task
    (a batch moves them, not a step): they are work for the post that records that act in their
    village — the village head's meeting, the clerk's notice — shown in that post's inbox. While a
    notice runs its households wait for the township's decision on any objection (公示异议处理, the
    reviewer's and leader's work) or for the last day (the clerk sees it running); nobody else
    would see them until the notice job moves them on."""
    batched = NoticeBatch.households.through.objects.filter(
        household_id=OuterRef("pk"), noticebatch__created_at__gte=OuterRef("stage_entered_at"))
    waiting = (
        ("review_meeting", "待民主评议", stages.REVIEW_MEETING.roles[0], Household.objects.filter(stage=S.REVIEW)),
        ("notice_batch", "待张榜公示", stages.CLERK,
         Household.objects.filter(stage=S.NOTICE).exclude(Exists(batched))),
    )
    found = []
    for kind, label, role, households in waiting:
        rows = (households.filter(post_q(user, role)).order_by().values("village__code", "village__name")
                .annotate(n=Count("id")).order_by("village__code")[:VILLAGES_SHOWN])
        found += [VillageWork(kind, label, r["village__code"], r["village__name"], r["n"]) for r in rows]
    running = NoticeBatch.objects.filter(households__stage=S.NOTICE, ends_on__gte=timezone.localdate())
    objections = Q(objections__status=ObjectionStatus.OPEN, objections__household__stage=S.NOTICE)
    posts = (("objection", "待处理公示异议", stages.OBJECTION_RESOLUTION.roles, objections),
             ("notice_running", "公示中", (stages.CLERK,), Q(pk__in=running.values("pk"))))
    for kind, label, roles, condition in posts:
        mine = NOTHING
        for role in roles:
            mine |= post_q(user, role)
        rows = (NoticeBatch.objects.filter(condition).filter(mine).order_by()
                .values("pk", "village__code", "village__name", "ends_on")
                .annotate(n=Count("households" if kind == "notice_running" else "objections", distinct=True))
                .order_by("village__code", "pk")[:VILLAGES_SHOWN])
        found += [VillageWork(kind, label if kind == "objection" else f"{label}（至{r['ends_on'].month}月{r['ends_on'].day}日）",
                              r["village__code"], r["village__name"], r["n"], r["pk"], r["ends_on"])
                  for r in rows]
    return found


VILLAGES_SHOWN = 50


def open_tasks_of(case):
    """The open human tasks of one household or site (its page lists and acts on them)."""
    field = PROCESS + "household" if isinstance(case, Household) else SITE_PROCESS + "site"
    return open_tasks().filter(**{field: case}).select_related("owner").order_by("id")


def overdue_filter(qs):
    return qs.filter(**{PROCESS + "household__in": Household.objects.filter(deadlines.overdue_q())})


# --- counting without counting everything -------------------------------------------------------

def cap() -> int:
    return getattr(settings, "APPROVALS_COUNT_CAP", 99)


@dataclass
class Bounded:
    value: int
    more: bool

    def __str__(self):
        return f"{self.value}+" if self.more else str(self.value)

    def __bool__(self):
        return self.value > 0


def bounded_count(qs) -> Bounded:
    """COUNT over at most cap()+1 rows: a constant cost however large the table."""
    limit = cap()
    n = qs.order_by()[: limit + 1].count()
    return Bounded(min(n, limit), n > limit)


def counts_per_step(qs, codes) -> list[tuple[str, str, Bounded]]:
    """Open tasks per step in one bounded query: GROUP BY over at most cap() rows per step. When
    the bound is reached, every count is a lower bound ("n+")."""
    codes = list(codes)
    if not codes:
        return []
    limit = cap() * len(codes)
    inner = qs.filter(flow_task__in=[n for c in codes for n in step_nodes().get(c, [])])
    sql, params = inner.order_by().values_list("flow_task")[:limit].query.sql_with_params()
    with connection.cursor() as cursor:
        # The inner SQL is Django's own compiled query, its values passed as parameters.
        cursor.execute(f"SELECT s.flow_task, COUNT(*) FROM ({sql}) s GROUP BY s.flow_task", params)  # nosec B608
        found = {}
        for ref, n in cursor.fetchall():
            code = ref.rsplit(".", 1)[-1]
            found[code] = found.get(code, 0) + n
    more = sum(found.values()) >= limit
    return [(code, step_label(code), Bounded(min(found.get(code, 0), cap()), more or found.get(code, 0) > cap()))
            for code in codes]


def role_labels(user) -> list[str]:
    return [ROLES[r].label for r in grants_of(user) if r in ROLES]
