"""County approvals per second with 1, 2 and 4 processes on PostgreSQL (issue 18 item 6).

    .venv/bin/python bench/parallel_approvals.py [--per-run 40] [--database-url postgres://...]

Builds a scratch database (default relocation_bench_parallel, dropped and recreated) with four
counties, each with a township, a village and its officials, and households walked on the real
path to the county approval (申报, 民主评议, 公示 and its closing, 乡镇初审 — real viewflow
processes). Then, for 1, 2 and 4 worker processes started together, each worker approves
`--per-run` households of its own county through workflows.households.service.decide (PDFs off:
they render after commit, on Celery). Printed: approvals per second over the wall-clock time of
each run. Before the audit chain was per county, every approval locked the one chain head until
commit, and more processes could not add much; now each county has its own head.
A last run puts four workers on one county, where they still share its head.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
COUNTIES = 4
RUNS = [(1, "different"), (2, "different"), (4, "different"), (4, "same")]


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-run", type=int, default=40, help="approvals per worker per run")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/relocation_bench_parallel")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args()


def django_setup(url, media):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = Path(media)
    import config.urls  # noqa: F401  (viewflow reverses task URLs)
    from workflows.households import paperwork

    paperwork.after_leaving = lambda *a, **k: None  # PDFs render after commit, elsewhere


def worker(spec):
    """Wait for a line on stdin, approve the given households, print {"n", "seconds"}."""
    spec = json.loads(spec)
    django_setup(spec["url"], spec["media"])
    from django.contrib.auth import get_user_model

    from workflows.households import service

    office = get_user_model().objects.get(username=spec["office"])
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    for pk in spec["households"]:
        service.decide(pk, step="county_approval", actor=office, decision="approve", opinion="同意")
    print(json.dumps({"n": len(spec["households"]), "seconds": time.perf_counter() - started}), flush=True)


def build(args, media):
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(args.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    django_setup(args.database_url, media)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from documents.evidence.services import ingest_evidence
    from registry.models import AreaLevel
    from registry.models import HouseholdStage as S
    from tests.conftest import make_official
    from tests.factories import AreaFactory, HouseholdFactory
    from tests.workflows.conftest import upload
    from village_steps import to_approval
    from workflows.households import service

    # Each county's households: enough for every run that uses the county.
    needed = {c: sum(1 for n, kind in RUNS if kind == "different" and c < n) + (1 if c == 0 else 0)
              for c in range(COUNTIES)}
    province = AreaFactory(code="520000000000", name="示例省", level=AreaLevel.PROVINCE)
    plan = {}
    for c in range(COUNTIES):
        code = f"5201{c + 1:02d}"
        county = AreaFactory(code=code + "000000", name=f"示例县{c + 1}", level=AreaLevel.COUNTY, parent=province)
        town = AreaFactory(code=code + "101000", name=f"城关镇{c + 1}", level=AreaLevel.TOWNSHIP, parent=county)
        village = AreaFactory(code=code + "101201", name=f"村{c + 1}", level=AreaLevel.VILLAGE, parent=town)
        clerk = make_official(f"clerk{c}", "role_village_clerk", village)
        head = make_official(f"head{c}", "role_village_head", village)
        reviewer = make_official(f"reviewer{c}", "role_township_reviewer", town)
        office = make_official(f"office{c}", "role_county_office", county)
        count = needed[c] * args.per_run
        print(f"county {code}: walking {count} households to the county approval ...", flush=True)
        households = [HouseholdFactory(village=village) for _ in range(count)]
        for h in households:
            for kind in ("hukou_scan", "current_house_photo", "signed_application"):
                ingest_evidence(actor=office, upload=upload(), stage=S.APPLY, kind=kind, household=h)
            service.decide(h.pk, step="submit_application", actor=clerk, decision="approve", opinion="同意")
        to_approval(households, village=village, head=head, clerk=clerk, office=office)
        for h in households:
            service.decide(h.pk, step="township_review", actor=reviewer, decision="approve", opinion="同意")
        plan[c] = {"office": office.username, "households": [h.pk for h in households]}
    return plan


def run(args, media, assignments):
    """Start one worker per (office, households), let them go together, wall-clock time."""
    procs = []
    for office, households in assignments:
        spec = json.dumps({"url": args.database_url, "media": media, "office": office, "households": households})
        proc = subprocess.Popen([sys.executable, __file__, "--worker", spec], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=ROOT)
        procs.append(proc)
    for proc in procs:
        while proc.stdout.readline().strip() != "ready":
            pass
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        for line in proc.stdout:
            if line.startswith("{"):
                results.append(json.loads(line))
        proc.wait()
    wall = time.perf_counter() - started
    return sum(r["n"] for r in results), wall


def main():
    args = parse()
    if args.worker:
        return worker(args.worker)
    media = tempfile.mkdtemp(prefix="bench-media-")
    plan = build(args, media)
    used = {c: 0 for c in plan}

    def take(c, n):
        found = plan[c]["households"][used[c]: used[c] + n]
        used[c] += n
        return found

    print(f"\nPostgreSQL, county approvals (审核→开工) through service.decide, {args.per_run} per worker, PDFs off; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}:")
    print(f"{'processes':>10} {'counties':>10} {'approvals':>10} {'seconds':>8} {'per s':>7}")
    for n, kind in RUNS:
        if kind == "different":
            assignments = [(plan[c]["office"], take(c, args.per_run)) for c in range(n)]
        else:
            assignments = [(plan[0]["office"], take(0, args.per_run // n)) for _ in range(n)]
        total, wall = run(args, media, assignments)
        counties = n if kind == "different" else 1
        print(f"{n:>10} {counties:>10} {total:>10} {wall:8.1f} {total / wall:7.1f}", flush=True)


if __name__ == "__main__":
    main()
