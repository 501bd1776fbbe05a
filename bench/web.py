"""Web speed through the real server (`duban serve`, waitress) on a big synthetic ledger: the
latency of each page beside a trivial view, and progress submissions per second.

    python bench/web.py [--db postgres|sqlite] [--plans 300] [--tasks 150] [--requests 200]
                        [--seconds 10] [--clients 8] [--profile missed|all|none]

In a child process with a fresh database of its own (a SQLite file in a temporary data dir, or a
PostgreSQL database `duban_bench_<random>` made here and dropped at the end, as bench/assess.py
does): the synthetic ledger of the current year (bench/ledger_data.py) with monthly progress up to
last month, every plan assessed as of today (so Task.status and the StatusChange history exist),
an office account with an API token and a few unit reporters. Then `duban serve` is started on a
free port with the same DUBAN_DATABASE_URL / DUBAN_DATA_DIR, and each page gets a few warm-up
requests and N sequential ones over one keep-alive connection (the office pages with the office's
session from the login form, the portal anonymously, the API with the token). Printed: p50 / p95 /
max in ms beside /healthz, the ratio of each p95 to /healthz's, and the goals:

    /dashboard/ p95 ≤ 150 ms (PostgreSQL, 300 plans); no page's p95 above 5 × /healthz's p95

then `POST /api/progress` from `--clients` threads for `--seconds` (unit reporters: submitted for
review; then the office: approved at once, the task reassessed); then the dashboard read while
reporters write (every audited write ends its short-lived cache of today's counts): under the full
write load, and under a trickle of one write a second; then the dashboard in-process with its
cache cleared before each request (what a first view costs). A page that misses a goal is run
again in-process (Django's test client, the same database) under CaptureQueriesContext and
cProfile: its query count, the slowest and the repeated queries, and the functions that take the
time. It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
GOAL_DASHBOARD_MS = 150.0
GOAL_RATIO = 5.0  # no page's p95 above this many times the trivial view's p95
OFFICE, PASSWORD = "bench_office", "bench-office-password-1"
WARMUP = 5


# ---------------------------------------------------------------------------- the parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument("--plans", type=int, default=300)
    ap.add_argument("--tasks", type=int, default=150, help="tasks per plan")
    ap.add_argument("--requests", type=int, default=200, help="sequential requests per page (after warm-up)")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each submission run")
    ap.add_argument("--clients", type=int, default=8, help="concurrent submitting clients")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads (duban serve's default: 8)")
    ap.add_argument("--year", type=int, default=None, help="plan year (default: this year)")
    ap.add_argument("--profile", choices=("missed", "all", "none"), default="missed",
                    help="profile in-process the pages that miss a goal (default), every page, or none")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a)
    args = sys.argv[1:]
    print(f"== bench/web.py on {a.db}: {a.plans} plans × {a.tasks} tasks, {a.requests} requests a page ==",
          flush=True)
    with fresh_database(a.db) as env:
        if env is None:
            return
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(Path(__file__).resolve()), "--child", *args], cwd=ROOT, env=env)
        print(f"   (child finished in {time.perf_counter() - started:.1f} s, exit {code})", flush=True)
    sys.exit(code)


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DUBAN_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DUBAN_DEBUG")}
    # with a database URL the child runs in production mode, where `duban serve` wants its keys
    env.setdefault("DUBAN_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DUBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")  # testserver: Django's test client
    env.update(extra)
    return env


@contextmanager
def fresh_database(backend: str):
    """The child's environment with a database of its own, removed afterwards (None: no server)."""
    data_dir = tempfile.mkdtemp(prefix="duban-bench-web-")
    try:
        if backend == "sqlite":
            yield child_env(DUBAN_DATA_DIR=data_dir)
            return
        try:
            import psycopg
            from psycopg import sql
        except ImportError:
            print("   psycopg is not installed: no PostgreSQL run")
            yield None
            return
        server = (os.environ.get("DUBAN_BENCH_DATABASE_URL") or os.environ.get("DUBAN_TEST_DATABASE_URL")
                  or "postgres://postgres@127.0.0.1:5432/postgres")
        with_db = lambda name: urlunsplit(urlsplit(server)._replace(path="/" + name))  # noqa: E731
        try:
            admin = psycopg.connect(with_db("postgres"), autocommit=True, connect_timeout=3)
        except psycopg.Error as e:
            print(f"   no PostgreSQL answers ({str(e).strip().splitlines()[0]}): skipped")
            yield None
            return
        name = f"duban_bench_{secrets.token_hex(4)}"
        with admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            try:
                yield child_env(DUBAN_DATA_DIR=data_dir, DUBAN_DATABASE_URL=with_db(name))
            finally:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# ----------------------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection, its cookies, and (optionally) a Bearer token."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
                ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):  # the server closed an idle connection
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data, response

    def get(self, path: str):
        return self.request("GET", path)

    def post_json(self, path: str, payload: dict):
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def login(self, username: str, password: str) -> None:
        status, page, _ = self.get("/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            raise SystemExit(f"the login page did not answer with a form (HTTP {status})")
        form = urlencode({"csrfmiddlewaretoken": found.group(1).decode(), "username": username, "password": password,
                          "next": "/"}).encode()
        status, _, response = self.request("POST", "/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login failed (HTTP {status})")


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def duban_serve(threads: int, log_path: Path):
    """`duban serve` on a free port, in a subprocess with this process's environment; yields the port."""
    port = free_port()
    script = Path(sys.executable).with_name("duban")
    command = ([str(script)] if script.exists() else
               [sys.executable, "-c", "import sys; from duban.cli import main; sys.exit(main())"])
    log = open(log_path, "wb")
    proc = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"duban serve exited ({proc.returncode}):\n{log_path.read_text(errors='replace')}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("duban serve did not answer /healthz within 120 s")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# ----------------------------------------------------------------------------- the child


def child(a) -> None:
    sys.path.insert(0, str(ROOT))
    from duban.django_setup import ensure_schema

    ensure_schema()
    from django.db import connection

    from bench.ledger_data import build_synthetic_ledger
    from duban.ledger.assessment import assess_plans
    from duban.ledger.models import Plan, Task

    today = dt.date.today()
    year = a.year or today.year
    months = 12 if year < today.year else max(1, today.month - 1)  # monthly reports up to last month
    as_of = today if year == today.year else dt.date(year, 12, 31)
    vendor = connection.vendor
    stats = build_synthetic_ledger(plans=a.plans, tasks=a.tasks, year=year, reports=months)
    print(f"   build: {stats.line()}", flush=True)
    started = time.perf_counter()
    plan_ids = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
    judged = assess_plans(plan_ids, as_of)
    print(f"   assessed {judged} tasks of {len(plan_ids)} plans as of {as_of}: {time.perf_counter() - started:.1f} s",
          flush=True)
    office, token, reporters = make_accounts(a.clients)
    task_ids = list(Task.objects.values_list("pk", flat=True))
    submissions = submission_material(reporters, year, as_of)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()  # the server has the database to itself

    rng = random.Random(2024)
    pages = [  # name, path maker, how to ask
        ("/healthz", lambda: "/healthz", "session"),
        ("/dashboard/", lambda: "/dashboard/", "session"),
        ("/tasks/", lambda: "/tasks/", "session"),
        ("/tasks/<pk>/", lambda: f"/tasks/{rng.choice(task_ids)}/", "session"),
        ("/public/", lambda: "/public/", "anonymous"),
        ("/public/tasks/<pk>/", lambda: f"/public/tasks/{rng.choice(task_ids)}/", "anonymous"),
        ("/api/tasks?limit=50", lambda: "/api/tasks?limit=50", "token"),
    ]
    log_path = Path(os.environ["DUBAN_DATA_DIR"]) / "serve.log"
    print(f"\n   measured: duban serve (waitress, {a.threads} threads) on {vendor}, {len(plan_ids)} plans, "
          f"{len(task_ids):,} tasks, {stats.rows.get('ledger.ProgressReport', 0):,} progress reports; "
          f"{WARMUP} warm-up + {a.requests} sequential requests a page over one keep-alive connection; "
          f"client and server on this machine ({os.cpu_count()} CPUs, load average {load()})", flush=True)
    results = {}
    with duban_serve(a.threads, log_path) as port:
        session = Client(port)
        session.login(OFFICE, PASSWORD)
        clients = {"session": session, "anonymous": Client(port), "token": Client(port, token)}
        for name, path_of, who in pages:
            results[name] = measure(clients[who], path_of, a.requests)
        report_pages(results, vendor, len(plan_ids))
        print(f"   (load average after the pages: {load()})", flush=True)
        print(f"\n   POST /api/progress, {a.clients} concurrent clients (unless said otherwise), "
              f"{a.seconds:g} s each run:", flush=True)
        submit_rates = {}
        reporter_tokens = [t for t, _ in reporters]
        for label, tokens, reader in (
                ("unit reporters (submitted for review)", reporter_tokens, None),
                ("the office (approved at once, task reassessed)", [token] * a.clients, None),
                ("unit reporters again, the office reading its dashboard meanwhile", reporter_tokens,
                 (session, "/dashboard/"))):
            submit_rates[label] = submit_load(port, tokens, submissions, a.clients, a.seconds, reader=reader)
            print_submissions(label, submit_rates[label])
        # a trickle of writes: the server is not busy, but each write ends the dashboard's cache
        label = "one unit reporter once a second, the office reading its dashboard meanwhile"
        submit_rates[label] = submit_load(port, reporter_tokens[:1], submissions, 1, a.seconds,
                                          reader=(session, "/dashboard/"), pause=1.0)
        print_submissions(label, submit_rates[label])
    uncached_dashboard(office, min(a.requests, 20))
    missed = [name for name, r in results.items() if name != "/healthz" and not meets_goals(name, r, results)]
    to_profile = {"missed": missed, "all": [n for n in results if n != "/healthz"], "none": []}[a.profile]
    if to_profile:
        profile_pages([(n, p, w) for n, p, w in pages if n in to_profile], office, token, task_ids)
    elif a.profile == "missed":
        print("\n   every page meets the goals: nothing to profile")


def make_accounts(n_reporters: int):
    """The office account (password login and a token) and `n_reporters` reporters of different units."""
    from django.conf import settings
    from django.db.models import Count

    from duban.ledger.models import Unit
    from duban.people.models import ApiToken
    from duban.people.services import add_user

    office, _ = add_user(OFFICE, "office", password=PASSWORD, actor_name="bench")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the reporters never log in
    units = list(Unit.objects.annotate(n=Count("responsibilities")).filter(n__gt=0).order_by("-n", "pk")[:n_reporters])
    reporters = []
    for i, unit in enumerate(units * (n_reporters // max(1, len(units)) + 1)):
        if len(reporters) == n_reporters:
            break
        user, _ = add_user(f"bench_reporter{i}", "reporter", unit=unit.name, password=PASSWORD, actor_name="bench")
        reporters.append((ApiToken.issue(user, "bench")[1], unit.pk))
    return office, ApiToken.issue(office, "bench")[1], reporters


def submission_material(reporters, year: int, as_of: dt.date) -> dict[int, list[dict]]:
    """For each reporter's unit, 200 valid submissions of its tasks (a value of each indicator)."""
    from duban.ledger.models import Indicator, Responsibility

    out: dict[int, list[dict]] = {}
    rng = random.Random(7)
    for _, unit_id in reporters:
        if unit_id in out:
            continue
        task_ids = list(Responsibility.objects.filter(unit_id=unit_id).values_list("task_id", flat=True)[:2000])
        chosen = rng.sample(task_ids, min(200, len(task_ids)))
        indicators: dict[int, list] = {}
        for ind in Indicator.objects.filter(task_id__in=chosen).order_by("order", "pk"):
            indicators.setdefault(ind.task_id, []).append(ind)
        # an indicator whose metric the task has twice cannot be named (find_indicator refuses it): left out
        out[unit_id] = [{"task": t, "as_of": as_of.isoformat(), "text": "基准测试填报",
                         "values": [{"metric": i.metric, "amount": f"{(i.target or 10) * 0.6:g}"}
                                    for i in indicators.get(t, [])
                                    if [j.metric for j in indicators[t]].count(i.metric) == 1]} for t in chosen]
    return out


def measure(client: Client, path_of, n: int) -> dict:
    times, sizes, bad = [], [], {}
    for i in range(WARMUP + n):
        path = path_of()
        started = time.perf_counter()
        status, body, _ = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            bad[status] = bad.get(status, 0) + 1
        if i >= WARMUP:
            times.append(elapsed)
            sizes.append(len(body))
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times),
            "mean": statistics.fmean(times), "bytes": statistics.median(sizes), "bad": bad, "n": n}


def meets_goals(name: str, r: dict, results: dict) -> bool:
    base = results["/healthz"]["p95"]
    ok = r["p95"] <= GOAL_RATIO * base and not r["bad"]
    if name == "/dashboard/":
        ok = ok and r["p95"] <= GOAL_DASHBOARD_MS
    return ok


def report_pages(results: dict, vendor: str, plans: int) -> None:
    base = results["/healthz"]["p95"]
    print(f"\n   {'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p95/healthz':>13}{'size kB':>9}   goal")
    for name, r in results.items():
        ratio = r["p95"] / base if base else float("nan")
        goals = [] if name == "/healthz" else [f"≤{GOAL_RATIO:g}× healthz: {'ok' if ratio <= GOAL_RATIO else 'MISSED'}"]
        if name == "/dashboard/":
            goals.insert(0, f"p95 ≤ {GOAL_DASHBOARD_MS:g} ms: {'ok' if r['p95'] <= GOAL_DASHBOARD_MS else 'MISSED'}"
                            + ("" if vendor == "postgresql" and plans >= 300
                               else " (goal set for PostgreSQL, 300 plans)"))
        if r["bad"]:
            goals.append("NON-200 ANSWERS: " + ", ".join(f"{k}×{v}" for k, v in sorted(r["bad"].items())))
        print(f"   {name:<22}{r['p50']:9.1f}{r['p95']:9.1f}{r['max']:9.1f}{ratio:12.1f}×{r['bytes'] / 1024:9.1f}   "
              + ("; ".join(goals) if goals else "(the trivial view)"), flush=True)


def submit_load(port: int, tokens: list[str], material: dict, clients: int, seconds: float,
                reader: tuple[Client, str] | None = None, pause: float = 0.0) -> dict:
    """`clients` threads POST /api/progress for `seconds`; the token of client i is tokens[i]. A
    `reader` (client, path) meanwhile GETs the path over and over: every submission is an audited
    write, which ends the dashboard's short-lived cache of today's counts."""
    from duban.people.models import ApiToken

    unit_of_token = {}
    for tok in set(tokens):
        user = ApiToken.objects.select_related("user__profile").get(digest=ApiToken.digest_of(tok)).user
        unit_of_token[tok] = user.profile.unit_id
    everything = [s for subs in material.values() for s in subs]
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]
    out = {"ok": 0, "bad": {}, "times": [], "errors": []}
    lock = threading.Lock()

    def run(i: int) -> None:
        tok = tokens[i % len(tokens)]
        mine = material.get(unit_of_token[tok]) or everything
        client = Client(port, tok)
        rng = random.Random(i)
        ok, bad, times, errors = 0, {}, [], []
        start.wait()
        while time.perf_counter() < stop_at[0]:
            payload = rng.choice(mine)
            started = time.perf_counter()
            try:
                status, body, _ = client.post_json("/api/progress", payload)
            except OSError as e:
                errors.append(str(e))
                continue
            times.append((time.perf_counter() - started) * 1000)
            if status == 201:
                ok += 1
            else:
                bad[status] = bad.get(status, 0) + 1
                if len(errors) < 3:
                    errors.append(body[:300].decode("utf-8", "replace"))
            if pause:
                time.sleep(pause)
        with lock:
            out["ok"] += ok
            out["times"] += times
            out["errors"] += errors
            for k, v in bad.items():
                out["bad"][k] = out["bad"].get(k, 0) + v

    def read() -> None:
        client, path = reader
        times, bad = [], {}
        start.wait()
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            status, _, _ = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                bad[status] = bad.get(status, 0) + 1
        out["reader"] = {"path": path, "times": times, "bad": bad}

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    if reader is not None:
        start = threading.Barrier(clients + 2)
        threads.append(threading.Thread(target=read))
    for t in threads:
        t.start()
    began = time.perf_counter()  # the others wait at the barrier
    stop_at[0] = began + seconds
    start.wait()
    for t in threads:
        t.join()
    out["seconds"] = time.perf_counter() - began
    return out


def print_submissions(label: str, r: dict) -> None:
    times = r["times"] or [0.0]
    line = (f"   {label}: {r['ok'] / r['seconds']:.1f} stored/s ({r['ok']} in {r['seconds']:.1f} s), "
            f"latency p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms, max {max(times):.0f} ms")
    if r["bad"]:
        line += "; NON-201: " + ", ".join(f"{k}×{v}" for k, v in sorted(r["bad"].items()))
    print(line, flush=True)
    for e in r["errors"][:3]:
        print(f"      e.g. {e}", flush=True)
    if r.get("reader") and r["reader"]["times"]:
        times = r["reader"]["times"]
        print(f"      meanwhile GET {r['reader']['path']} (one more client, sequential): {len(times)} requests, "
              f"p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms, max {max(times):.0f} ms"
              + (f"; NON-200: {r['reader']['bad']}" if r["reader"]["bad"] else ""), flush=True)


# ----------------------------------------------------------------------------- profiling


def uncached_dashboard(office, n: int) -> None:
    """The dashboard keeps today's counts for a few seconds (duban.web.queries.cached), so most
    requests above were served from the cache: here its cost without it, in-process, cache cleared
    before each request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient()
    client.force_login(office)
    client.get("/dashboard/")
    times, counts = [], []
    for _ in range(n):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = client.get("/dashboard/").status_code
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
    print(f"\n   /dashboard/ without its cache (in-process, cache cleared before each of {n} requests): "
          f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms, "
          f"{statistics.median(counts):.0f} queries, HTTP {status}; goal p95 ≤ {GOAL_DASHBOARD_MS:g} ms: "
          f"{'ok' if percentile(times, 95) <= GOAL_DASHBOARD_MS else 'MISSED'}", flush=True)


def profile_pages(pages, office, token: str, task_ids: list[int]) -> None:
    """Each page again in this process: queries (count, time, slowest, repeated) and cProfile."""
    import cProfile
    import pstats
    from collections import Counter

    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    clients = {"session": DjangoClient(), "anonymous": DjangoClient(),
               "token": DjangoClient(HTTP_AUTHORIZATION=f"Bearer {token}")}
    clients["session"].force_login(office)
    print("\n   == in-process profile (Django test client, same database) ==", flush=True)
    fixed = random.Random(99).choice(task_ids)
    for name, path_of, who in pages:
        path = name.replace("<pk>", str(fixed)) if "<pk>" in name else path_of()
        client = clients[who]
        cache.clear()  # the first call computes what the page caches
        with CaptureQueriesContext(connection) as cold:
            started = time.perf_counter()
            client.get(path)
            cold_ms = (time.perf_counter() - started) * 1000
        timed: list[tuple[float, str]] = []

        def timer(execute, sql, params, many, context):  # Django rounds its own query times to the ms
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timed.append(((time.perf_counter() - started) * 1000, sql))

        with CaptureQueriesContext(connection) as warm, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        queries = warm.captured_queries
        sql_ms = sum(t for t, _ in timed)
        lower = (" (SQLite returns rows after execute: its query times are lower bounds)"
                 if connection.vendor == "sqlite" else "")
        print(f"\n   {name} ({path}): HTTP {response.status_code}, {elapsed:.0f} ms in-process, "
              f"{len(queries)} queries ({len(cold.captured_queries)} and {cold_ms:.0f} ms on the first call) "
              f"taking {sql_ms:.0f} ms "
              f"= {sql_ms / elapsed * 100 if elapsed else 0:.0f}% of the time{lower}", flush=True)
        for ms, sql in sorted(timed, key=lambda q: -q[0])[:5]:
            print(f"      {ms:7.1f} ms  {shorten(sql)}")
        shapes = Counter(re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "'…'", q["sql"])) for q in queries)
        repeated = [(n, s) for s, n in shapes.most_common(3) if n > 1]
        for n, shape in repeated:
            print(f"      repeated ×{n}: {shorten(shape)}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            client.get(path)
        profiler.disable()
        reset_queries()
        stats = pstats.Stats(profiler)
        rows = []
        for (filename, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
            if "/duban/" in filename and "/site-packages/" not in filename:
                where = f"{Path(filename).relative_to(ROOT)}:{line} {func}"
                rows.append((ct / 3 * 1000, tt / 3 * 1000, nc // 3, where))
        print("      duban functions by cumulative time per request (ms cumulative / own, calls):")
        for ct, tt, nc, where in sorted(rows, reverse=True)[:12]:
            print(f"      {ct:8.1f} {tt:7.1f} {nc:6d}  {where}")
        lib = []
        for (filename, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
            lib.append((tt / 3 * 1000, nc // 3, f"{shorten_path(filename)}:{line} {func}"))
        print("      all functions by own time per request (ms, calls):")
        for tt, nc, where in sorted(lib, reverse=True)[:8]:
            print(f"      {tt:8.1f} {nc:7d}  {where}")
        sys.stdout.flush()


def shorten(sql: str, width: int = 260) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return sql if len(sql) <= width else sql[:width] + " …"


def shorten_path(filename: str) -> str:
    for marker in ("/site-packages/", "/work/main/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


if __name__ == "__main__":
    main()
