"""Transitions per second through workflows.households.service on PostgreSQL, and queries per transition.

    .venv/bin/python bench/lifecycle.py [--households 200] [--database-url postgres://...]

Builds a scratch database (default: relocation_bench on 127.0.0.1, dropped and recreated), a
county with officials and N households with their evidence, then times three kinds of step:
submit_application (申报 → 评议, a stage change), township_review (a step inside 审核) and
county_approval (审核 → 开工). Documents render after commit; they are measured separately
(with rendering off, then on) because they are the PDF engine's cost, not the service's.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/relocation_bench")
    parser.add_argument("--with-documents", type=int, default=20,
                        help="households timed again with post-commit PDF rendering on")
    return parser.parse_args()


def recreate_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main():
    args = parse()
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import tempfile

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-media-"))
    call_command("migrate", verbosity=0)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    import config.urls  # noqa: F401  (viewflow reverses task URLs)
    from documents.evidence.services import ingest_evidence
    from registry.models import AreaLevel
    from registry.models import HouseholdStage as S
    from tests.conftest import make_official
    from tests.factories import AreaFactory, HouseholdFactory
    from tests.workflows.conftest import upload
    from village_steps import to_approval
    from workflows.households import paperwork, service

    county = AreaFactory(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520999101000", name="城关镇", level=AreaLevel.TOWNSHIP, parent=county)
    village = AreaFactory(code="520999101201", name="村A", level=AreaLevel.VILLAGE, parent=town)
    clerk = make_official("clerk", "role_village_clerk", village)
    head = make_official("head", "role_village_head", village)
    reviewer = make_official("reviewer", "role_township_reviewer", town)
    office = make_official("office", "role_county_office", county)

    n = args.households + args.with_documents
    print(f"building {n} households with evidence ...", flush=True)
    households = []
    for _ in range(n):
        h = HouseholdFactory(village=village)
        for kind in ("hukou_scan", "current_house_photo", "signed_application"):
            ingest_evidence(actor=office, upload=upload(), stage=S.APPLY, kind=kind, household=h)
        households.append(h)

    def run(step, actor, subset, *, prepare=None):
        times, queries = [], []
        for h in subset:
            if prepare:
                prepare(h)
            reset_queries()  # the log is capped at 9000 entries; a full log captures nothing
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                service.decide(h.pk, step=step, actor=actor, decision="approve", opinion="同意")
                times.append(time.perf_counter() - start)
            queries.append(len(captured))
        return times, queries

    plain = households[: args.households]
    real_after_leaving = paperwork.after_leaving
    paperwork.after_leaving = lambda *a, **k: None  # service only
    rows = []
    t, q = run("submit_application", clerk, plain)
    rows.append(("submit_application (申报→评议)", t, q))
    to_approval(plain, village=village, head=head, clerk=clerk, office=office)
    t, q = run("township_review", reviewer, plain)
    rows.append(("township_review (审核内)", t, q))
    t, q = run("county_approval", office, plain)
    rows.append(("county_approval (审核→开工)", t, q))

    paperwork.after_leaving = real_after_leaving
    with_docs = households[args.households:]
    t_docs = []
    for h in with_docs:
        start = time.perf_counter()
        service.decide(h.pk, step="submit_application", actor=clerk, decision="approve", opinion="同意")
        t_docs.append(time.perf_counter() - start)  # includes the post-commit 申请表 render

    print(f"\nPostgreSQL, {args.households} households, through workflows.households.service.decide "
          "(row lock, scope, separation of duties, evidence, policy, opinion, audit, viewflow task):")
    print(f"{'step':34} {'per s':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, times, queries in rows:
        times_sorted = sorted(times)
        p95 = times_sorted[int(len(times_sorted) * 0.95) - 1]
        print(f"{label:34} {len(times) / sum(times):8.1f} {statistics.median(times) * 1000:10.1f} "
              f"{p95 * 1000:8.1f} {min(queries)}-{max(queries):<5}")
    if t_docs:
        print(f"\nsubmit_application with its 申请表 rendered after commit ({len(t_docs)} households): "
              f"{len(t_docs) / sum(t_docs):.1f} per s, median {statistics.median(t_docs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
