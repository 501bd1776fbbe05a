"""Province scale: does a page cost the same at 1,000 plans as at 30? Each page's latency through the
real server (`duban serve`) at several ledger sizes, and the ratio of the largest to the smallest.

    python bench/scale.py [--plans 30,300,1000] [--tasks 150] [--requests 60] [--clients 4] [--seconds 10]
                          [--reuse PREFIX]

For each size, in a child process with a fresh PostgreSQL database of its own (bench/web.py's
`fresh_database`), or with `--reuse PREFIX` a kept database `PREFIX_<plans>` (made and filled on the
first run, migrated and reused as it is by the next ones: a 1,000-plan ledger takes minutes to build
and assess; drop it by hand when done): the synthetic ledger of the current year (bench/ledger_data.py), every plan assessed
as of today, an office account with an API token. Measured through `duban serve`, per page, WARMUP
warm-up requests and N sequential ones over one keep-alive connection:

    /tasks/  /tasks/?q=口袋公园  /public/  /public/?q=口袋公园  /api/tasks?limit=50  /api/tasks?q=口袋公园
    a reporter's workspace and task list (its unit holds the most tasks), the review queue (/unit/reviews/),
    the office's calendar of this month (/calendar/), the reporter's unit's reminders feed (/calendar/<unit>.ics)
    and the office's page of that unit (/units/<unit>/), a task page (/tasks/<pk>/)

then the dashboard cold (in the child, Django's test client, its cache cleared before each request:
what the first view after a status change costs), and /tasks/ requests/s with `--clients` clients.
Printed: per page p50 / p95 at each size and the ratio of the largest size's p95 to the smallest's,
beside the goals (ratio ≤ 1.5, p95 ≤ 150 ms at 1,000 plans). It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.web import (
    OFFICE,
    PASSWORD,
    ROOT,
    Client,
    child_env,
    duban_serve,
    fresh_database,
    load,
    make_accounts,
    measure,
    percentile,
)

GOAL_RATIO = 1.5
GOAL_P95_MS = 150.0
RESULT = "SCALE-RESULT "
PAGES = ("/tasks/", "/tasks/?q=口袋公园", "/public/", "/public/?q=口袋公园", "/api/tasks?limit=50",
         "/api/tasks?q=口袋公园", "/unit/ (reporter)", "/tasks/ (reporter)", "/unit/reviews/", "/calendar/",
         "/calendar/<unit>.ics", "/units/<unit>/", "/dashboard/ (cold)", "/tasks/<pk>/")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", default="30,300,1000", help="comma-separated ledger sizes (plans)")
    ap.add_argument("--tasks", type=int, default=150, help="tasks per plan")
    ap.add_argument("--requests", type=int, default=60, help="sequential requests per page (after warm-up)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent /tasks/ clients")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the /tasks/ throughput run")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads")
    ap.add_argument("--reuse", default="", metavar="PREFIX",
                    help="keep each size's database as PREFIX_<plans> and reuse it on the next run")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a)
    sizes = [int(s) for s in a.plans.split(",") if s.strip()]
    results: dict[int, dict] = {}
    for plans in sizes:
        print(f"== {plans} plans × {a.tasks} tasks on PostgreSQL ==", flush=True)
        with (kept_database(f"{a.reuse}_{plans}") if a.reuse else fresh_database("postgres")) as env:
            if env is None:
                return
            started = time.perf_counter()
            args = [sys.executable, str(Path(__file__).resolve()), "--child", str(plans), "--tasks", str(a.tasks),
                    "--requests", str(a.requests), "--clients", str(a.clients), "--seconds", str(a.seconds),
                    "--threads", str(a.threads)]
            proc = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for line in proc.stdout.splitlines():
                if line.startswith(RESULT):
                    results[plans] = json.loads(line[len(RESULT):])
                else:
                    print(line, flush=True)
            print(f"   (child finished in {time.perf_counter() - started:.1f} s, exit {proc.returncode})", flush=True)
    report(results)


def report(results: dict[int, dict]) -> None:
    if not results:
        return
    sizes = sorted(results)
    small, big = sizes[0], sizes[-1]
    head = "".join(f"{f'{n} p50':>11}{f'{n} p95':>11}" for n in sizes)
    print(f"\n   {'page':<22}{head}{f'p95 {big}/{small}':>14}   goal", flush=True)
    for page in PAGES:
        cells = "".join(f"{results[n]['pages'][page]['p50']:11.1f}{results[n]['pages'][page]['p95']:11.1f}"
                        for n in sizes)
        ratio = results[big]["pages"][page]["p95"] / max(results[small]["pages"][page]["p95"], 1e-9)
        p95 = results[big]["pages"][page]["p95"]
        goal = (f"ratio ≤ {GOAL_RATIO:g}: {'ok' if ratio <= GOAL_RATIO else 'MISSED'}; "
                f"p95 ≤ {GOAL_P95_MS:g} ms at {big}: {'ok' if p95 <= GOAL_P95_MS else 'MISSED'}")
        bad = {n: results[n]["pages"][page]["bad"] for n in sizes if results[n]["pages"][page]["bad"]}
        print(f"   {page:<22}{cells}{ratio:13.2f}×   {goal}" + (f"; NON-200 {bad}" if bad else ""), flush=True)
    rates = "  ".join(f"{n} plans: {results[n]['throughput']['rate']:.1f}/s" for n in sizes)
    print(f"\n   /tasks/ with {results[small]['throughput']['clients']} clients: {rates}", flush=True)


@contextmanager
def kept_database(name: str):
    """The child's environment with the PostgreSQL database `name`, made if missing and kept afterwards."""
    import psycopg
    from psycopg import sql

    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in ("test", "postgres"):
        raise SystemExit(f"--reuse: {name!r} is not a bench database name")
    server = (os.environ.get("DUBAN_BENCH_DATABASE_URL") or os.environ.get("DUBAN_TEST_DATABASE_URL")
              or "postgres://postgres@127.0.0.1:5432/postgres")
    with_db = lambda db: urlunsplit(urlsplit(server)._replace(path="/" + db))  # noqa: E731
    with psycopg.connect(with_db("postgres"), autocommit=True, connect_timeout=3) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"   made database {name} (kept: --reuse)", flush=True)
        else:
            print(f"   reusing database {name}", flush=True)
    data_dir = tempfile.mkdtemp(prefix="duban-bench-scale-")
    try:
        yield child_env(DUBAN_DATA_DIR=data_dir, DUBAN_DATABASE_URL=with_db(name))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# ----------------------------------------------------------------------------- the child


def child(a) -> None:
    from duban.django_setup import ensure_schema

    ensure_schema()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.ledger_data import build_synthetic_ledger
    from duban.ledger.assessment import assess_plans
    from duban.ledger.models import Plan, Task

    today = dt.date.today()
    from duban.people.models import ApiToken

    office = get_user_model().objects.filter(username=OFFICE).first()
    if office is not None and Plan.objects.count() == a.child:  # a kept database (--reuse), built before
        print(f"   reused: {a.child} plans, {Task.objects.count():,} tasks, built and assessed before", flush=True)
        token = ApiToken.issue(office, "bench")[1]
    else:
        if Plan.objects.exists():
            raise SystemExit("the database holds another ledger: drop it first")
        stats = build_synthetic_ledger(plans=a.child, tasks=a.tasks, year=today.year,
                                       reports=max(1, today.month - 1))
        print(f"   build: {stats.line()}", flush=True)
        started = time.perf_counter()
        plan_ids = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
        judged = assess_plans(plan_ids, today)
        print(f"   assessed {judged} tasks of {len(plan_ids)} plans: {time.perf_counter() - started:.1f} s", flush=True)
        office, token, _ = make_accounts(1)  # last: its presence marks a complete build
    task_ids = list(Task.objects.values_list("pk", flat=True))
    reporter, reporter_unit = reporter_session()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    rng = random.Random(2024)
    pages = [  # name, path maker, who asks
        ("/tasks/", lambda: "/tasks/", "session"),
        ("/tasks/?q=口袋公园", lambda: "/tasks/?q=%E5%8F%A3%E8%A2%8B%E5%85%AC%E5%9B%AD", "session"),
        ("/public/", lambda: "/public/", "anonymous"),
        ("/public/?q=口袋公园", lambda: "/public/?q=%E5%8F%A3%E8%A2%8B%E5%85%AC%E5%9B%AD", "anonymous"),
        ("/api/tasks?limit=50", lambda: "/api/tasks?limit=50", "token"),
        ("/api/tasks?q=口袋公园", lambda: "/api/tasks?limit=50&q=%E5%8F%A3%E8%A2%8B%E5%85%AC%E5%9B%AD", "token"),
        ("/unit/ (reporter)", lambda: "/unit/", "reporter"),
        ("/tasks/ (reporter)", lambda: "/tasks/", "reporter"),
        ("/unit/reviews/", lambda: "/unit/reviews/", "session"),
        ("/calendar/", lambda: "/calendar/", "session"),  # this month, the whole office's
        ("/calendar/<unit>.ics", lambda: f"/calendar/{reporter_unit}.ics", "reporter"),  # the busiest unit's feed
        ("/units/<unit>/", lambda: f"/units/{reporter_unit}/", "session"),  # the office's page of that unit
        ("/tasks/<pk>/", lambda: f"/tasks/{rng.choice(task_ids)}/", "session"),
    ]
    out: dict = {"pages": {}}
    log_path = Path(os.environ["DUBAN_DATA_DIR"]) / "serve.log"
    print(f"   measured: duban serve ({a.threads} threads), {len(task_ids):,} tasks, load average {load()}", flush=True)
    with duban_serve(a.threads, log_path) as port:
        session = Client(port)
        session.login(OFFICE, PASSWORD)
        clients = {"session": session, "anonymous": Client(port), "token": Client(port, token),
                   "reporter": Client(port)}
        clients["reporter"].cookies = {"sessionid": reporter}
        for name, path_of, who in pages:
            out["pages"][name] = measure(clients[who], path_of, a.requests)
        out["throughput"] = throughput(port, session.cookies, a.clients, a.seconds)
    out["pages"]["/dashboard/ (cold)"] = cold_dashboard(office, min(a.requests, 30))
    print(f"   (load average after: {load()})", flush=True)
    print(RESULT + json.dumps(out), flush=True)


def reporter_session() -> tuple[str, int]:
    """A session of the bench's reporter (make_accounts: the unit with the most tasks), made in the
    database the server reads (its password hash is the bench's quick one, which the server refuses),
    and its unit's id."""
    from django.contrib.auth import get_user_model
    from django.test import Client as DjangoClient

    from duban.people.roles import unit_of

    user = get_user_model().objects.get(username="bench_reporter0")
    client = DjangoClient()
    client.force_login(user)
    return client.cookies["sessionid"].value, unit_of(user).pk


def cold_dashboard(office, n: int) -> dict:
    """/dashboard/ in-process with the cache cleared before each request: what a status change costs."""
    from django.core.cache import cache
    from django.test import Client as DjangoClient

    client = DjangoClient()
    client.force_login(office)
    client.get("/dashboard/")
    times, bad = [], {}
    for _ in range(n):
        cache.clear()
        started = time.perf_counter()
        status = client.get("/dashboard/").status_code
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            bad[status] = bad.get(status, 0) + 1
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times),
            "mean": statistics.fmean(times), "bad": bad, "n": n}


def throughput(port: int, cookies: dict, clients: int, seconds: float) -> dict:
    """`clients` threads GET /tasks/ over their own connections (the office's session) for `seconds`."""
    done = [0] * clients
    stop_at = time.perf_counter() + seconds

    def run(i: int) -> None:
        client = Client(port)
        client.cookies = dict(cookies)
        while time.perf_counter() < stop_at:
            status, _, _ = client.get("/tasks/")
            done[i] += status == 200

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": clients, "rate": sum(done) / (time.perf_counter() - started)}


if __name__ == "__main__":
    main()
