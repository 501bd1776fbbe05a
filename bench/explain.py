"""Where a page's time goes in the database: each page of bench/scale.py run in-process (Django's test
client) on an existing database under CaptureQueriesContext, its queries by time, and
EXPLAIN (ANALYZE, BUFFERS) of the slowest ones.

    DUBAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale_1000 DUBAN_SECRET_KEY=… \\
        DUBAN_ALLOWED_HOSTS=testserver python bench/explain.py [--top 3] [--page /public/ …]

The database is one bench/scale.py --reuse kept (its office account `bench_office`); nothing is
written but what a page view writes itself (the dashboard's stored trend points). It prints figures;
it is not a test.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES = ("/tasks/", "/tasks/?q=口袋公园", "/public/", "/api/tasks?limit=50", "/dashboard/", "/tasks/<pk>/")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--page", action="append", help="a page (default: all of bench/scale.py's)")
    ap.add_argument("--top", type=int, default=3, help="queries explained per page")
    ap.add_argument("--min-ms", type=float, default=2.0, help="explain only queries slower than this")
    a = ap.parse_args()
    from duban.django_setup import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.web import OFFICE
    from duban.ledger.models import Task
    from duban.people.models import ApiToken

    office = get_user_model().objects.get(username=OFFICE)
    token = ApiToken.issue(office, "bench-explain")[1]
    task_id = Task.objects.order_by("pk").values_list("pk", flat=True)[len(PAGES) * 7]
    session, anonymous = Client(), Client()
    session.force_login(office)
    for page in a.page or PAGES:
        path = page.replace("<pk>", str(task_id))
        client = anonymous if path.startswith("/public/") else session
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if path.startswith("/api/") else {}
        client.get(path, **extra)  # warm
        cache.clear()  # what a first view after a change costs
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = client.get(path, **extra).status_code
            total = (time.perf_counter() - started) * 1000
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        db = sum(t for t, _ in queries)
        print(f"\n== {page}: HTTP {status}, {total:.0f} ms, {len(queries)} queries, {db:.0f} ms in them ==")
        for ms, sql in sorted(queries, reverse=True)[:8]:
            print(f"   {ms:7.1f} ms  {sql[:220]}")
        for ms, sql in sorted(queries, reverse=True)[:a.top]:
            if ms < a.min_ms or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join("      " + r[0] for r in cursor.fetchall())
            print(f"\n   -- {ms:.1f} ms: {sql[:400]}\n{plan}")


if __name__ == "__main__":
    main()
