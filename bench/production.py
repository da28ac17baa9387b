"""Throughput of the production processes, to size a province (docs/scaling.md):

- one gunicorn worker process serving a township reviewer's inbox (/work/), signed in through
  the real two-step sign-in, two clients keeping it busy;
- one Celery worker process (concurrency 1) rendering application forms (PDF/A, Chinese fonts,
  QR code, 文号, archive filing) that the bench queues in Redis.

    .venv/bin/python bench/production.py [--households 5000] [--pdfs 40] [--seconds 20]

Builds a scratch PostgreSQL database (relocation_bench_prod, dropped and recreated) with
bench/inbox.py's generator (townships of 500 households, each with an open task), starts its own
redis-server, gunicorn (WEB_CONCURRENCY=1) and the worker from the Procfile with production
settings and local files, prints the figures, and stops every process it started. The first
run collects static files into var/bench-static (about two minutes: compression).
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/relocation_bench_prod")
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--pdfs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    import inbox  # bench/inbox.py: the scratch database and its households with open tasks

    from tests.ops.stack import Deadline, Stack, free_port, procfile, production_env, redis_command

    inbox.recreate_database(args.database_url)
    redis_port, web_port = free_port(), free_port()
    os.environ.update({"DATABASE_URL": args.database_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    import random

    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command
    from django.db.models.signals import post_save

    import config.urls  # noqa: F401
    from documents.models import Document
    from registry.models import AdminArea, AreaLevel, Household
    from tests.conftest import make_official
    from tests.ops.test_production_smoke import sign_in
    from tests.second_factor import confirmed_device
    from workflows.households import signals
    from workflows.households.paperwork import render_lifecycle_documents

    print("migrating and generating households ...", flush=True)
    call_command("migrate", verbosity=0)
    post_save.disconnect(signals.open_application, dispatch_uid="workflows.open_application")
    county = AdminArea.objects.create(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    villages, officials = [], {}
    for t in range(1, args.households // inbox.PER_TOWNSHIP + 1):
        town = AdminArea.objects.create(code=f"520999{100 + t:03d}000", name=f"第{t}镇", level=AreaLevel.TOWNSHIP,
                                        parent=county)
        officials[("registry.role_township_reviewer", town.code[:9])] = make_official(
            f"reviewer{t}", "role_township_reviewer", town)
        for v in range(1, inbox.VILLAGES + 1):
            villages.append(AdminArea.objects.create(code=f"{town.code[:9]}{200 + v:03d}", name=f"第{t}镇{v}村",
                                                     level=AreaLevel.VILLAGE, parent=town))
    inbox.grow(0, args.households, villages, officials, random.Random(6))
    reviewer = officials[("registry.role_township_reviewer", "520999101")]
    password = "Bench-pass-2026-prod"
    reviewer.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    reviewer.save()
    device = confirmed_device(reviewer)

    workdir = Path(tempfile.mkdtemp(prefix="bench-prod-"))
    env = production_env(database_url=args.database_url, redis_url=os.environ["REDIS_URL"], s3_port=0,
                         web_port=web_port, workdir=workdir)
    for key in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key)  # local files on this one machine
    env.update({"WEB_CONCURRENCY": "1", "STATIC_ROOT": str(ROOT / "var" / "bench-static"), "OPS_SINGLE_MACHINE": "1",
                "MEDIA_ROOT": str(workdir / "media")})
    stack, deadline = Stack(workdir, env), Deadline(1800)
    try:
        if not (ROOT / "var" / "bench-static" / "staticfiles.json").exists():
            print("collecting static files ...", flush=True)
            assert stack.run("collectstatic", "--noinput", "-v", "0", timeout=900).returncode == 0
        stack.start("redis", redis_command(redis_port, workdir))
        lines = procfile()
        stack.start("web", lines["web"])
        import requests

        url = f"http://127.0.0.1:{web_port}"
        deadline.wait_for("gunicorn", lambda: requests.get(f"{url}/healthz", timeout=5).status_code, within=120)
        session = sign_in(url, reviewer.username, password, device)
        rows = session.get(f"{url}/work/", timeout=30).text.count("data-task=")
        print(f"\ninbox /work/ of a township reviewer ({rows} rows on the page, {args.households:,} households):")
        for clients in (1, 2):
            times, stop = [], time.monotonic() + args.seconds

            def hammer(times=times, stop=stop):
                own = requests.Session()
                own.cookies.update(session.cookies)
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    assert own.get(f"{url}/work/", timeout=30).status_code == 200
                    times.append(time.perf_counter() - started)

            threads = [threading.Thread(target=hammer) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print(f"  one gunicorn worker process, {clients} client(s): {len(times) / args.seconds:.1f} pages/s, "
                  f"median {statistics.median(times) * 1000:.0f} ms")

        stack.start("worker", lines["worker"])  # CELERY_WORKER_CONCURRENCY=1 (production_env)
        ids = list(Household.objects.order_by("pk").values_list("pk", flat=True)[: args.pdfs + 2])
        for pk in ids[:2]:  # warm-up: fonts and WeasyPrint loaded
            render_lifecycle_documents.delay(["application_form"], None, [pk], True, {})
        deadline.wait_for("warm-up", lambda: Document.objects.filter(doc_type="application_form").count() >= 2,
                          within=300)
        started = time.perf_counter()
        for pk in ids[2:]:
            render_lifecycle_documents.delay(["application_form"], None, [pk], True, {})
        deadline.wait_for("the PDFs", lambda: Document.objects.filter(doc_type="application_form").count()
                          >= len(ids), within=1200, every=0.2)
        elapsed = time.perf_counter() - started
        print(f"\none Celery worker process (concurrency 1): {args.pdfs} application forms in {elapsed:.1f} s = "
              f"{args.pdfs / elapsed:.2f} PDFs/s ({args.pdfs / elapsed * 3600:,.0f} an hour), "
              f"{elapsed / args.pdfs * 1000:.0f} ms each")
        print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
