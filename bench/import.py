"""The household-list import at 10,000 persons (issue 21): the check stage against openpyxl's bare
read of the same file, and the confirmed import and its repetition.

    .venv/bin/python bench/import.py [--persons 10000] [--no-commit] [--database-url postgres://...]

Writes a workbook in the national export layout with bench/intake_workbook.py (title rows, IDs as
numbers, 20/22-character IDs, phones as numbers, a second 户主, a duplicate person, an unknown site, a
broken check digit, 文化程度 and 在校生状况 both filled), builds a scratch database (SQLite in a
temporary folder unless --database-url is given) with the county, its townships, villages and the
site, and prints:

- the bare read: openpyxl (read_only) iterating every row's values;
- the check stage (intake.checking.check: read, every row and household checked, the database
  asked through the blind index), and its ratio to the bare read (issue: at most 5×);
- unless --no-commit: the confirmed import (each household in its own transaction, through the
  registry's forms), the households and persons stored, and the same file imported again (the
  check finds every stored household unchanged; nothing is written).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--no-commit", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true", help="print where the check stage spends its time")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(scratch / "media"),
        "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command
    from guardian.shortcuts import assign_perm
    from openpyxl import load_workbook

    from bench import intake_workbook as gen
    from intake import checking, committing
    from intake.models import ImportBatch
    from registry.models import AdminArea, AreaLevel, Household, Member, ResettlementSite, SiteKind
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    county = AdminArea.objects.create(code=gen.COUNTY[0], name=gen.COUNTY[1], level=AreaLevel.COUNTY)
    for t, (code, name) in enumerate(gen.TOWNSHIPS):
        town = AdminArea.objects.create(code=code, name=name, level=AreaLevel.TOWNSHIP, parent=county)
        for v in range(gen.VILLAGES_PER_TOWNSHIP):
            AdminArea.objects.create(code=gen.village_code(t, v), name=gen.village_name(t, v), level=AreaLevel.VILLAGE,
                                     parent=town)
    ResettlementSite.objects.create(code="AZD0001", name=gen.SITE[0], area=county, kind=SiteKind.URBAN,
                                    planned_units=gen.SITE[1], planned_persons=gen.SITE[2])
    office = get_user_model().objects.create_user("bench_office", password="bench-password-1")
    assign_perm("registry.role_county_office", office, county)

    path = scratch / "list.xlsx"
    made = gen.build(path, args.persons)
    data = path.read_bytes()
    print(f"workbook: {made['persons']} persons, {made['households']} households, {len(data) / 1024 / 1024:.1f} MB")

    def bare():
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return n

    def timed(fn):
        start = time.perf_counter()
        value = fn()
        return time.perf_counter() - start, value

    bare_s, rows = min((timed(bare) for _ in range(3)), key=lambda x: x[0])
    print(f"openpyxl bare read (read_only, values of {rows} rows): {bare_s:.2f} s")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(checking.check, io.BytesIO(data), user=office, area=county)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    check_s, result = timed(lambda: checking.check(io.BytesIO(data), user=office, area=county))
    counts = result.counts()
    print(f"check stage (intake.checking.check): {check_s:.2f} s — ratio {check_s / bare_s:.1f}× (limit 5×)")
    print(f"  plan: {counts}; rows with problems: {len({p.row for p in result.problems() if not p.warning})}")
    from collections import Counter

    common = Counter(p.message[:40] for p in result.problems() if not p.warning).most_common(6)
    for message, n in common:
        print(f"  {n:5d} × {message}")
    for kind, number in made["bad"].items():
        plan = next(p for p in result.planned if p.key == number)
        print(f"  {kind}: {plan.action} — {(plan.problems or ['?'])[0]}")
    if args.no_commit:
        return
    batch = ImportBatch.objects.create(area=county, created_by=office, confirmed_by=office, file_name="list.xlsx",
                                       stored_name="-", sha256="-", report=result.report(),
                                       status=ImportBatch.Status.COMMITTING)
    commit_s, outcome = timed(lambda: committing.commit(batch, io.BytesIO(data), user=office))
    print(f"confirmed import: {commit_s:.1f} s — created {outcome.created}, updated {outcome.updated}, "
          f"unchanged {outcome.unchanged}, rejected {outcome.rejected}; stored {Household.objects.count()} households, "
          f"{Member.objects.count()} persons")
    again_s, again = timed(lambda: checking.check(io.BytesIO(data), user=office, area=county))
    print(f"the same file again: check {again_s:.2f} s — {again.counts()}")


if __name__ == "__main__":
    main()
