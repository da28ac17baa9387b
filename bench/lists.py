"""The list pages of issue 18 at two sizes of the province, measured side by side on PostgreSQL.

    .venv/bin/python bench/lists.py [--small scale_10k] [--large scale_1m] [--runs 21]

Both databases are built beforehand by `manage.py seed_scale --households N` (docs/scaling.md);
their first county is the same (its largest township ≈ 3 000 households, the county 10 000), only
the rest of the province differs. One worker process per database (Django serves one database per
process); the parent sends them the same request in turn — small, large, small, large … — so
that the machine's load (two busy cores) falls on both sides of each ratio alike. Each figure is
the median of `--runs` full requests through Django's test client (session with the second
factor, scoping, rows, counts, template), after one warm-up request, with its SQL query count.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (label, official, address): the worst realistic scopes — the largest township, the county.
PAGES = [
    ("township reviewer, 待我办理 page 1", "c1t1_reviewer", "/work/?tab=inbox"),
    ("township reviewer, 可领取 page 1", "c1t1_reviewer", "/work/?tab=queue"),
    ("township reviewer, queue newest page 1", "c1t1_reviewer", "/work/?tab=queue&sort=newest"),
    ("township reviewer, queue by number page 1", "c1t1_reviewer", "/work/?tab=queue&sort=number"),
    ("township leader, 辖区全部 page 1", "c1t1_leader", "/work/?tab=area"),
    ("county office, queue page 1", "c1_office", "/work/?tab=queue"),
    ("county office, home", "c1_office", "/"),
    ("county office, 辖区全部 tab", "c1_office", "/work/?tab=area"),
    ("county office, /households/", "c1_office", "/households/"),
    ("county office, /households/ page 40", "c1_office", "/households/?page=40"),
    ("API tasks (reviewer, all)", "c1t1_reviewer", "/api/v1/tasks/"),
    ("API tasks (county, queue)", "c1_office", "/api/v1/tasks/?box=queue"),
    ("API households (county)", "c1_office", "/api/v1/households/"),
]


def worker(database_url):
    """Serve requests for the parent: one JSON line in (page index), one JSON line out."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.models import ApiToken
    from registry.models import Household
    from tests.second_factor import mark_verified

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    clients = {}
    for _, username, address in PAGES:
        key = (username, address.startswith("/api/"))
        if key in clients:
            continue
        user = get_user_model().objects.get(username=username)
        client = Client()
        if key[1]:
            _, token = ApiToken.issue(user=user, name=f"bench-{username}")
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
        else:
            client.force_login(user)
            mark_verified(client, user)
        clients[key] = client
    households = Household.objects.count()
    print(json.dumps({"households": households}), flush=True)
    for line in sys.stdin:
        index = int(line)
        _, username, address = PAGES[index]
        client = clients[(username, address.startswith("/api/"))]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(address)
            elapsed = time.perf_counter() - started
        body = response.content.decode()
        print(json.dumps({"ms": elapsed * 1000, "queries": len(captured), "status": response.status_code,
                          "rows": body.count("data-task=") or body.count("<tr") or body.count('"id":')}),
              flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", default="scale_10k")
    parser.add_argument("--large", default="scale_1m")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--host", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    sides = []
    for name in (args.small, args.large):
        proc = subprocess.Popen([sys.executable, __file__, "--worker", args.host + name], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=ROOT)
        sides.append((name, proc, json.loads(proc.stdout.readline())["households"]))

    def ask(proc, index):
        proc.stdin.write(f"{index}\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    pages = [i for i, (label, _, _) in enumerate(PAGES) if args.only in label]
    results = {}
    for index in pages:
        for _, proc, _ in sides:
            ask(proc, index)  # warm-up: templates, plan caches, connection
        for run in range(args.runs):
            order = sides if run % 2 == 0 else sides[::-1]
            for name, proc, _ in order:
                side = 0 if proc is sides[0][1] else 1
                results.setdefault((index, side), []).append(ask(proc, index))
    for _, proc, _ in sides:
        proc.stdin.close()
        proc.wait()

    (small, _, n_small), (large, _, n_large) = sides
    print(f"\nPostgreSQL, median of {args.runs} interleaved requests ({time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} cores):")
    print(f"| page | {n_small:,} households | {n_large:,} households | ratio |")
    print("|---|---|---|---|")
    for index in pages:
        cells = []
        for side in (0, 1):
            got = results[(index, side)]
            statuses = {g["status"] for g in got}
            queries = sorted({g["queries"] for g in got})
            q = str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"
            median = statistics.median(g["ms"] for g in got)
            bad = "" if statuses == {200} else f" HTTP {sorted(statuses)}"
            cells.append((median, f"{median:.1f} ms, {q} q{bad}"))
        ratio = cells[1][0] / cells[0][0]
        print(f"| {PAGES[index][0]} | {cells[0][1]} | {cells[1][1]} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
