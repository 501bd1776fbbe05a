"""Search: one meaning on the task list and in the API (every term in the number, title, content,
domain or a unit's name; case-blind; % and _ only themselves), answered on PostgreSQL through pg_trgm
GIN indexes instead of a scan of every task."""
from __future__ import annotations

import re

import pytest
from django.db import connection

from duban.ledger.importer import import_file
from duban.ledger.models import Task
from duban.ledger.search import search_tasks
from tests.conftest import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(seeds):
    for prefix in ("000", "003", "004"):
        import_file(seed(seeds, prefix))
    return Task.objects.count()


def by_reading(q: str) -> set[int]:
    """The tasks holding every term, found by reading each task in Python."""
    out = set()
    for t in Task.objects.prefetch_related("units"):
        texts = [t.number, t.title, t.content, t.domain, *(u.name for u in t.units.all())]
        if all(any(term.lower() in text.lower() for text in texts) for term in q.split()):
            out.add(t.pk)
    return out


def found(q: str) -> set[int]:
    return set(search_tasks(Task.objects.all(), q).values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["口袋公园", "市园林和林业局", "口袋公园 市城市管理局", "养老", "rcep", "HPV",
                               "30%", "%", "不存在的词语"])
def test_search_finds_exactly_the_tasks_that_hold_every_term(ledger, q):
    expected = by_reading(q)
    assert found(q) == expected
    if q in ("口袋公园", "市园林和林业局", "养老", "rcep"):
        assert expected, q  # the seeds have these: the test compares something
    if q == "不存在的词语":
        assert not expected


def test_a_unit_name_finds_the_tasks_it_leads_or_helps_with(ledger):
    (task,) = [t for t in Task.objects.all() if "口袋公园" in t.content][:1]
    for unit in task.units.all():
        assert task.pk in found(unit.name)


def test_the_task_list_and_the_api_search_alike(ledger, client):
    from duban.people.services import add_user

    office, _ = add_user("office", "office", password="a-long-enough-password")
    client.force_login(office)
    for q in ("口袋公园", "市园林和林业局", "养老 市民政局", "rcep"):
        api = {t["id"] for t in client.get("/api/tasks", {"q": q, "limit": 200}).json()["items"]}
        page = client.get("/tasks/", {"q": q}).content.decode()
        listed = {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', page)}
        assert api == listed == by_reading(q), q


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes are PostgreSQL's (SQLite scans)")
def test_on_postgresql_the_indexes_answer_a_chinese_term(ledger):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_task")
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        assert {r[0] for r in cursor.fetchall()} == {"task_number_trgm", "task_title_trgm", "task_content_trgm",
                                                     "task_domain_trgm", "unit_name_trgm"}
        # every task (retired too): no partial index of the current ones stands in for the trigram indexes
        sql, params = search_tasks(Task.everything.all(), "口袋公园").order_by().values("pk").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask whether the indexes CAN answer
        cursor.execute("SET LOCAL enable_indexscan = off")  # (not a walk of a primary key, filtering)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    for index in ("task_number_trgm", "task_title_trgm", "task_content_trgm", "task_domain_trgm", "unit_name_trgm"):
        assert f"Bitmap Index Scan on {index}" in plan, plan
    assert "~~" in plan  # LIKE (a term with no case)
