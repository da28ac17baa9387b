"""manage.py seed_scale --households N — a province of N households on PostgreSQL, for the benches.

Set-based SQL (INSERT … SELECT over generate_series and small plan tables) for what the database
can compute, COPY for what Python must (members' SM4-GCM ID numbers and blind indexes, the audit
chain's keyed hashes). Nothing goes through the services: the rows are the ones the services and
flows leave, written directly (bench/README-style figures in docs/scaling.md).

The shape (realistic, and the same at every size): the province (52) grows by counties of
`--per-county` households (default 10 000); a county has 15 townships of 12 villages, its
townships sized 1/k (the largest ≈ 3 000 households, the size where the 1 M regression showed),
so at 10 k the province is one county and at 1 M a hundred of them, the first one identical.
Households spread over every stage (申报 … 后扶, 清退) with their entry dates; each has 1–6
members; each stage it went through has its viewflow process (DONE) and its tasks as the flows
leave them, the current stage's process open with its tasks (NEW, or ASSIGNED to an official
— 15 %), opinions for each approved step, documents (with a version, files not rendered) for each
completed stage, evidence rows (no files) for the current and the previous stage, and audit events
(keyed chain, verifiable) for the current stage: its entry, its approvals and claims.

Officials (password `--password`): per county `c{n}_office`, `c{n}_housing`, `c{n}_natres`; per
township `c{n}t{k}_reviewer`, `_leader`, `_clerk` (the clerk on the township's first village).
The benches use c1_office and c1t1_* (the largest township of the first county).
"""

import datetime
import math
import os
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS_HASH, current_key_id, event_hash
from registry.crypto import active_key_id, blind_index, encrypt
from registry.models import AdminArea, AreaLevel, AreaUserGrant, Household
from registry.roles import ROLES
from workflows.households import stages
from workflows.households.flows import STAGE_FLOWS, RemovalFlow

TOWNSHIPS, VILLAGES = 15, 12
# Share (per 1 000) of households in each stage at the time of the snapshot: a programme well under
# way, most households moved in and followed up, every stage populated.
STAGE_SHARE = [("apply", 50), ("review", 30), ("notice", 30), ("approval", 90), ("construction", 100),
               ("acceptance", 70), ("move_in", 60), ("demolition", 100), ("follow_up", 450), ("removed", 20)]
HELD_PERCENT = 15
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
GIVEN = "德华明国建平志红英秀兰芳军文玉光春海金桂林荣贵顺永成兴福昌富发忠清学"
RELATIONS = ["head", "spouse", "child", "child", "parent", "grandchild"]
FLOW_PATH = "workflows/households.flows."
CLERK, REVIEWER, LEADER = "role_village_clerk", "role_township_reviewer", "role_township_leader"
COUNTY_ROLES = {"office": "role_county_office", "housing": "role_county_housing",
                "natres": "role_county_natural_resources"}
TOWNSHIP_ROLES = {"reviewer": REVIEWER, "leader": LEADER, "clerk": CLERK}


def _flow_nodes(flow_class):
    """[(node name, task type)] in the order the flow runs them."""
    kinds = {"StartHandle": "START", "End": "END", "Split": "PARALLEL_GATEWAY", "Join": "JOIN", "View": "HUMAN"}
    order = []
    node = flow_class.instance.node("start")
    seen = set()
    queue = [node]
    while queue:
        node = queue.pop(0)
        if node.name in seen:
            continue
        seen.add(node.name)
        order.append((node.name, kinds[type(node).__name__]))
        queue += [edge.dst for edge in node._outgoing()]
    return order


def _step_of(code):
    for stage in stages.HOUSEHOLD_STAGES:
        for step in stage.steps:
            if step.code == code:
                return stage, step
    return None, stages.REMOVAL_APPROVAL


class Plan:
    """What the flows leave for each variant of a household's position: rows of processes and tasks.

    A variant is a current stage and, inside it, how far its open process got (approval at the
    township or at the county; which of the joint 验收 signatures are in; …)."""

    def __init__(self):
        self.processes = []  # (variant, ord, flow_class, status, stage, round)
        self.tasks = []  # (variant, proc ord, task ord, node, type, status, prev ords, role, is_open)
        self.variants = {}  # stage -> [variant]

    def add(self, stage, name, flows_done, open_flow=None, done_in_open=()):
        variant = f"{stage}:{name}"
        self.variants.setdefault(stage, []).append(variant)
        for ord_, flow_class in enumerate(flows_done):
            self._process(variant, ord_, flow_class, done=None)
        if open_flow is not None:
            self._process(variant, len(flows_done), open_flow, done=set(done_in_open))

    def _process(self, variant, ord_, flow_class, done):
        stage = flow_class.stage or "removed"
        round_ = stages.ORDER.index(stage) + 1 if stage in stages.ORDER else len(stages.ORDER) + 1
        self.processes.append((variant, ord_, FLOW_PATH + flow_class.__name__, "DONE" if done is None else "NEW",
                               stage, round_))
        nodes = _flow_nodes(flow_class)
        names = [n for n, _ in nodes]
        humans = [n for n, kind in nodes if kind == "HUMAN"]
        joint = any(kind == "PARALLEL_GATEWAY" for _, kind in nodes)
        for t_ord, (node, kind) in enumerate(nodes):
            if kind == "HUMAN" and joint:
                prev = [names.index("split")]
            elif kind == "JOIN":
                prev = [names.index(h) for h in humans if done is None or h in done]
            elif kind == "END" and joint:
                prev = [names.index("join")]
            else:
                prev = [t_ord - 1] if t_ord else []
            if done is None:
                status, is_open = "DONE", False
            elif kind in ("START", "PARALLEL_GATEWAY"):
                status, is_open = "DONE", False
            elif kind == "HUMAN":
                if node in done:
                    status, is_open = "DONE", False
                elif joint or all(h in done for h in humans[: humans.index(node)]):
                    status, is_open = "NEW", True
                else:
                    continue  # not reached yet
            elif kind == "JOIN":
                if not prev:
                    continue  # no branch arrived yet
                status, is_open = "STARTED", False
            else:  # END of an open process
                continue
            step = _step_of(node)[1] if kind == "HUMAN" else None
            role = f"registry.{step.roles[0]}" if step else None
            self.tasks.append((variant, ord_, t_ord, node, kind, status, prev, role, is_open,
                               step.signature_level if step else ""))


def build_plan() -> Plan:
    plan = Plan()
    flow_of = dict(STAGE_FLOWS)
    order = [s for s in stages.ORDER]
    for stage in order:
        before = [flow_of[s] for s in order[: order.index(stage)] if s in flow_of]
        flow = flow_of.get(stage)
        if flow is None:
            plan.add(stage, "-", before)
            continue
        humans = [n for n, kind in _flow_nodes(flow) if kind == "HUMAN"]
        if stage == "acceptance":
            for mask in range(7):  # which of the three joint signatures are in (not all three)
                plan.add(stage, f"{mask}", before, flow, [h for i, h in enumerate(humans) if mask >> i & 1])
        else:
            for k in range(len(humans)):  # waiting at the k-th step
                plan.add(stage, f"{k}", before, flow, humans[:k])
    plan.add("removed", "-", [flow_of["apply"], RemovalFlow])
    return plan


class Command(BaseCommand):
    help = "生成省级规模的基准测试数据（仅 PostgreSQL）：行政区划、搬迁户及家庭成员、流程与待办、意见、文书、证据材料、审计事件。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--per-county", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=18)
        parser.add_argument("--batch", type=int, default=5, help="每个事务生成的县数")
        parser.add_argument("--password", default="scale-bench-1")
        parser.add_argument("--bench-database", action="store_true",
                            help="确认当前数据库仅用于基准测试（DEBUG 未开启时必须加此参数）")

    def handle(self, *args, households, per_county, seed, password, bench_database, batch, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale 只能在 PostgreSQL 上运行（使用 COPY 与集合运算）。")
        if not (settings.DEBUG or bench_database):
            raise CommandError("基准数据只能在 DEBUG=1 的环境生成；若确认当前数据库仅用于基准测试，请加 --bench-database。")
        if households < 1 or per_county < 200:
            raise CommandError("--households 须为正数，--per-county 至少 200。")
        if Household.objects.exists():
            raise CommandError("数据库中已有搬迁户：请在新建并迁移的空数据库上运行 seed_scale。")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.started = time.perf_counter()
        self.timings = {}
        counties = math.ceil(households / per_county)
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            # The rows are consistent by construction: skip the per-row foreign-key triggers (and the
            # append-only/immutability triggers, which refuse only updates and deletes) while loading.
            # Needs a superuser, as the benches' local postgres is.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        self._step("areas and officials", lambda: self.areas_and_officials(counties, password))
        self._step("plan (slots of a county, flows, types)", lambda: self.prepare(per_county))
        # County by county, a batch a transaction: an interrupted build keeps the counties done.
        for lo in range(0, households, per_county * batch):
            hi = min(households, lo + per_county * batch)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("DROP TABLE IF EXISTS seed_hh, seed_process, seed_task, seed_document")
                self._step("households", lambda: self.households(lo, hi, per_county))
                self._step("members (SM4-GCM, blind index; COPY)", self.members)
                self._step("processes and tasks", self.processes_and_tasks)
                self._step("opinions", self.opinions)
                self._step("documents and versions", self.documents)
                self._step("evidence", self.evidence)
                self._step("audit events (keyed chain; COPY)", self.audit_events)
            self.stdout.write(f"== {hi:,} 户已生成（{time.perf_counter() - self.started:.0f} 秒）")
            self.stdout.flush()
        self._step("sequences, ANALYZE", self.finish)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        total = time.perf_counter() - self.started
        for label, (seconds, rows) in self.timings.items():
            self.stdout.write(f"  {label:42} {seconds:8.1f} s  {rows}")
        self.stdout.write(f"seed_scale: {households:,} 户，{counties} 个县，用时 {total:.0f} 秒。")

    def _step(self, label, fn):
        started = time.perf_counter()
        with transaction.atomic():
            rows = fn() or ""
        seconds = time.perf_counter() - started
        before = self.timings.get(label, (0, ""))[0]
        self.timings[label] = (before + seconds, rows)
        self.stdout.write(f"{label}: {seconds:.1f} s {rows}", ending="\n")
        self.stdout.flush()

    # --- areas and officials ----------------------------------------------------------------

    def areas_and_officials(self, counties, password):
        province = AdminArea.objects.create(code="520000000000", name="示例省", level=AreaLevel.PROVINCE)
        cities = {}
        county_rows, township_rows, village_rows = [], [], []
        for c in range(counties):
            city_n, county_n = c // 20 + 1, c % 20 + 1
            if city_n not in cities:
                cities[city_n] = AdminArea.objects.create(code=f"52{city_n:02d}00000000", name=f"第{city_n}市",
                                                          level=AreaLevel.CITY, parent=province)
            county_rows.append(AdminArea(code=f"52{city_n:02d}{county_n:02d}000000", name=f"第{c + 1}县",
                                         level=AreaLevel.COUNTY, parent=cities[city_n]))
        AdminArea.objects.bulk_create(county_rows)
        for c, county in enumerate(county_rows):
            for t in range(1, TOWNSHIPS + 1):
                township_rows.append(AdminArea(code=f"{county.code[:6]}{100 + t:03d}000", name=f"第{c + 1}县{t}镇",
                                               level=AreaLevel.TOWNSHIP, parent=county))
        AdminArea.objects.bulk_create(township_rows, batch_size=2000)
        for township in township_rows:
            for v in range(1, VILLAGES + 1):
                village_rows.append(AdminArea(code=f"{township.code[:9]}{200 + v:03d}", name=f"{township.name}{v}村",
                                              level=AreaLevel.VILLAGE, parent=township))
        AdminArea.objects.bulk_create(village_rows, batch_size=5000)

        User = get_user_model()
        hashed = make_password(password)
        perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="registry",
                                                                  codename__in=list(ROLES))}
        users, grants = [], []
        for c, county in enumerate(county_rows):
            for name, role in COUNTY_ROLES.items():
                users.append(User(username=f"c{c + 1}_{name}", password=hashed, is_staff=True))
                grants.append((role, county))
            for t in range(TOWNSHIPS):
                township = township_rows[c * TOWNSHIPS + t]
                for name, role in TOWNSHIP_ROLES.items():
                    users.append(User(username=f"c{c + 1}t{t + 1}_{name}", password=hashed, is_staff=True))
                    grants.append((role, village_rows[(c * TOWNSHIPS + t) * VILLAGES] if role == CLERK else township))
        User.objects.bulk_create(users, batch_size=2000)
        AreaUserGrant.objects.bulk_create([AreaUserGrant(user=u, permission=perms[role], content_object=area)
                                           for u, (role, area) in zip(users, grants)], batch_size=2000)
        with connection.cursor() as cursor:
            # Who holds each post where: tasks are held by, and opinions signed by, these officials.
            cursor.execute("CREATE TEMP TABLE seed_official (role text, prefix text, user_id int, username text)")
            cursor.executemany("INSERT INTO seed_official VALUES (%s, %s, %s, %s)", [
                (f"registry.{role}", area.code[:6] if area.level == AreaLevel.COUNTY else area.code[:9], u.pk,
                 u.username) for u, (role, area) in zip(users, grants)])
            cursor.execute("CREATE INDEX ON seed_official (role, prefix)")
            cursor.execute("CREATE TEMP TABLE seed_village (county int, local int, id bigint, code text)")
            cursor.executemany("INSERT INTO seed_village VALUES (%s, %s, %s, %s)", [
                (i // (TOWNSHIPS * VILLAGES), i % (TOWNSHIPS * VILLAGES), v.pk, v.code)
                for i, v in enumerate(village_rows)])
            cursor.execute("CREATE UNIQUE INDEX ON seed_village (county, local)")
        return f"{counties} 县 {len(township_rows)} 乡镇 {len(village_rows)} 村，{len(users)} 名工作人员"

    # --- households -------------------------------------------------------------------------------

    def prepare(self, per_county):
        """A slot table of one county (village, sequence number, variant, dates), repeated per county
        with the variants rotated, so that every county has the same shape but not the same rows."""
        rng = self.rng
        weights = [1 / k for k in range(1, TOWNSHIPS + 1)]
        scale = per_county / sum(weights)
        sizes = [int(w * scale) for w in weights]
        sizes[0] += per_county - sum(sizes)
        slots = []
        self.plan = build_plan()
        stage_pool = [s for s, share in STAGE_SHARE for _ in range(share)]
        for t, size in enumerate(sizes):
            for j in range(size):
                local = t * VILLAGES + j % VILLAGES
                seq = j // VILLAGES + 1
                stage = rng.choice(stage_pool)
                variant = rng.choice(self.plan.variants[stage])
                k = stages.ORDER.index(stage) if stage in stages.ORDER else 2
                deadline = stages.STAGES[stage].deadline_days if stage in stages.STAGES else 30
                in_stage = rng.uniform(0, deadline * 1.3)  # some overdue
                age = in_stage + k * rng.uniform(20, 45) + rng.uniform(1, 30)
                slots.append((len(slots), local, seq, stage, variant, k + 1, in_stage, age,
                              rng.random() * 100 < HELD_PERCENT))
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE seed_slot (j int, local int, seq int, stage text, variant text, "
                           "round int, in_stage float8, age float8, held bool)")
            with cursor.cursor.copy("COPY seed_slot FROM STDIN") as copy:
                for row in slots:
                    copy.write_row(row)
            cursor.execute("CREATE UNIQUE INDEX ON seed_slot (j)")
        self.plan_tables()
        return f"{len(slots):,} 个位置"

    def households(self, lo, hi, per_county):
        with connection.cursor() as cursor:
            cursor.execute("""
                CREATE TEMP TABLE seed_hh AS
                SELECT i, i / %(per)s AS county, s.local, s.seq, st.stage, st.variant, st.round,
                       st.in_stage, st.age, st.held, v.id AS village_id, v.code AS area_code,
                       v.code || lpad(s.seq::text, 4, '0') AS number,
                       %(now)s::timestamptz - make_interval(secs => st.age * 86400) AS created_at,
                       %(now)s::timestamptz - make_interval(secs => st.in_stage * 86400) AS entered_at
                FROM generate_series(%(lo)s, %(hi)s - 1) i
                JOIN seed_slot s ON s.j = i %% %(per)s
                JOIN seed_slot st ON st.j = (i %% %(per)s + (i / %(per)s) * 7919) %% %(per)s
                JOIN seed_village v ON v.county = i / %(per)s AND v.local = s.local
            """, {"now": self.now, "lo": lo, "hi": hi, "per": per_county})
            cursor.execute("""
                INSERT INTO registry_household (number, area_code, poverty_registered, poverty_reg_number,
                    relocation_reason, resettlement_mode, scattered_location, on_original_homestead,
                    planned_floor_area, self_funding, homestead_area, whole_village_relocation,
                    new_geological_hazard, contact_phone, stage, created_at, updated_at, village_id,
                    old_house_kept, old_house_kept_reason, stage_entered_at, stage_round, actual_floor_area,
                    reclaimed_area_mu)
                SELECT number, area_code, true, 'JD' || number,
                    (ARRAY['harsh_conditions','fragile_ecology','no_infrastructure','disease_or_hazard'])[1 + i %% 4],
                    'scattered', '集镇周边', false, 20 + (i %% 5) * 25, 2000 + (i %% 7) * 500, 120 + i %% 90,
                    i %% 23 = 0, false, '1' || (30 + i %% 60)::text || lpad((i %% 100000000)::text, 8, '0'),
                    stage, created_at, entered_at, village_id, false, '', entered_at, round,
                    CASE WHEN round > 6 THEN 20 + (i %% 5) * 25 END,
                    CASE WHEN round > 8 THEN 0.3 + (i %% 10) * 0.05 END
                FROM seed_hh ORDER BY i
            """, [])
            n = cursor.rowcount
            cursor.execute("ALTER TABLE seed_hh ADD COLUMN household_id bigint")
            cursor.execute("UPDATE seed_hh s SET household_id = h.id FROM registry_household h "
                           "WHERE h.number = s.number")
            cursor.execute("CREATE UNIQUE INDEX ON seed_hh (household_id)")
            cursor.execute("ANALYZE seed_hh")
        return f"{n:,} 户"

    # --- members ----------------------------------------------------------------------------------

    def members(self):
        rng = self.rng
        key_id = active_key_id()
        written = 0
        k = 0
        with connection.cursor() as reader:
            reader.execute("SELECT household_id, area_code, stage = 'removed' FROM seed_hh ORDER BY household_id")
            rows = reader.fetchall()
        base = datetime.date(1935, 1, 1)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                    "COPY registry_member (household_id, name, id_number, id_index, id_key, relation, sex, "
                    "birth_date, labour_ability, willing_to_work, employment, state_salaried, "
                    "relative_of_state_salaried, prior_housing_benefit, case_active) FROM STDIN") as copy:
                for household_id, area_code, removed in rows:
                    surname = rng.choice(SURNAMES)
                    for m in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))):
                        k += 1
                        birth = base + datetime.timedelta(days=k % 26000)
                        seq = (k // 26000) % 1000
                        body = f"{area_code[:6]}{birth:%Y%m%d}{seq:03d}"
                        number = body + _check_digit(body)
                        relation = RELATIONS[m]
                        name = (surname if relation in ("head", "child", "grandchild") else rng.choice(SURNAMES)) \
                            + rng.choice(GIVEN) + rng.choice(GIVEN)
                        copy.write_row((household_id, name, encrypt(number), blind_index(number), key_id,
                                        relation, "M" if seq % 2 else "F", birth,
                                        "normal", True, "local" if m < 2 else "n_a", False, False, False,
                                        not removed))
                        written += 1
        return f"{written:,} 人"

    # --- processes and tasks ---------------------------------------------------------------------

    def plan_tables(self):
        from documents.types import label_of  # noqa: PLC0415  (reason: the type table loads the document models)

        plan = self.plan
        docs = [(s.code, s.documents[0], label_of(s.documents[0])) for s in stages.HOUSEHOLD_STAGES if s.documents]
        kinds = [(step.code, kind) for stage in stages.HOUSEHOLD_STAGES for step in stage.steps
                 for kind in step.evidence]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE seed_doc_type (stage text, doc_type text, label text)")
            cursor.executemany("INSERT INTO seed_doc_type VALUES (%s, %s, %s)", docs)
            cursor.execute("CREATE TEMP TABLE seed_evidence_kind (step text, kind text)")
            cursor.executemany("INSERT INTO seed_evidence_kind VALUES (%s, %s)", kinds)
            cursor.execute("CREATE TEMP TABLE seed_plan_process (variant text, ord int, flow_class text, "
                           "status text, stage text, round int)")
            cursor.executemany("INSERT INTO seed_plan_process VALUES (%s, %s, %s, %s, %s, %s)", plan.processes)
            cursor.execute("CREATE TEMP TABLE seed_plan_task (variant text, ord int, t_ord int, node text, "
                           "kind text, status text, prev int[], role text, is_open bool, level text)")
            cursor.executemany("INSERT INTO seed_plan_task VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                               plan.tasks)

    def processes_and_tasks(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_process")
            process_base = cursor.fetchone()[0]
            # Past stages' processes run between the household's registration and its current stage.
            cursor.execute("""
                CREATE TEMP TABLE seed_process AS
                SELECT %(base)s + row_number() OVER (ORDER BY h.household_id, p.ord) AS id,
                       h.household_id, h.area_code, h.variant, h.held, h.county, p.ord, p.flow_class, p.status,
                       p.stage, p.round,
                       CASE WHEN p.status = 'NEW' THEN h.entered_at
                            ELSE h.created_at + (h.entered_at - h.created_at) * least(p.round - 1, h.round - 1) / greatest(h.round, 2)
                       END AS created,
                       CASE WHEN p.status = 'DONE'
                            THEN h.created_at + (h.entered_at - h.created_at) * least(p.round, h.round) / greatest(h.round, 2)
                       END AS finished
                FROM seed_hh h JOIN seed_plan_process p ON p.variant = h.variant
            """, {"base": process_base})
            cursor.execute("""
                INSERT INTO viewflow_process (id, flow_class, status, created, finished, data)
                SELECT id, flow_class, status, created, finished, '{}'::jsonb FROM seed_process ORDER BY id
            """)
            processes = cursor.rowcount
            cursor.execute("""
                INSERT INTO workflows_householdprocess (process_ptr_id, household_id, area_code, stage, round, is_open)
                SELECT id, household_id, area_code, stage, round, status = 'NEW' FROM seed_process ORDER BY id
            """)
            cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_task")
            task_base = cursor.fetchone()[0]
            cursor.execute("""
                CREATE TEMP TABLE seed_task AS
                SELECT %(base)s + row_number() OVER (ORDER BY p.id, t.t_ord) AS id, p.id AS process_id,
                       p.household_id, p.area_code, p.stage, p.round, p.created AS p_created, p.finished AS p_finished,
                       t.t_ord, t.node, t.kind, t.prev, t.role, t.level, p.flow_class,
                       CASE WHEN t.is_open AND p.held THEN 'ASSIGNED' ELSE t.status END AS status,
                       t.is_open
                FROM seed_process p JOIN seed_plan_task t ON t.variant = p.variant AND t.ord = p.ord
            """, {"base": task_base})
            cursor.execute("CREATE INDEX ON seed_task (process_id, t_ord)")
            # The flows' .Permission(obj=household) records the household the role is checked on.
            # Times: tasks of a process one after the other (an hour apart) from its start; the
            # open ones some days in. Owners: the official of the post over the household's area.
            cursor.execute("""
                INSERT INTO viewflow_task (id, flow_task, flow_task_type, status, created, started, finished,
                    token, owner_permission, owner_id, process_id, assigned, data,
                    owner_permission_content_type_id, owner_permission_obj_pk)
                SELECT t.id, t.flow_class || '.' || t.node, t.kind, t.status,
                       t.p_created + make_interval(hours => t.t_ord),
                       CASE WHEN t.status <> 'NEW' THEN t.p_created + make_interval(hours => t.t_ord) END,
                       CASE WHEN t.status = 'DONE' THEN t.p_created + make_interval(hours => t.t_ord + 1) END,
                       CASE WHEN t.kind = 'HUMAN' AND t.flow_class LIKE '%%AcceptanceFlow'
                            THEN 'start/' || (t.id - t.t_ord + 1) || '_' || (t.t_ord - 1) ELSE 'start' END,
                       t.role,
                       CASE WHEN t.kind = 'HUMAN' AND t.status <> 'NEW' THEN o.user_id END,
                       t.process_id,
                       CASE WHEN t.kind = 'HUMAN' AND t.status <> 'NEW' THEN t.p_created + make_interval(hours => t.t_ord) END,
                       '{}'::jsonb,
                       CASE WHEN t.kind = 'HUMAN' THEN %(household_type)s END,
                       CASE WHEN t.kind = 'HUMAN' THEN t.household_id::text END
                FROM seed_task t
                LEFT JOIN seed_official o ON o.role = t.role
                     AND o.prefix = substr(t.area_code, 1, CASE WHEN t.role IN (
                         'registry.role_county_office', 'registry.role_county_housing',
                         'registry.role_county_natural_resources') THEN 6 ELSE 9 END)
                ORDER BY t.id
            """, {"household_type": ContentType.objects.get_for_model(Household).pk})
            tasks = cursor.rowcount
            cursor.execute("""
                INSERT INTO viewflow_task_previous (from_task_id, to_task_id)
                SELECT t.id, p.id FROM seed_task t CROSS JOIN LATERAL unnest(t.prev) AS prev_ord
                JOIN seed_task p ON p.process_id = t.process_id AND p.t_ord = prev_ord
            """)
            links = cursor.rowcount
            cursor.execute("SELECT count(*) FROM seed_task WHERE is_open")
            open_tasks = cursor.fetchone()[0]
        return f"{processes:,} 流程，{tasks:,} 任务（待办 {open_tasks:,}），{links:,} 前序关系"

    def opinions(self):
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO workflows_opinion (area_code, stage, round, step, decision, text, role,
                    signature_level, created_at, actor_id, household_id)
                SELECT t.area_code, t.stage, t.round, t.node, 'approve', '经审核，情况属实，同意。',
                       substr(t.role, 10), t.level, t.p_created + make_interval(hours => t.t_ord + 1),
                       vt.owner_id, t.household_id
                FROM seed_task t JOIN viewflow_task vt ON vt.id = t.id
                WHERE t.kind = 'HUMAN' AND t.status = 'DONE'
                ORDER BY t.id
            """)
            return f"{cursor.rowcount:,} 条意见"

    def documents(self):
        year = self.now.year
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM documents_document")
            base = cursor.fetchone()[0]
            # One document (its first type) for each stage a household completed, numbered per county.
            cursor.execute("""
                CREATE TEMP TABLE seed_document AS
                SELECT %(base)s + row_number() OVER (ORDER BY p.id) AS id, p.household_id, p.area_code,
                       d.doc_type, d.label, p.finished AS created_at, c.name AS county_name,
                       substr(p.area_code, 1, 6) || '000000' AS county_code,
                       row_number() OVER (PARTITION BY substr(p.area_code, 1, 6), d.doc_type ORDER BY p.id) AS serial
                FROM seed_process p JOIN seed_doc_type d ON d.stage = p.stage
                JOIN registry_adminarea c ON c.code = substr(p.area_code, 1, 6) || '000000'
                WHERE p.status = 'DONE'
            """, {"base": base})
            cursor.execute("""
                INSERT INTO documents_document (id, doc_type, title, number, county_code, year, serial, area_code,
                    issuing_organ, created_at, household_id)
                SELECT id, doc_type, label, county_name || '搬迁〔' || %(year)s || '〕' || label || '第' || serial || '号',
                       county_code, %(year)s, serial, area_code, county_name || '易地扶贫搬迁工作领导小组办公室',
                       created_at, household_id
                FROM seed_document ORDER BY id
            """, {"year": year})
            n = cursor.rowcount
            cursor.execute("""
                INSERT INTO documents_documenthousehold (document_id, household_id)
                SELECT id, household_id FROM seed_document ORDER BY id
            """)
            cursor.execute("""
                INSERT INTO documents_documentversion (version, area_code, storage_name, size, sha256, sm3, pages,
                    template_version, verify_code, contains_unmasked_ids, reason, options, generated_at, document_id)
                SELECT 1, area_code, 'documents/' || substr(area_code, 1, 6) || '/seed/' || id || '.pdf',
                       40000 + id %% 9000, encode(sha256(id::text::bytea), 'hex'),
                       encode(sha256(('sm3' || id)::text::bytea), 'hex'), 1, 'seed',
                       upper(substr(md5(id::text), 1, 20)), false, '', '{}'::jsonb, created_at, id
                FROM seed_document ORDER BY id
            """, [])
            cursor.execute("""
                INSERT INTO documents_numbercounter (county_code, year, doc_type, last_serial)
                SELECT county_code, %(year)s, doc_type, max(serial) FROM seed_document GROUP BY 1, 3
            """, {"year": year})
        return f"{n:,} 份文书"

    def evidence(self):
        with connection.cursor() as cursor:
            # The evidence of each step done in the current stage's process and the last completed one.
            cursor.execute("""
                INSERT INTO documents_evidence (household_id, area_code, stage, kind, description, storage_name,
                    original_name, content_type, size, sha256, sm3, pages, uploaded_by_id, uploaded_at,
                    withdrawal_reason)
                SELECT t.household_id, t.area_code, t.stage, k.kind, '基准测试数据（无文件）',
                       'evidence/' || substr(t.area_code, 1, 6) || '/seed/' || t.id || '-' || k.kind || '.pdf',
                       k.kind || '.pdf', 'application/pdf', 120000, encode(sha256((t.id || k.kind)::bytea), 'hex'),
                       encode(sha256(('sm3' || t.id || k.kind)::bytea), 'hex'), 1, vt.owner_id,
                       t.p_created + make_interval(mins => t.t_ord * 60 + 30), ''
                FROM seed_task t JOIN seed_evidence_kind k ON k.step = t.node
                JOIN viewflow_task vt ON vt.id = t.id
                JOIN seed_hh h ON h.household_id = t.household_id
                WHERE t.kind = 'HUMAN' AND t.status = 'DONE' AND vt.owner_id IS NOT NULL
                  AND t.round >= h.round - 1
            """)
            return f"{cursor.rowcount:,} 件"

    # --- audit -------------------------------------------------------------------------------------

    def audit_events(self):
        """The current stage's events of each household, chained and keyed as audit.log records them."""
        from audit.log import chain_of  # noqa: PLC0415  (reason: audit below us, used here only)
        from audit.models import AuditEvent, CountyChainHead  # noqa: PLC0415

        key_id = current_key_id()
        labels = {code: role.label for code, role in ROLES.items()}
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT h.household_id, h.area_code, h.entered_at, h.stage, h.round, NULL, NULL, NULL, NULL
                FROM seed_hh h
                UNION ALL
                SELECT t.household_id, t.area_code, vt.finished, t.stage, t.round, t.node, vt.owner_id,
                       o.username, substr(t.role, 10)
                FROM seed_task t JOIN viewflow_task vt ON vt.id = t.id
                JOIN seed_hh h ON h.household_id = t.household_id AND h.round = t.round
                LEFT JOIN seed_official o ON o.user_id = vt.owner_id
                WHERE t.kind = 'HUMAN' AND vt.owner_id IS NOT NULL
                ORDER BY 3
            """)
            rows = cursor.fetchall()
        # One chain per county, as audit.log records them (issue 18 item 6): each chain continues
        # from its head (a county seeded in an earlier batch) or starts at the genesis.
        prev = dict(CountyChainHead.objects.values_list("chain", "last_hash"))
        written = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                    "COPY audit_auditevent (occurred_at, actor_id, actor_username, action, target_type, target_id, "
                    "area_code, data, actor_posts, key_id, chain, prev_hash, hash) FROM STDIN") as copy:
                for household_id, area, at, stage, round_, node, actor, username, role in rows:
                    if node is None:
                        action, data, posts = "household.stage_change", {"to": stage, "round": round_,
                                                                         "transition": "advance"}, None
                        actor, username = None, ""
                    elif at is None:  # held, not yet done
                        action, data = "task.claim", {"step": node, "stage": stage}
                        posts = [{"role": role, "label": labels.get(role, role)}]
                        at = self.now
                    else:
                        action, data = f"household.{node}.approve", {"role": role, "round": round_, "stage": stage,
                                                                     "changes": {}, "opinion": "经审核，情况属实，同意。"}
                        posts = [{"role": role, "label": labels.get(role, role)}]
                    chain = chain_of(area)
                    event = AuditEvent(occurred_at=at, actor_id=actor, actor_username=username or "",
                                       ip_address=None, action=action, target_type="workflows.householdlifecycle",
                                       target_id=str(household_id), area_code=area, data=data, actor_posts=posts,
                                       key_id=key_id, chain=chain, prev_hash=prev.get(chain, GENESIS_HASH))
                    event.hash = event_hash(event)
                    prev[chain] = event.hash
                    copy.write_row((at, actor, username or "", action, event.target_type, event.target_id, area,
                                    _json(data), _json(posts) if posts is not None else None, key_id, chain,
                                    event.prev_hash, event.hash))
                    written += 1
        for chain in prev:
            last = AuditEvent.objects.filter(chain=chain).order_by("-id").first()
            CountyChainHead.objects.update_or_create(chain=chain, defaults={"last_event_id": last.id,
                                                                            "last_hash": last.hash})
        return f"{written:,} 条"

    def finish(self):
        with connection.cursor() as cursor:
            for table in ("viewflow_process", "viewflow_task", "documents_document"):
                # Constant table names (the loop's), no input.
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # nosec B608
            for table in ("registry_household", "registry_member", "viewflow_process", "viewflow_task",
                          "workflows_householdprocess", "workflows_opinion", "documents_document",
                          "documents_evidence", "audit_auditevent"):
                cursor.execute(f"ANALYZE {table}")  # nosec B608  (constant table names)
        return ""


def _json(value) -> str:
    import json  # noqa: PLC0415  (reason: only the COPY rows need it)

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
