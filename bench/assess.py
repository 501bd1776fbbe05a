"""Ledger speed on a fresh database of each kind: documents imported per second, rows written per
second by the synthetic build, and the time to assess one plan and all of them, beside the goals.

    python bench/assess.py [--db sqlite|postgres|both] [--plans N] [--tasks N] [--method fast|orm|both]
                           [--rounds N] [--as-of YYYY-MM-DD] [--reuse DBNAME]

Each run gets its own database, made here and removed at the end: a SQLite file in a temporary
data dir, or a PostgreSQL database `duban_bench_<random>` on the server of DUBAN_BENCH_DATABASE_URL
(else DUBAN_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432). The work itself runs in a
child process (`--child`), since Django's database settings are fixed once per process.
`--reuse DBNAME` assesses the ledger already in a kept PostgreSQL database (e.g. one bench/scale.py
--reuse built: `--reuse bench_scale_1000 --year 2026 --as-of <today>`), nothing imported or built,
the database kept: what a reassessment of an assessed ledger costs.
It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("DUBAN_SEEDS", ROOT.parent / "shared" / "seeds"))
GOAL_ONE_PLAN = 0.1  # seconds (issue 11)
GOAL_ALL_PLANS_PER_1000 = 60.0  # seconds for 1,000 plans (issue 11): the goal for N plans is N/1000 of it


# ---------------------------------------------------------------------------- the parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--plans", type=int, default=300)
    ap.add_argument("--tasks", type=int, default=150, help="tasks per plan")
    ap.add_argument("--method", choices=("fast", "orm", "both"), default="fast",
                    help="how the synthetic rows are written (bench/ledger_data.py)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of importing the seeds")
    ap.add_argument("--as-of", default=None, help="assessment date (default: 15 October of the plan year)")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--reuse", default="", metavar="DBNAME", help="assess the ledger of this kept PostgreSQL database")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--phases", default="import,build,assess", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a)

    if a.reuse:
        print(f"\n== postgres, the ledger kept in {a.reuse} ==", flush=True)
        return run_on_postgres(["--year", str(a.year), "--phases", "assess"] + (["--as-of", a.as_of] if a.as_of else []),
                               keep=a.reuse)
    backends = ["sqlite", "postgres"] if a.db == "both" else [a.db]
    methods = ["fast", "orm"] if a.method == "both" else [a.method]
    for backend in backends:
        for n, method in enumerate(methods):
            phases = "import,build,assess" if n == 0 else "build"
            print(f"\n== {backend}, {a.plans} plans × {a.tasks} tasks, rows by {method} ==", flush=True)
            args = ["--plans", str(a.plans), "--tasks", str(a.tasks), "--method", method, "--rounds", str(a.rounds),
                    "--year", str(a.year), "--phases", phases] + (["--as-of", a.as_of] if a.as_of else [])
            if backend == "sqlite":
                run_on_sqlite(args)
            else:
                run_on_postgres(args)


def run_child(args: list[str], env: dict) -> None:
    started = time.perf_counter()
    code = subprocess.call([sys.executable, str(Path(__file__).resolve()), "--child", *args], cwd=ROOT, env=env)
    print(f"   (child finished in {time.perf_counter() - started:.1f} s, exit {code})", flush=True)


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(extra)
    return env


def run_on_sqlite(args: list[str]) -> None:
    data_dir = tempfile.mkdtemp(prefix="duban-bench-")
    try:
        run_child(args, child_env(DUBAN_DATA_DIR=data_dir))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_on_postgres(args: list[str], keep: str = "") -> None:
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        print("   psycopg is not installed: no PostgreSQL run")
        return
    server = (os.environ.get("DUBAN_BENCH_DATABASE_URL") or os.environ.get("DUBAN_TEST_DATABASE_URL")
              or "postgres://postgres@127.0.0.1:5432/postgres")
    with_db = lambda name: urlunsplit(urlsplit(server)._replace(path="/" + name))  # noqa: E731
    try:
        admin = psycopg.connect(with_db("postgres"), autocommit=True, connect_timeout=3)
    except psycopg.Error as e:
        print(f"   no PostgreSQL answers ({str(e).strip().splitlines()[0]}): skipped")
        return
    name = keep or f"duban_bench_{secrets.token_hex(4)}"
    data_dir = tempfile.mkdtemp(prefix="duban-bench-")
    if keep:
        with admin:
            try:
                run_child(args, child_env(DUBAN_DATA_DIR=data_dir, DUBAN_DATABASE_URL=with_db(name)))
            finally:
                shutil.rmtree(data_dir, ignore_errors=True)
        return
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            run_child(args, child_env(DUBAN_DATA_DIR=data_dir, DUBAN_DATABASE_URL=with_db(name)))
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            shutil.rmtree(data_dir, ignore_errors=True)


# ----------------------------------------------------------------------------- the child


def child(a) -> None:
    sys.path.insert(0, str(ROOT))
    from duban.django_setup import ensure_schema

    started = time.perf_counter()
    ensure_schema()
    from django.db import connection

    print(f"   schema on {connection.vendor}: {time.perf_counter() - started:.1f} s", flush=True)
    phases = a.phases.split(",")
    if "import" in phases:
        bench_import(a.rounds)
    if "build" in phases:
        from bench.ledger_data import build_synthetic_ledger

        stats = build_synthetic_ledger(plans=a.plans, tasks=a.tasks, year=a.year, method=a.method)
        print(f"   build: {stats.line()}", flush=True)
    if "assess" in phases:
        as_of = dt.date.fromisoformat(a.as_of) if a.as_of else dt.date(a.year, 10, 15)
        bench_assess(as_of)


def bench_import(rounds: int) -> None:
    """The five seeds into an empty ledger, `rounds` times (the first into the fresh database, cold)."""
    try:
        from duban.ledger import importer
    except ImportError as e:
        print(f"   import: not available yet ({e})", flush=True)
        return
    import_one = getattr(importer, "import_document", None) or getattr(importer, "import_file", None)
    if import_one is None:
        print("   import: not available yet (duban.ledger.importer has no import_document)", flush=True)
        return
    docs = sorted(p for p in SEEDS.glob("*") if p.is_file())
    if not docs:
        print(f"   import: no seed documents in {SEEDS}", flush=True)
        return
    from duban.ledger import transfer

    size = sum(p.stat().st_size for p in docs)
    times = []
    for r in range(max(1, rounds)):
        if r:
            transfer._wipe(transfer.transfer_models(), "default")  # an empty ledger again
        started = time.perf_counter()
        for doc in docs:
            import_one(doc)
        times.append(time.perf_counter() - started)
    cold, warm = times[0], (statistics.median(times[1:]) if len(times) > 1 else times[0])
    print(f"   import: {len(docs)} seeds ({size / 1e3:.0f} kB): first round {len(docs) / cold:.1f} documents/s "
          f"(cold), then {len(docs) / warm:.1f} documents/s ({warm / len(docs) * 1000:.0f} ms a document)",
          flush=True)
    transfer._wipe(transfer.transfer_models(), "default")


def assess_plan(plan_id: int, as_of: dt.date):
    """THE CALL INTO THE ASSESSMENT (written by another engineer): None when it does not exist yet."""
    try:
        from duban.ledger.assessment import assess_plan as real
    except ImportError:
        return None
    return real(plan_id, as_of)


def assessment_available() -> bool:
    try:
        from duban.ledger.assessment import assess_plan  # noqa: F401
    except ImportError as e:
        print(f"   assessment not available yet ({e})", flush=True)
        return False
    return True


def bench_assess(as_of: dt.date) -> None:
    if not assessment_available():
        return
    from duban.ledger.models import Plan

    plan_ids = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
    if not plan_ids:
        print("   assess: no plans")
        return
    assess_plan(plan_ids[0], as_of)  # warm: imports, first queries
    one = []
    for plan_id in plan_ids[1:6] or plan_ids[:1]:
        started = time.perf_counter()
        assess_plan(plan_id, as_of)
        one.append(time.perf_counter() - started)
    per_plan = statistics.median(one)
    print(f"   assess one plan: {per_plan:.3f} s (median of {len(one)}; goal ≤ {GOAL_ONE_PLAN} s) "
          f"{'ok' if per_plan <= GOAL_ONE_PLAN else 'SLOWER THAN THE GOAL'}", flush=True)
    from duban.ledger.assessment import assess_plans  # the whole ledger, in batches of plans

    started = time.perf_counter()
    assess_plans(plan_ids, as_of)
    total = time.perf_counter() - started
    goal = GOAL_ALL_PLANS_PER_1000 * len(plan_ids) / 1000
    print(f"   assess all {len(plan_ids)} plans: {total:.1f} s = {total / len(plan_ids):.3f} s a plan (goal ≤ {goal:.0f} s) "
          f"{'ok' if total <= goal else 'SLOWER THAN THE GOAL'}", flush=True)


if __name__ == "__main__":
    main()
