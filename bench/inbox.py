"""The first inbox page of a township reviewer at 10 k and at 100 k households, on PostgreSQL.

    .venv/bin/python bench/inbox.py [--sizes 10000,100000] [--database-url postgres://...]

Builds a scratch database (default: relocation_bench_inbox on 127.0.0.1, dropped and recreated)
and grows it to each size: households with a head, each with one open viewflow task of the stage
table (申报, 乡镇审核, 县级审批, 开工, 验收 …), created over the last 90 days, some held by an
official. Rows are written in bulk (the lifecycle service is bench/lifecycle.py's subject); the
tasks are the ones the flows write.

Two ways to grow (--grow):
- `townships` (default): the system takes on more townships (500 households each, 10 villages):
  the measured reviewer's township stays the same while the tables grow 10×. This is the
  question of the issue: does the page cost depend on the size of the table?
- `township`: all households land in the same 20 townships, so the reviewer's own township grows
  10× too. Per-step counts then grow with the township's open tasks until they reach the cap
  (APPROVALS_COUNT_CAP), after which they stay flat.

At each size it times the full request of /work/ (the reviewer's default tab), /work/?tab=queue
and a filtered queue page through Django's test client — scoping, rows, per-step counts, badge,
template — and prints the median of 15 runs and the number of SQL queries. The page must not
grow with the table: no COUNT over it, counts bounded at APPROVALS_COUNT_CAP, LIMITed pages. It
also times a deep page of the queue (--deep-page, default 4) both by OFFSET (?page=N, old links)
and by the pager's keyset cursor (what the 下一页 links carry), next to page 1.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOWNSHIPS, VILLAGES, PER_TOWNSHIP = 20, 10, 500
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = "德华明国建平志红英秀兰芳军文玉光春海金桂林荣贵顺"
# (flow, node, share): where the open task of each generated household stands.
TASK_MIX = [
    ("ApplicationFlow", "submit_application", 30),
    ("ApprovalFlow", "township_review", 20),
    ("ApprovalFlow", "county_approval", 10),
    ("ConstructionFlow", "start_record", 15),
    ("AcceptanceFlow", "township_acceptance", 10),
    ("MoveInFlow", "move_in_confirmation", 10),
    ("RemovalFlow", "removal_approval", 5),
]
STAGE_OF_FLOW = {"ApplicationFlow": "apply", "ApprovalFlow": "approval", "ConstructionFlow": "construction",
                 "AcceptanceFlow": "acceptance", "MoveInFlow": "move_in", "RemovalFlow": "approval"}


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/relocation_bench_inbox")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--grow", choices=["townships", "township"], default="townships")
    parser.add_argument("--deep-page", type=int, default=4,
                        help="also time this page of the queue, by OFFSET (?page=N) and by the pager's cursor")
    return parser.parse_args()


def recreate_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def id_number(i):
    from stdnum.cn import ric

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000)
    body = f"520121{birth:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def grow(start, stop, villages, officials, rng):
    """Households start..stop-1 with their head and one open task each, written in bulk."""
    from django.db import connection
    from django.utils import timezone
    from viewflow.workflow.models import Process, Task

    from registry.crypto import active_key_id, blind_index
    from registry.models import Household, Member
    from workflows.households import flows

    now = timezone.now()
    weights = [share for _, _, share in TASK_MIX]
    key_id = active_key_id()
    for chunk in range(start, stop, 5000):
        ids = range(chunk, min(chunk + 5000, stop))
        plan = []
        households = []
        for i in ids:
            village = villages[i % len(villages)]
            flow_name, node, _ = rng.choices(TASK_MIX, weights)[0]
            created = now - datetime.timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
            plan.append((flow_name, node, created))
            households.append(Household(
                number=f"{village.code}{i // len(villages):04d}", village=village, area_code=village.code,
                relocation_reason="harsh_conditions", resettlement_mode="scattered", scattered_location="集镇",
                planned_floor_area=25, self_funding=3000, stage=STAGE_OF_FLOW[flow_name], stage_round=1,
                stage_entered_at=created))
        Household.objects.bulk_create(households, batch_size=2000)
        members = []
        for i, h in zip(ids, households):
            number = id_number(i)
            members.append(Member(
                household=h, name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), id_number=number,
                id_index=blind_index(number), id_key=key_id, relation="head", sex="M",
                birth_date=datetime.date(1970, 1, 1), employment="local"))
        Member.objects.bulk_create(members, batch_size=2000)
        processes = [Process(flow_class=getattr(flows, flow_name), status="NEW", created=created)
                     for flow_name, _, created in plan]
        Process.objects.bulk_create(processes, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO workflows_householdprocess (process_ptr_id, household_id, area_code, stage, round) "
                "VALUES (%s, %s, %s, %s, 1)",
                [(p.pk, h.pk, h.area_code, h.stage) for p, h in zip(processes, households)])
        tasks = []
        for (flow_name, node_name, created), process, household in zip(plan, processes, households):
            node = getattr(flows, flow_name).instance.node(node_name)
            role = node._owner_permission
            owner = None
            if rng.random() < 0.15:  # some are held already
                owner = officials.get((role, household.area_code[:9]))
            tasks.append(Task(process=process, flow_task=node, flow_task_type="HUMAN",
                              status="ASSIGNED" if owner else "NEW", owner=owner, owner_permission=role,
                              created=created))
        Task.objects.bulk_create(tasks, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url, runs):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: template and plan caches
    times, queries = [], []
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    return statistics.median(times), queries, response


def cursor_url(client, url, page):
    """The address the pager's 下一页 links lead to for `page` (keyset cursor), or None."""
    import html
    import re

    link = re.compile(r'<a href="(\?[^"]*)">下一页</a>')
    for _ in range(page - 1):
        found = link.search(client.get(url).content.decode())
        if found is None:
            return None
        url = "/work/" + html.unescape(found.group(1))
    return url


def main():
    args = parse()
    sizes = [int(s) for s in args.sizes.split(",")]
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db.models.signals import post_save
    from django.test import Client

    import config.urls  # noqa: F401
    from registry.models import AdminArea, AreaLevel
    from tests.conftest import make_official
    from workflows.households import signals

    post_save.disconnect(signals.open_application, dispatch_uid="workflows.open_application")
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(6)
    county = AdminArea.objects.create(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    villages, officials = [], {}

    def add_townships(count):
        for t in range(len(villages) // VILLAGES + 1, len(villages) // VILLAGES + count + 1):
            town = AdminArea.objects.create(code=f"520999{100 + t:03d}000", name=f"第{t}镇",
                                            level=AreaLevel.TOWNSHIP, parent=county)
            officials[("registry.role_township_reviewer", town.code[:9])] = make_official(
                f"reviewer{t}", "role_township_reviewer", town)
            for v in range(1, VILLAGES + 1):
                village = AdminArea.objects.create(code=f"{town.code[:9]}{200 + v:03d}", name=f"第{t}镇{v}村",
                                                   level=AreaLevel.VILLAGE, parent=town)
                villages.append(village)
                officials[("registry.role_village_clerk", town.code[:9])] = make_official(
                    f"clerk{t}_{v}", "role_village_clerk", village)

    add_townships(TOWNSHIPS if args.grow == "township" else sizes[0] // PER_TOWNSHIP)
    make_official("county", "role_county_office", county)
    reviewer = officials[("registry.role_township_reviewer", "520999101")]

    client = Client()
    client.force_login(reviewer)
    urls = [("/work/", "default tab (待我办理)"), ("/work/?tab=queue", "queue (可领取)"),
            ("/work/?tab=queue&step=township_review&sort=newest&page=3", "queue, one step, newest, page 3")]
    results = {}
    done = 0
    for size in sizes:
        print(f"generating households {done}..{size} ...", flush=True)
        started = time.perf_counter()
        first_new = len(villages)
        if args.grow == "townships" and size // PER_TOWNSHIP > len(villages) // VILLAGES:
            add_townships(size // PER_TOWNSHIP - len(villages) // VILLAGES)
        # New households go to the new townships (or, growing one township, to the same ones).
        targets = villages[first_new:] if args.grow == "townships" and done else villages
        grow(done, size, targets, officials, rng)
        done = size
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
        deep = args.deep_page
        keyset = cursor_url(client, "/work/?tab=queue&sort=newest", deep)
        measured = [*urls, (f"/work/?tab=queue&sort=newest&page={deep}", f"queue, newest, page {deep} (OFFSET)"),
                    ("/work/?tab=queue&sort=newest", "queue, newest, page 1")]
        for url, label in measured:
            median, queries, response = measure(client, url, args.runs)
            results[(size, label)] = (median, queries, response.content.decode().count("data-task="))
        if keyset is not None:
            median, queries, response = measure(client, keyset, args.runs)
            results[(size, f"queue, newest, page {deep} (cursor)")] = (
                median, queries, response.content.decode().count("data-task="))

    how = ("more townships of 500 households; the reviewer's township unchanged" if args.grow == "townships"
           else f"{TOWNSHIPS} townships growing; the reviewer's township grows with the table")
    print(f"\nPostgreSQL, township reviewer, grown by {how}; median of {args.runs} requests "
          "(full Django request: scope, rows, per-step counts, badge, template):")
    print(f"{'page':38} " + " ".join(f"{f'{s:,} households':>24}" for s in sizes) + "   ratio")
    labels = list(dict.fromkeys(label for _, label in results))
    for label in labels:
        cells = []
        for size in sizes:
            if (size, label) not in results:
                cells.append("(fewer pages)")
                continue
            median, queries, rows = results[(size, label)]
            span = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
            cells.append(f"{median * 1000:7.1f} ms {span:>3} q {rows:>3} rows")
        both = (sizes[-1], label) in results and (sizes[0], label) in results
        ratio = f"{results[(sizes[-1], label)][0] / results[(sizes[0], label)][0]:.2f}" if both else "—"
        print(f"{label:38} " + " ".join(f"{c:>24}" for c in cells) + f"   {ratio}")


if __name__ == "__main__":
    main()
