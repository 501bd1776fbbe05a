"""Concurrent writers through a real server, on PostgreSQL.

A waitress server (what `duban serve` runs) serves the test database from a thread; 50 unit
reporters submit progress of the same few tasks at once through `POST /api/progress`, then 50
reviewers approve the same report with the same `version` at once. Every accepted submission
must be stored exactly once, with its audit entry and its value; of the reviews exactly one
wins and the others get 409 `conflict`; no request ends in a 5xx.

Skipped on SQLite: one writer at a time there, and the point is PostgreSQL's row locks.
"""
from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection

from duban.core.models import AuditEntry
from duban.ledger.importer import import_file
from duban.ledger.models import Observation, Plan, ProgressReport
from duban.people.models import ApiToken
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the server's threads must see the committed data
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrency is tested on PostgreSQL (DUBAN_TEST_DATABASE_URL)"),
]

CLIENTS = 50
SERVER_THREADS = 16  # `duban serve` runs 8; more here to put more requests inside the database at once
PASSWORD = "a-long-enough-password"
TIMEOUT = 60  # seconds: a client that waits longer than this is a failure, not a hang
# Tasks of the 2023 plan (seed 000) by number: (its lead unit, one of its indicators, an amount)
TASKS = {
    "1": ("市人力资源社会保障局", "城镇新增就业", "15万"),
    "2": ("市住房城乡建设局", "改造城镇老旧小区", "180"),
    "3": ("市教育局", "开工新建改扩建中小学和幼儿园", "12"),
    "4": ("市民政局", "养老服务站", "300"),
}


# ---------------------------------------------------------------------------------------- the server


@contextmanager
def waitress_server(threads: int = SERVER_THREADS):
    """duban's WSGI application under waitress on a free port, run by a thread; yields the port.

    Each worker thread opens its own database connection; CONN_MAX_AGE 0 makes each close it when
    its request ends, so none is left open on the test database (which is truncated after the test
    and dropped at the end of the run)."""
    from django.core.wsgi import get_wsgi_application  # duban.wsgi refuses production mode without its keys
    from waitress.server import create_server
    application = get_wsgi_application()

    settings_dict = connection.settings_dict  # the dict every thread's connection is made from
    max_age = settings_dict.get("CONN_MAX_AGE", 0)
    settings_dict["CONN_MAX_AGE"] = 0
    server = create_server(application, host="127.0.0.1", port=0, threads=threads, ident="duban-test",
                           connection_limit=4 * CLIENTS, clear_untrusted_proxy_headers=True)
    loop = threading.Thread(target=server.run, name="waitress-loop", daemon=True)
    loop.start()
    try:
        yield server.effective_port
    finally:
        def close_everything():  # runs in the loop's thread: when its map is empty the loop returns
            for dispatcher in list(server._map.values()):
                dispatcher.close()

        server.trigger.pull_trigger(close_everything)
        loop.join(10)
        server.task_dispatcher.shutdown(timeout=10)
        settings_dict["CONN_MAX_AGE"] = max_age


def post(port: int, path: str, token: str, body: dict) -> tuple[int, dict | str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


def all_at_once(port: int, calls: list[tuple[str, str, dict]]) -> list[tuple[int, dict | str]]:
    """Each (path, token, body) POSTed by a thread of its own, all released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def client(i: int, path: str, token: str, body: dict) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            answers[i] = post(port, path, token, body)
        except Exception as e:
            answers[i] = (0, f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=client, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 10)
    assert not any(t.is_alive() for t in threads), "a client did not finish"
    return answers


# ---------------------------------------------------------------------------------------- the test


@pytest.fixture
def ledger(seeds, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 costs 0.5 s a user
    import_file(seed(seeds, "000"))
    plan = Plan.objects.get(year=2023)
    return {number: plan.tasks.get(number=number) for number in TASKS}


def test_concurrent_submissions_and_reviews_through_the_server(ledger):
    numbers = sorted(TASKS)
    reporters = []  # (token, task number)
    for i in range(CLIENTS):
        number = numbers[i % len(numbers)]
        user, _ = add_user(f"reporter{i:02}", "reporter", unit=TASKS[number][0], password=PASSWORD)
        reporters.append((ApiToken.issue(user, "并发测试")[1], number))
    reviewers = []
    for i in range(CLIENTS):
        user, _ = add_user(f"reviewer{i:02}", "office" if i % 2 else "reviewer", password=PASSWORD)
        reviewers.append(ApiToken.issue(user, "并发测试")[1])

    def submission(i: int, number: str) -> dict:
        _, metric, amount = TASKS[number]
        return {"task": ledger[number].pk, "as_of": "2023-06-30", "values": [{"metric": metric, "amount": amount}],
                "text": f"并发填报 {i}"}

    with waitress_server() as port:
        # 1. 50 reporters, 4 tasks, one instant
        bodies = [submission(i, number) for i, (_, number) in enumerate(reporters)]
        answers = all_at_once(port, [("/api/progress", token, body) for (token, _), body in zip(reporters, bodies)])
        statuses = Counter(status for status, _ in answers)
        assert not [a for a in answers if a[0] == 0 or a[0] >= 500], f"failed requests: {answers}"
        assert statuses == {201: CLIENTS}, f"answers: {statuses}; e.g. {[a for a in answers if a[0] != 201][:3]}"

        accepted = [body for status, body in answers if 200 <= status < 300]
        ids = [body["id"] for body in accepted]
        assert len(set(ids)) == len(ids) == ProgressReport.objects.count()  # each stored once, nothing else
        stored = {r.pk: r for r in ProgressReport.objects.select_related("task").prefetch_related("observations")}
        assert set(stored) == set(ids)
        submits = Counter(AuditEntry.objects.filter(action="progress.submit").values_list("object_id", flat=True))
        assert submits == Counter(str(pk) for pk in ids)  # exactly one audit entry each, none for anything else
        for body, answer in zip(bodies, (a for _, a in answers)):
            report = stored[answer["id"]]
            assert (report.task_id, report.text, report.state, report.version) == (
                body["task"], body["text"], ProgressReport.State.SUBMITTED, 1)
            (observation,) = report.observations.all()
            assert observation.metric == body["values"][0]["metric"]
            assert [o["value"] for o in answer["values"]] == [observation.value]
        assert Observation.objects.count() == CLIENTS

        # 2. 50 reviewers approve the same report, all having seen version 1
        target = ids[0]
        answers = all_at_once(port, [(f"/api/progress/{target}/review", token,
                                      {"approve": True, "reason": "数据属实", "version": 1}) for token in reviewers])

    statuses = Counter(status for status, _ in answers)
    odd = [a for a in answers if a[0] not in (200, 409)][:3]
    assert statuses == {200: 1, 409: CLIENTS - 1}, f"answers: {statuses}; e.g. {odd}"
    (won,) = [body for status, body in answers if status == 200]
    assert (won["id"], won["state"], won["version"]) == (target, "approved", 2)
    for status, body in answers:
        if status == 409:
            assert set(body) == {"error"} and body["error"]["code"] == "conflict" and body["error"]["message"], body
    report = ProgressReport.objects.get(pk=target)
    assert (report.state, report.version, report.review_note) == (ProgressReport.State.APPROVED, 2, "数据属实")
    assert AuditEntry.objects.filter(action="progress.approve", object_id=str(target)).count() == 1
    assert not AuditEntry.objects.filter(action__in=("progress.return", "progress.revise")).exists()
    assert ProgressReport.objects.filter(state=ProgressReport.State.APPROVED).count() == 1
