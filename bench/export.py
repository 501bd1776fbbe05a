"""The task list's .xlsx export on a big synthetic ledger: how long the whole ledger, one year and one
plan take, in how many queries, how big the file is and how much memory the writing takes.

    python bench/export.py [--db sqlite|postgres] [--plans 60] [--tasks 150] [--profile]

In a child process with a fresh database of its own (as bench/web.py makes it): the synthetic ledger
(bench/ledger_data.py) assessed as of today, then `task_rows` + `write_task_table` (what
/tasks/export.xlsx runs) for each scope, and the view itself through Django's test client for the whole
ledger as the office. It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="sqlite")
    ap.add_argument("--plans", type=int, default=60)
    ap.add_argument("--tasks", type=int, default=150, help="tasks per plan")
    ap.add_argument("--profile", action="store_true", help="profile the one-plan export")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a)
        return
    sys.path.insert(0, str(ROOT))
    from bench.web import fresh_database

    with fresh_database(a.db) as env:
        if env is None:
            return
        args = ["--db", a.db, "--plans", str(a.plans), "--tasks", str(a.tasks), *(["--profile"] if a.profile else [])]
        sys.exit(subprocess.call([sys.executable, str(Path(__file__).resolve()), "--child", *args], cwd=ROOT, env=env))


def child(a) -> None:
    sys.path.insert(0, str(ROOT))
    from duban.django_setup import ensure_schema

    ensure_schema()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.ledger_data import build_synthetic_ledger
    from duban.ledger.assessment import assess_plans
    from duban.ledger.models import Plan, Task
    from duban.ledger.models.plans import LIST_ORDER
    from duban.ledger.task_table import task_rows, write_task_table
    from duban.people.services import add_user

    today = dt.date.today()
    stats = build_synthetic_ledger(plans=a.plans, tasks=a.tasks, year=today.year, reports=max(1, today.month - 1))
    print(f"   build: {stats.line()}", flush=True)
    assess_plans(list(Plan.objects.values_list("pk", flat=True)), today)
    plan = Plan.objects.order_by("pk").first()
    print(f"   {connection.vendor}, {Task.objects.count()} tasks", flush=True)
    scopes = [("whole ledger", Task.objects.all()), (f"year {today.year}", Task.objects.filter(plan__year=today.year)),
              ("one plan", Task.objects.filter(plan=plan))]
    print(f"   {'scope':<14} {'rows':>7} {'s':>7} {'rows/s':>8} {'queries':>8} {'MB file':>8} {'MB peak':>8}")
    for name, qs in scopes:
        buffer = io.BytesIO()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            n = write_task_table(task_rows(qs.order_by(*LIST_ORDER)), buffer, title="bench")
        seconds = time.perf_counter() - started
        tracemalloc.start()  # a second run for the memory (tracemalloc slows it several times)
        write_task_table(task_rows(qs.order_by(*LIST_ORDER)), io.BytesIO(), title="bench")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if a.profile and name == "one plan":
            profiler = cProfile.Profile()
            profiler.runcall(lambda: write_task_table(task_rows(qs.order_by(*LIST_ORDER)), io.BytesIO(), title="b"))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
        print(f"   {name:<14} {n:>7} {seconds:>7.2f} {n / seconds:>8.0f} {len(queries):>8} "
              f"{len(buffer.getvalue()) / 1e6:>8.1f} {peak / 1e6:>8.1f}", flush=True)
    office = add_user("bench-export", "office", password="bench-export-pass-2024")[0]
    client = Client()
    client.force_login(office)
    started = time.perf_counter()
    response = client.get("/tasks/export.xlsx")
    print(f"   GET /tasks/export.xlsx (whole ledger, as the office): {response.status_code}, "
          f"{len(response.content) / 1e6:.1f} MB in {time.perf_counter() - started:.2f} s", flush=True)


if __name__ == "__main__":
    main()
