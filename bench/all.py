"""`make bench`: every bench at two sizes of the province, and bench/RESULTS.md (issue 18 item 8).

    .venv/bin/python bench/all.py [SMALL [LARGE]] [--runs 21] [--only lists,lifecycle,cockpit,production]
    make bench                       # 10,000 and 1,000,000 households
    make bench SIZES="2000 20000"    # a quick look

For each size a PostgreSQL database `scale_<size>` (scale_10k, scale_1m …) is built by
`manage.py seed_scale` unless it already holds exactly that many households (the build of 1 M
takes hours on two cores: it is kept and reused; its run time is remembered in
var/bench/seed_<size>.txt and reported). Then, in turn: the list pages at both sizes
(bench/lists.py, interleaved), the transitions on the real path (bench/lifecycle.py), county
approvals with 1, 2 and 4 processes (bench/parallel_approvals.py), the county
cockpit against a plain GROUP BY at the large size (bench/cockpit.py) and the production
processes' throughput (bench/production.py). Each bench's output goes into bench/RESULTS.md
verbatim, with the machine (cores, memory, PostgreSQL version) and the date. A bench that fails
is reported as failed in the file, and the others still run.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/")
STATE = ROOT / "var" / "bench"


def db_name(size: int) -> str:
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"scale_{size // unit}{suffix}"
    return f"scale_{size}"


def psql(database: str, statement, params=(), *, fetch: bool = True) -> str:
    """The first value of a statement on `database` ("" when it fails, e.g. no such database)."""
    import psycopg

    try:
        with psycopg.connect(HOST + database, autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            row = cursor.fetchone() if fetch else None
    except psycopg.Error:
        return ""
    return str(row[0]) if row else ""


def households_in(database: str) -> int | None:
    if psql("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [database]) != "1":
        return None
    found = psql(database, "SELECT count(*) FROM registry_household")
    return int(found) if found.isdigit() else None


def ensure_province(size: int) -> str:
    """The database of `size` households, built if missing; a line saying how long it took."""
    name = db_name(size)
    record = STATE / f"seed_{size}.txt"
    if households_in(name) == size:
        took = record.read_text().strip() if record.exists() else "unknown (built before this script recorded it)"
        return f"{name}: reused ({size:,} households; seed_scale took {took})"
    print(f"== building {name} ({size:,} households) ...", flush=True)
    from psycopg import sql

    psql("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)), fetch=False)
    psql("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)), fetch=False)
    env = {**os.environ, "DATABASE_URL": HOST + name, "DEBUG": "1"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "seed_scale", "--households", str(size), "--bench-database"],
                   cwd=ROOT, env=env, check=True)
    took = f"{time.monotonic() - started:,.0f} s on {datetime.date.today():%Y-%m-%d}"
    STATE.mkdir(parents=True, exist_ok=True)
    record.write_text(took + "\n")
    return f"{name}: built ({size:,} households; seed_scale took {took})"


def run(label: str, argv: list[str]) -> str:
    print(f"== {label}: {' '.join(argv)}", flush=True)
    started = time.monotonic()
    result = subprocess.run([PYTHON, *argv], cwd=ROOT, capture_output=True, text=True)
    took = time.monotonic() - started
    out = "\n".join(line for line in result.stdout.splitlines() if '"level"' not in line)  # JSON log lines
    status = "" if result.returncode == 0 else f"\n**FAILED (exit {result.returncode})**:\n\n```\n{result.stderr[-3000:]}\n```\n"
    print(out[-2000:], flush=True)
    return f"## {label}\n\n`{' '.join(argv)}` ({took:,.0f} s)\n\n```\n{out.strip()}\n```\n{status}"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = psql("postgres", "SHOW server_version")
    return (f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"PostgreSQL {version}, Python {platform.python_version()}, load average at the start "
            f"{os.getloadavg()[0]:.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--only", default="lists,lifecycle,parallel,cockpit,production")
    args = parser.parse_args()
    small, large = (args.sizes + [10_000, 1_000_000][len(args.sizes):])[:2]
    only = set(args.only.split(","))
    head = machine()
    sections = []
    provinces = [ensure_province(small), ensure_province(large)]
    if "lists" in only:
        sections.append(run("List pages at both sizes (bench/lists.py)",
                            ["bench/lists.py", "--small", db_name(small), "--large", db_name(large),
                             "--runs", str(args.runs)]))
    if "lifecycle" in only:
        sections.append(run("Transitions on the real path (bench/lifecycle.py)",
                            ["bench/lifecycle.py", "--households", "200"]))
    if "parallel" in only:
        sections.append(run("County approvals with 1, 2 and 4 processes (bench/parallel_approvals.py)",
                            ["bench/parallel_approvals.py", "--per-run", "40"]))
    if "cockpit" in only:
        # Its own light province (households, heads, open tasks): rebuilt only when its size differs.
        reuse = ["--reuse"] if households_in("bench_cockpit") == large else []
        sections.append(run("County cockpit against a plain GROUP BY (bench/cockpit.py)",
                            ["bench/cockpit.py", "--size", str(large), "--runs", "7", "--database-url",
                             HOST + "bench_cockpit", *reuse]))
    if "production" in only:
        sections.append(run("Production processes (bench/production.py)", ["bench/production.py"]))
    text = "\n".join([
        "# Bench results (`make bench`)",
        "",
        f"Written by bench/all.py — {head}.",
        "",
        "Provinces (`manage.py seed_scale`):",
        "",
        *[f"- {line}" for line in provinces],
        "",
        *sections,
    ])
    (ROOT / "bench" / "RESULTS.md").write_text(text + "\n")
    print("== bench/RESULTS.md written", flush=True)


if __name__ == "__main__":
    main()
