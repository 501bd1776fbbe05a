"""Two app servers over one PostgreSQL and one Redis: what one serves, the other sees at once.

Two real `duban serve` processes (each its own Python, its own cache client, its own database
connections) run against the test database and the machine's Redis (DUBAN_CACHE_URL, a key prefix of
this test's own). The office signs in on server B; its session cookie works on server A too (sessions
in the database). B's dashboard is read (and so cached, in Redis); then the office submits progress
through server A's API (approved at once, the task reassessed) and B's dashboard, read right away,
shows the new counts, the ones the database holds. Redis holds the dashboard's entries and the
ledger version A's write bumped.

Skipped on SQLite (the point is several processes over one server database) and when no Redis
answers on 127.0.0.1:6379 (scripts/test.sh starts one).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Task
from duban.people.models import ApiToken
from duban.people.services import add_user
from tests.conftest import ROOT, seed

REDIS_URL = os.environ.get("DUBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "a-long-enough-password"
START_TIMEOUT = 120  # seconds: a loaded machine starts Django slowly


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),  # the servers must see the committed data
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="two app servers are tested on PostgreSQL (DUBAN_TEST_DATABASE_URL)"),
    pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL} (scripts/test.sh starts one)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database (pytest-django's test_<name>_<pid>) as a URL for the servers."""
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@contextmanager
def duban_serve(env: dict, log_path: Path):
    """`duban serve` in a process of its own on a free port; yields the port once /healthz answers."""
    port = free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from duban.cli import main; sys.exit(main())",
                             "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, f"duban serve exited ({proc.returncode}):\n{log_path.read_text()}"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"duban serve did not answer in {START_TIMEOUT} s"
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


def request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
            ) -> tuple[int, bytes, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response
    finally:
        conn.close()


def login(port: int, username: str) -> str:
    """Signs in through the login form; returns the Cookie header of the session."""
    status, page, response = request(port, "GET", "/login/")
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie"))
    form = urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD, "next": "/"})
    status, _, response = request(port, "POST", "/login/", body=form.encode(), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}/login/"})
    assert status == 302, status
    cookies = dict(c.split(";", 1)[0].split("=", 1) for c in response.headers.get_all("Set-Cookie"))
    assert "sessionid" in cookies
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def dashboard_counts(port: int, cookie: str) -> Counter:
    """The dashboard's count of each status, as the page shows them."""
    status, page, _ = request(port, "GET", "/dashboard/", headers={"Cookie": cookie})
    assert status == 200, status
    return Counter({s: int(n) for s, n in re.findall(r'data-status="([^"]+)">(\d+)<', page.decode())})


def stored_counts() -> Counter:
    return Counter({s or "未评估": n for s, n in Counter(Task.objects.values_list("status", flat=True)).items()})


@pytest.fixture
def ledger(seeds):
    import_file(seed(seeds, "000"))
    return Plan.objects.get(year=2023)


def test_a_submission_on_one_server_is_on_the_other_servers_dashboard_at_once(ledger, settings, tmp_path):
    import redis

    office, _ = add_user("office2", "office", password=PASSWORD)
    token = ApiToken.issue(office, "双服务器测试")[1]
    prefix = f"duban-test-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DUBAN_DEBUG")}
    env.update(DUBAN_DATABASE_URL=database_url(), DUBAN_CACHE_URL=REDIS_URL, DUBAN_CACHE_PREFIX=prefix,
               DUBAN_SECRET_KEY=secrets.token_urlsafe(50), DUBAN_ALLOWED_HOSTS="127.0.0.1,localhost",
               DUBAN_DATA_DIR=str(tmp_path))  # production mode (a database URL): its keys are required
    store = redis.Redis.from_url(REDIS_URL)
    try:
        with ExitStack() as servers:
            a = servers.enter_context(duban_serve(env, tmp_path / "a.log"))
            b = servers.enter_context(duban_serve(env, tmp_path / "b.log"))
            cookie = login(b, "office2")
            assert dashboard_counts(a, cookie) == stored_counts()  # B's session is good on A: in the database
            before = dashboard_counts(b, cookie)
            assert before == stored_counts()
            assert list(store.scan_iter(f"{prefix}:*duban:summary:*")), "the dashboard's counts are not in Redis"
            version = int(store.get(f"{prefix}:1:duban:ledger-version") or 0)

            task = ledger.tasks.get(number="15")  # one indicator: 创建优秀规范化农贸市场 40处
            status, body, _ = request(a, "POST", "/api/progress", body=json.dumps({
                "task": task.pk, "as_of": "2023-12-31", "text": "全年完成",
                "values": [{"metric": "创建优秀规范化农贸市场", "amount": "40"}]}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            assert status == 201, body
            assert json.loads(body)["state"] == "approved"
            task.refresh_from_db()
            after = stored_counts()
            assert after != before, "the submission changed no status: nothing to see"
            assert task.status == "已完成" and after["已完成"] == before["已完成"] + 1
            assert dashboard_counts(b, cookie) == after  # at once, on the other server
            assert int(store.get(f"{prefix}:1:duban:ledger-version")) > version  # A's write, in the shared cache
    finally:
        keys = list(store.scan_iter(f"{prefix}:*"))
        if keys:
            store.delete(*keys)
