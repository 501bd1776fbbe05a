"""The tasks' list order is one key stored on the task (plan year desc, genre, plan, order), kept up
to date by imports and new versions, and an index gives the first page of every list from it."""
from __future__ import annotations

import pytest
from django.db import connection

from duban.ledger.importer import import_bytes, import_file
from duban.ledger.models import Plan, ProgressReport, Task
from duban.ledger.models.plans import LIST_ORDER, in_year, refresh_sort_keys, task_sort_key
from tests.conftest import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_plans(seeds):
    """市办实事, 重点工作任务 and 民生攻坚 of 2023: three genres, 101 tasks."""
    for prefix in ("000", "003", "004"):
        import_file(seed(seeds, prefix))
    assert Plan.objects.count() == 3
    return Plan.objects.all()


def expected_order() -> list[int]:
    tasks = Task.objects.select_related("plan")
    return [t.pk for t in sorted(tasks, key=lambda t: (-t.plan.year, t.plan.genre, t.plan_id, t.order, t.pk))]


def test_every_imported_task_carries_its_key_and_the_key_gives_the_list_order(three_plans):
    for t in Task.objects.select_related("plan"):
        assert t.sort_key == task_sort_key(t.plan.year, t.plan.genre, t.plan_id, t.order), t
    assert list(Task.objects.order_by(*LIST_ORDER).values_list("pk", flat=True)) == expected_order()
    genres = list(Task.objects.order_by(*LIST_ORDER).values_list("plan__genre", flat=True).distinct())
    assert sorted(set(genres)) == ["campaign", "key_work", "practical"]


def test_a_later_year_comes_first_and_a_year_is_a_range_of_keys(three_plans):
    moved = Plan.objects.get(genre="campaign")
    moved.year = 2024
    moved.save()  # the plan moves: its tasks' keys follow
    first = Task.objects.order_by(*LIST_ORDER).first()
    assert first.plan_id == moved.pk and first.number == "1"
    assert list(Task.objects.order_by(*LIST_ORDER).values_list("pk", flat=True)) == expected_order()
    assert set(in_year(Task.objects.all(), 2024)) == set(moved.tasks.all())
    assert set(in_year(Task.objects.all(), 2023)) == set(Task.objects.exclude(plan=moved))
    assert not in_year(Task.objects.all(), 2022).exists()


def test_a_new_version_that_drops_a_task_moves_the_others_keys(seeds):
    path = seed(seeds, "000")
    import_file(path)
    plan = Plan.objects.get()
    two = plan.tasks.get(number="2")
    assert two.sort_key.endswith(f"{two.order:08d}") and two.order == 1
    text = "\n".join(line for line in path.read_text("utf-8").splitlines() if not line.startswith("1\t"))
    import_bytes(text.encode("utf-8"), path.name)
    two.refresh_from_db()
    assert two.order == 0 and two.sort_key == task_sort_key(2023, "practical", plan.pk, 0)
    assert list(Task.objects.order_by(*LIST_ORDER).values_list("number", flat=True))[:3] == ["2", "3", "4"]


def test_a_stale_key_is_rewritten_by_refresh(three_plans):
    Task.objects.update(sort_key="")
    assert refresh_sort_keys() == Task.everything.count()
    assert list(Task.objects.order_by(*LIST_ORDER).values_list("pk", flat=True)) == expected_order()
    assert refresh_sort_keys() == 0  # nothing to write the second time


def test_the_task_list_and_the_api_show_the_first_tasks_in_key_order(three_plans, client):
    from duban.people.services import add_user

    office, _ = add_user("office", "office", password="a-long-enough-password")
    client.force_login(office)
    page = client.get("/tasks/").content.decode()
    order = expected_order()
    shown = [int(pk) for pk in __import__("re").findall(r'href="/tasks/(\d+)/"', page)]
    assert list(dict.fromkeys(shown))[:50] == order[:50]
    api = client.get("/api/tasks?limit=20").json()
    assert [t["id"] for t in api["items"]] == order[:20]
    plan = Plan.objects.get(genre="key_work")
    api = client.get(f"/api/tasks?plan={plan.pk}&limit=200").json()
    assert [t["id"] for t in api["items"]] == [pk for pk in order if Task.objects.get(pk=pk).plan_id == plan.pk]


def plan_of(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index CAN serve it
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("which", ["all", "plan", "domain", "review queue"])
def test_an_index_gives_the_first_page_without_sorting(three_plans, which):
    plan = Plan.objects.get(genre="practical")
    qs, index = {
        "all": (Task.objects.order_by(*LIST_ORDER), "task_list_order"),
        "plan": (Task.objects.filter(plan=plan).order_by(*LIST_ORDER), "task_plan_list_order"),
        "domain": (Task.objects.filter(domain="").order_by("domain", *LIST_ORDER), "task_domain_list_order"),
        "review queue": (ProgressReport.objects.filter(state="submitted").order_by("created_at", "id"),
                         "report_review_queue"),
    }[which]
    sql, params = qs.values("pk")[:50].query.sql_with_params()
    found = plan_of(sql, params)
    assert index in found, found
    sorted_words = ("Sort" if connection.vendor == "postgresql" else "TEMP B-TREE FOR ORDER BY")
    assert sorted_words not in found, found
