"""The county cockpit (the home page of a county post) at 1 M households, against one plain
`GROUP BY stage` over the same table, on PostgreSQL.

    .venv/bin/python bench/cockpit.py [--size 1000000] [--runs 7] [--database-url postgres://...]

Builds a scratch database (default: bench_cockpit on 127.0.0.1, dropped and recreated), one county of
20 townships × 10 villages, 200 sites (half with a leading industry; no funds ledger rows), and
`--size` households with their head and, for each in a stage with a flow, one open process and
human task (the stage's first step, routed to its post), written
with INSERT … SELECT over generate_series (every other column gets the model field's default, so
the script follows the models). Stages, modes, labour and employment are spread by the row number.

Prints the median of `--runs` for: the plain `SELECT stage, count(*) … GROUP BY stage`; the whole
county page through Django's test client (scoping, every figure, stages and overdue, overdue by the
post of each household's open step, rankings, charts, targets, the first page of households) with
its number of SQL queries; the ratio page / plain (issue 19 asks ≤ 2×); and, apart, what counting
the county's figures costs (monitoring.tallies.refresh: the beat job every few minutes, off the
page — the page reads its rows and prints their time; docs/scaling.md).

`--reuse` measures a database a previous run built (adding the open tasks if it has none).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOWNSHIPS, VILLAGES = 20, 10


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_cockpit")
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run built")
    return parser.parse_args()


def recreate_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def insert_select(model, expressions: dict, source_sql: str):
    """INSERT INTO model's table (every concrete column but the id) SELECT the given SQL expressions,
    the field's default (as a parameter) for the others, FROM `source_sql`."""
    from django.db import connection

    columns, values, params = [], [], []
    for field in model._meta.local_concrete_fields:  # a child model's own table only
        if field.primary_key and field.column not in expressions:
            continue
        columns.append(f'"{field.column}"')
        if field.column in expressions:
            values.append(expressions[field.column])
        else:
            default = field.get_default()
            values.append("%s")
            params.append(field.get_db_prep_save(default, connection))
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(values)} {source_sql}'
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def build(size):
    from decimal import Decimal

    from django.db import connection

    from registry.crypto import active_key_id
    from registry.models import AdminArea, AreaLevel, Household, Member, ResettlementSite
    from tests.conftest import make_official
    from workflows.models.sites import SiteProject

    county = AdminArea.objects.create(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    villages = []
    for t in range(1, TOWNSHIPS + 1):
        town = AdminArea.objects.create(code=f"520999{100 + t:03d}000", name=f"第{t}镇", level=AreaLevel.TOWNSHIP,
                                        parent=county)
        for v in range(1, VILLAGES + 1):
            villages.append(AdminArea.objects.create(code=f"{town.code[:9]}{200 + v:03d}", name=f"第{t}镇{v}村",
                                                     level=AreaLevel.VILLAGE, parent=town))
    office = make_official("county", "role_county_office", county)
    sites = []
    for n, village in enumerate(villages):
        town = village.parent
        sites.append(ResettlementSite.objects.create(code=f"AZD{n:04d}", name=f"安置点{n}", area=town, kind="urban",
                                                     planned_units=100, planned_persons=400,
                                                     planned_funds=Decimal("8000000")))
    SiteProject.objects.filter(site__in=sites[::2]).update(leading_industry="食用菌")
    values = ", ".join(f"({v.pk}, '{v.code}', {i})" for i, v in enumerate(villages))
    stage_case = ("CASE mod(g, 10) WHEN 0 THEN 'apply' WHEN 1 THEN 'review' WHEN 2 THEN 'approval' "
                  "WHEN 3 THEN 'construction' WHEN 4 THEN 'acceptance' WHEN 5 THEN 'move_in' "
                  "WHEN 6 THEN 'demolition' WHEN 7 THEN 'follow_up' WHEN 8 THEN 'follow_up' ELSE 'removed' END")
    start = time.perf_counter()
    insert_select(Household, {
        "number": "v.code || lpad((g / %d)::text, 4, '0')" % len(villages),
        "village_id": "v.id", "area_code": "v.code", "stage": stage_case,
        "resettlement_mode": "CASE WHEN mod(g, 3) = 0 THEN 'scattered' ELSE 'centralised' END",
        "relocation_reason": "'harsh_conditions'", "scattered_location": "'集镇'",
        "planned_floor_area": "25", "self_funding": "3000",
        "old_house_kept": "mod(g, 50) = 0",
        "stage_entered_at": "now() - mod(g, 200) * interval '1 day'",
        "created_at": "now()", "updated_at": "now()",
    }, f"FROM generate_series(1, {size}) g JOIN (VALUES {values}) v(id, code, idx) ON v.idx = mod(g, {len(villages)})")
    # One ciphertext for every head (the page never decrypts them); the blind index differs per row.
    cipher = Member._meta.get_field("id_number").get_db_prep_save("520121197001010010", connection)
    assert "'" not in cipher and "'" not in active_key_id()
    insert_select(Member, {
        "household_id": "h.id", "name": "'户主'", "id_number": f"'{cipher}'", "id_index": "md5(h.id::text)",
        "id_key": f"'{active_key_id()}'", "relation": "'head'", "sex": "'M'", "birth_date": "'1970-01-01'",
        "labour_ability": "CASE WHEN mod(h.id, 4) = 0 THEN 'none' ELSE 'normal' END",
        "employment": "CASE WHEN mod(h.id, 3) = 0 THEN 'unemployed' ELSE 'local' END",
        "case_active": "h.stage <> 'removed'",
    }, "FROM registry_household h")
    print(f"built {size:,} households and their heads in {time.perf_counter() - start:.1f} s", flush=True)
    build_tasks()
    return county, office


def build_tasks():
    """One open process per household in a stage with a flow (申报, 审核审批, 开工, 验收, 入住, 拆旧复垦),
    with one open human task: the stage table's first step, routed to its post — what the cockpit's
    "逾期环节（按岗位）" counts. Set-based: processes carry their household in seed_object_id while
    the subclass rows and the tasks are written from them."""
    from django.db import connection
    from viewflow.workflow.fields import get_flow_ref, get_task_ref
    from viewflow.workflow.models import Process, Task

    from workflows.households import flows, stages
    from workflows.models.households import HouseholdProcess

    start = time.perf_counter()
    flow_case, task_case, post_case = [], [], []
    for code, flow_class in flows.STAGE_FLOWS.items():
        step = stages.STAGES[code].steps[0]
        node = next(n for n in flow_class.instance.nodes() if n.name == step.code)
        flow_case.append(f"WHEN '{code}' THEN '{get_flow_ref(flow_class)}'")
        task_case.append(f"WHEN '{code}' THEN '{get_task_ref(node)}'")
        post_case.append(f"WHEN '{code}' THEN 'registry.{step.roles[0]}'")
    codes = ", ".join(f"'{c}'" for c in flows.STAGE_FLOWS)
    insert_select(Process, {
        "flow_class": f"CASE h.stage {' '.join(flow_case)} END", "status": "'NEW'", "created": "h.stage_entered_at",
        "seed_object_id": "h.id",
    }, f"FROM registry_household h WHERE h.stage IN ({codes}) ORDER BY h.id")
    insert_select(HouseholdProcess, {
        "process_ptr_id": "p.id", "household_id": "h.id", "area_code": "h.area_code", "stage": "h.stage",
        "round": "1",
    }, "FROM viewflow_process p JOIN registry_household h ON h.id = p.seed_object_id "
       "WHERE p.flow_class LIKE 'workflows/households.%%'")
    insert_select(Task, {
        "flow_task": f"CASE hp.stage {' '.join(task_case)} END", "flow_task_type": "'HUMAN'", "status": "'NEW'",
        "created": "p.created", "token": "'start'", "process_id": "p.id",
        "owner_permission": f"CASE hp.stage {' '.join(post_case)} END",
    }, "FROM workflows_householdprocess hp JOIN viewflow_process p ON p.id = hp.process_ptr_id")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {HouseholdProcess.objects.count():,} open processes and tasks in "
          f"{time.perf_counter() - start:.1f} s", flush=True)


def median_of(runs, fn):
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    args = parse()
    if not args.reuse:
        recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client

    import config.urls  # noqa: F401
    from monitoring import tallies
    from tests.second_factor import mark_verified
    from workflows import worklist
    from workflows.models.households import HouseholdProcess

    settings.ALLOWED_HOSTS = ["*"]
    if args.reuse:
        from django.contrib.auth import get_user_model

        from registry.models import Household

        office = get_user_model().objects.get(username="county")
        args.size = Household.objects.count()
        if not HouseholdProcess.objects.exists():  # a database built before the tasks were
            build_tasks()
    else:
        _county, office = build(args.size)

    open_tasks = HouseholdProcess.objects.count()

    def plain():
        with connection.cursor() as cursor:
            cursor.execute("SELECT stage, count(*) FROM registry_household WHERE area_code LIKE %s GROUP BY stage",
                           ["520999%"])
            cursor.fetchall()

    client = Client()
    client.force_login(office)
    mark_verified(client, office)  # the second factor, as tests/second_factor.py gives it

    def page():
        response = client.get("/")
        assert response.status_code == 200, response.status_code

    # Counted by a wrapper: the test client's request_started signal empties connection.queries.
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    refresh_s = median_of(max(1, args.runs // 3), lambda: tallies.refresh("520999"))
    with connection.execute_wrapper(count):
        page()
    plain_s = median_of(args.runs, plain)
    page_s = median_of(args.runs, page)
    # The navigation's 待办 badge is on every page (approvals/context.py over workflows.worklist's scope,
    # not the cockpit's): timed apart so that a change there shows as such.
    badge_s = median_of(args.runs, lambda: worklist.bounded_count(worklist.queue(office) | worklist.inbox(office)))
    print(f"households: {args.size:,}  (open household tasks: {open_tasks:,})")
    print(f"plain GROUP BY stage:                 {plain_s * 1000:8.1f} ms")
    print(f"county cockpit page:                  {page_s * 1000:8.1f} ms  ({len(captured)} queries)")
    print(f"ratio page / plain:                   {page_s / plain_s:8.2f}×  (issue 19 asks ≤ 2×)")
    print(f"  of the page, the 待办 badge:          {badge_s * 1000:8.1f} ms  (page without it: "
          f"{(page_s - badge_s) / plain_s:.2f}× plain)")
    print(f"the county's tally counted (beat job): {refresh_s * 1000:8.1f} ms  (every MONITORING_TALLY_MINUTES, "
          "off the page)")


if __name__ == "__main__":
    main()
