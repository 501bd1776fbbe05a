"""One judgement everywhere (issue 9, item 7): for every seed plan and several dates, the dashboard,
the office task list, the task page, the public portal, the API and a bulletin give each task the same
status — problem pressure included — and /units/ ranks the lead units as the bulletin does, by the one
formula both state (排名依据: …).

The seeds are imported as the office would (`import_file`), "today" is moved to each date (the
office's daily run, `assess_plans`, happens on it), a problem is raised on one task, and every page is
read through the Django test client.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from duban import assess as A
from duban.bulletins.services import content_of, create_bulletin
from duban.ledger.assessment import assess_plans
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Task
from duban.people.services import add_user
from duban.ranking import SCORING_NOTE
from duban.supervision.services.problems import raise_problem

pytestmark = pytest.mark.django_db

PW = "a-long-enough-password"


def _dates(year: int) -> list[date]:
    return [date(year, 6, 30), date(year, 11, 30)]


@pytest.fixture
def ledger(seeds):
    """Every seed imported (as of the start of the earliest plan's year); returns the plans."""
    paths = sorted(seeds.glob("*.txt"))
    assert len(paths) >= 5, "the seed plans are missing"
    for path in paths:
        import_file(path, today=date(2022, 1, 10))
    plans = list(Plan.objects.order_by("year", "pk"))
    assert len(plans) >= len(paths)
    return plans


@pytest.fixture
def office(client):
    user = add_user("office", "office", password=PW)[0]
    client.force_login(user)
    return user


def _move_today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def _dashboard(client, plan: Plan, as_of: date) -> dict[str, int]:
    """The dashboard's counts by status (未评估 left out when zero)."""
    r = client.get("/dashboard/", {"plan": plan.pk, "as_of": as_of.isoformat()})
    assert r.status_code == 200
    return {row["status"]: row["n"] for row in r.context["counts"].status_rows() if row["n"]}


def _paged(client, url: str, params: dict) -> dict[int, str]:
    """Every page of an office or portal list: task id → the status the page prints."""
    out: dict[int, str] = {}
    number = 1
    while True:
        r = client.get(url, {**params, "page": number})
        assert r.status_code == 200
        html = r.content.decode()
        for row in r.context["rows"]:
            assert f">{row['task'].status}<" in html
            out[row["task"].pk] = row["task"].status
        if not r.context["page"].has_next():
            return out
        number += 1


def _task_list(client, plan: Plan) -> dict[int, str]:
    return _paged(client, "/tasks/", {"plan": plan.pk})


def _task_page(client, task: Task, as_of: date) -> str:
    r = client.get(f"/tasks/{task.pk}/", {"as_of": as_of.isoformat()})
    assert r.status_code == 200
    status = r.context["status"]
    assert status and f">{status}</span>" in r.content.decode()
    assert r.context["assessment"].status.value == status  # the page's own recalculation agrees
    return status


def _portal(client, plan: Plan) -> dict[int, str]:
    return _paged(client, "/public/", {"year": plan.year, "plan": plan.pk})


def _api(client, plan: Plan, as_of: date) -> tuple[dict[int, str], dict[int, str]]:
    """The API's task list (stored statuses) and its live assessment of the plan as of the date."""
    listed: dict[int, str] = {}
    while True:
        r = client.get("/api/tasks", {"plan": plan.pk, "limit": 200, "offset": len(listed)})
        assert r.status_code == 200, r.content
        listed |= {t["id"]: t["status"] for t in r.json()["items"]}
        if len(listed) >= r.json()["count"]:
            break
    r = client.get("/api/assessments", {"plan": plan.pk, "as_of": as_of.isoformat()})
    assert r.status_code == 200, r.content
    live = {a["task"]: a["status"] for a in r.json()["items"]}
    return listed, live


def _units_page(client, plan: Plan, as_of: date) -> list[tuple]:
    r = client.get("/units/", {"plan": plan.pk, "as_of": as_of.isoformat()})
    assert r.status_code == 200
    assert SCORING_NOTE in r.content.decode()
    return [(row["name"], row["rank"], row["score"], row["counts"].total) for row in r.context["rows"]]


def _bulletin_ranking(content) -> list[tuple]:
    return [(r.unit, None if r.rank in ("—", "", None) else int(r.rank),
             None if r.score in ("—", "") else float(r.score), r.led) for r in content.ranking]


def test_every_page_gives_each_task_the_same_status_and_the_units_the_same_rank(ledger, office, client,
                                                                               monkeypatch):
    assert SCORING_NOTE.startswith("排名依据:")
    seen_statuses: set[str] = set()
    lifted: list[Task] = []
    checked = 0
    for plan in ledger:
        tasks = list(plan.tasks.order_by("order", "pk"))
        assert tasks, plan
        for day in _dates(plan.year):
            _move_today(monkeypatch, day)
            assess_plans([plan.pk], day)  # the office's daily run on that day
            if day == _dates(plan.year)[1]:
                # two problems on a task judged on track: a repeated problem lifts it to 滞后 at once,
                # on every page — raising them is a write that reassesses (no daily run after it)
                worked = Task.objects.filter(plan=plan, status__in=[A.Status.ON_TRACK.value, A.Status.AHEAD.value]
                                             ).order_by("order").first()
                if worked is not None:
                    raise_problem(office, worked, "施工单位资金未到位,工程停工", today=day)
                    raise_problem(office, worked, "群众反映施工扰民,工期拖延", today=day)
                    lifted.append(worked)
            # the pages first (they read what is stored), then the bulletin (which judges as of the day)
            listed = _task_list(client, plan)
            portal = _portal(client, plan)
            api_listed, api_live = _api(client, plan, day)
            pages = {t.pk: _task_page(client, t, day) for t in tasks}
            dashboard = _dashboard(client, plan, day)
            units = _units_page(client, plan, day)

            bulletin = create_bulletin(office, plan, day)
            content = content_of(bulletin)
            r = client.get(f"/bulletins/{bulletin.pk}/view/")
            assert r.status_code == 200
            assert SCORING_NOTE in (b"".join(r.streaming_content) if r.streaming else r.content).decode()
            in_bulletin = {t["id"]: t["status"] for t in bulletin.snapshot["tasks"]}
            for t in tasks:
                views = {"bulletin": in_bulletin[t.pk], "task list": listed[t.pk], "task page": pages[t.pk],
                         "portal": portal[t.pk], "API tasks": api_listed[t.pk], "API assessments": api_live[t.pk]}
                assert len(set(views.values())) == 1, (plan.pk, plan.year, t.number, day, views)
                seen_statuses.add(in_bulletin[t.pk])
                checked += 1
            counts: dict[str, int] = {}
            for s in in_bulletin.values():
                counts[s] = counts.get(s, 0) + 1
            assert dashboard == counts, (plan.pk, day)
            assert units == _bulletin_ranking(content), (plan.pk, day)
            assert _dashboard(client, plan, day) == counts  # creating the bulletin changed nothing

        # an earlier date, seen after the later one: the history, as the bulletin of that date froze it
        early = _dates(plan.year)[0]
        old = plan.bulletins.get(as_of=early)
        counts = {}
        for t in old.snapshot["tasks"]:
            counts[t["status"]] = counts.get(t["status"], 0) + 1
            assert _task_page(client, Task.objects.get(pk=t["id"]), early) == t["status"], (plan.pk, t["number"])
        assert _dashboard(client, plan, early) == counts
        assert _units_page(client, plan, early) == _bulletin_ranking(content_of(old))

    assert checked >= 2 * sum(p.tasks.count() for p in ledger)
    assert len(seen_statuses) >= 3, seen_statuses  # the seeds judged differently, not all one word
    assert lifted, "no seed plan has a task on track to raise problems on"
    for task in lifted:
        task.refresh_from_db()
        assert task.status == A.Status.BEHIND.value and "问题反复出现" in task.status_reason, task.status_reason


def test_the_ranking_note_states_the_formula_in_chinese():
    assert re.search(r"已完成.*100分.*达序时进度90分.*滞后60分.*逾期0分", SCORING_NOTE)
