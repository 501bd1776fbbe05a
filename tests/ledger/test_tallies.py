"""Today's counts (the dashboard, the portal, the lists' totals) are the tasks' own counts after every
kind of write: on PostgreSQL they are read from the counts the database maintains by trigger
(TaskTally, LeadTally, and the calendar's MilestoneTally), which must equal a count of the tasks (and
of the milestones) whatever wrote them; on SQLite the pages count them, and the same checks hold."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection

from duban.ledger.assessment import assess_plans
from duban.ledger.importer import import_bytes, import_file
from duban.ledger.models import LeadTally, Milestone, MilestoneTally, Plan, Responsibility, Task, TaskTally, Unit
from duban.ledger.models.plans import year_keys
from duban.ledger.units import merge_units
from duban.supervision.services.month import add_months, milestone_totals
from duban.web import queries as Q
from tests.conftest import seed

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2023, 10, 15)  # any date: today's counts are read whatever it is


def scopes_of(sort_key: str, plan_id: int) -> list[str]:
    return ["all", f"y{sort_key[:4]}", f"y{sort_key[:4]}:p{plan_id}"]


def counted_tasks() -> Counter:
    """What TaskTally must hold, counted from the current tasks."""
    out: Counter = Counter()
    for t in Task.objects.all():
        for scope in scopes_of(t.sort_key, t.plan_id):
            out[(scope, t.status, t.status_color, t.domain)] += 1
    return out


def counted_leads() -> Counter:
    """What LeadTally must hold: the lead responsibilities of the current tasks by their task's status."""
    out: Counter = Counter()
    for r in Responsibility.objects.filter(role=Responsibility.Role.LEAD, task__retired_on__isnull=True
                                           ).select_related("task"):
        for scope in scopes_of(r.task.sort_key, r.task.plan_id):
            out[(scope, r.unit_id, r.task.status, r.task.status_color)] += 1
    return out


def check_counts() -> None:
    if connection.vendor == "postgresql":  # the maintained rows themselves
        tasks = Counter({(s, st, c, d): n for s, st, c, d, n in
                         TaskTally.objects.filter(n__gt=0).values_list("scope", "status", "color", "domain", "n")})
        assert tasks == counted_tasks()
        leads = Counter({(s, u, st, c): n for s, u, st, c, n in
                         LeadTally.objects.filter(n__gt=0).values_list("scope", "unit_id", "status", "color", "n")})
        assert leads == counted_leads()
        assert not TaskTally.objects.filter(n__lt=0).exists() and not LeadTally.objects.filter(n__lt=0).exists()
        days = Counter(dict(MilestoneTally.objects.filter(n__gt=0).values_list("due", "n")))
        assert days == Counter(Milestone.objects.exclude(due=None).values_list("due", flat=True))
        assert not MilestoneTally.objects.filter(n__lt=0).exists()
    dues = set(Milestone.objects.exclude(due=None).values_list("due", flat=True))
    for first in {d.replace(day=1) for d in dues}:  # the calendar's day counts of every month with steps
        last = add_months(first, 1) - dt.timedelta(days=1)
        assert milestone_totals(first, last) == dict(Counter(d for d in Milestone.objects.filter(
            due__gte=first, due__lte=last).values_list("due", flat=True)))
    today = dt.date.today()
    for plan in [None, *Plan.objects.all()]:
        for year in {None, *Plan.objects.values_list("year", flat=True)} if plan is None else {plan.year}:
            scope = Q.Scope(plan, year, today, today)
            counts, domains = Q.current_breakdown(scope)
            direct, direct_domains = Q.breakdown(Q.tasks_in(scope))
            assert (counts.total, counts.colors, counts.statuses) == (direct.total, direct.colors, direct.statuses)
            assert [(d["domain"], d["counts"].statuses) for d in domains] == \
                [(d["domain"], d["counts"].statuses) for d in direct_domains]
            units = {r["id"]: r["counts"].statuses for r in Q._units(scope)}
            expected: dict[int, Counter] = {}
            for r in Q.lead_responsibilities_in(scope).select_related("task"):
                expected.setdefault(r.unit_id, Counter())[r.task.status or Q.UNASSESSED] += 1
            assert units == {u: dict(c) for u, c in expected.items()}
            total = Q.tallied_total(year, plan.pk if plan else None)
            assert total in (None, Q.tasks_in(scope).count())
            if connection.vendor == "postgresql" and (plan is None or year is not None):
                assert total == Q.tasks_in(scope).count()
    for year in Plan.objects.values_list("year", flat=True).distinct():
        low, high = year_keys(year)
        expected_sizes = Counter(Task.objects.filter(sort_key__gte=low, sort_key__lt=high)
                                 .values_list("plan_id", flat=True))
        assert Q.plan_sizes(year) == dict(expected_sizes)
    assert Q.domain_names() == sorted({d for d in Task.objects.values_list("domain", flat=True) if d})


def test_counts_follow_imports_assessments_new_versions_merges_and_deletions(seeds):
    for prefix in ("000", "003"):
        import_file(seed(seeds, prefix))
    check_counts()  # imported (and assessed as of today by the import)
    before = Q.current_breakdown(Q.Scope(None, None, AS_OF, AS_OF))[0].statuses
    assert sum(before.values()) == Task.objects.count() > 100

    some = list(Task.objects.order_by("pk").values_list("pk", flat=True)[::3])
    Task.objects.filter(pk__in=some).update(status="", status_color="", status_reason="", assessed_on=None)
    check_counts()  # a raw UPDATE of many rows
    assert Q.current_breakdown(Q.Scope(None, None, AS_OF, AS_OF))[0].statuses[Q.UNASSESSED] == len(some)

    assess_plans(list(Plan.objects.values_list("pk", flat=True)), dt.date.today())  # they are judged again
    check_counts()
    assert Q.current_breakdown(Q.Scope(None, None, AS_OF, AS_OF))[0].statuses == before

    path = seed(seeds, "000")  # a new version without task 1: it is retired (its lead no longer counted)
    text = "\n".join(line for line in path.read_text("utf-8").splitlines() if not line.startswith("1\t"))
    import_bytes(text.encode("utf-8"), path.name)
    assert Task.everything.filter(retired_on__isnull=False).exists()
    check_counts()

    moved = Plan.objects.order_by("pk").first()  # a plan moves year: its tasks' keys and scopes follow
    moved.year = 2024
    moved.save()
    check_counts()
    assert Q.plan_sizes(2024) == {moved.pk: moved.tasks.count()}

    Task.objects.filter(pk__in=list(Task.objects.order_by("pk").values_list("pk", flat=True)[:1])).update(domain="新领域")  # a raw UPDATE
    check_counts()
    assert "新领域" in Q.domain_names()

    steps = list(Milestone.objects.exclude(due=None).order_by("pk").values_list("pk", flat=True)[::5])
    Milestone.objects.filter(pk__in=steps).update(due=dt.date(2024, 2, 29))  # a raw UPDATE moves steps' days
    Milestone.objects.filter(pk__in=steps[::2]).update(done_on=dt.date(2024, 3, 1))  # marking done moves none
    check_counts()
    assert milestone_totals(dt.date(2024, 2, 1), dt.date(2024, 2, 29))[dt.date(2024, 2, 29)] >= len(steps)
    Milestone.objects.filter(pk__in=steps[1::2]).delete()
    check_counts()

    units = list(Unit.objects.filter(responsibilities__role="lead").distinct().order_by("pk")[:2])
    merge_units(units[0], units[1])  # the absorbed unit's leads move to the kept one
    check_counts()

    Plan.objects.filter(pk=moved.pk).delete()  # tasks and responsibilities go with it
    check_counts()
    assert Q.plan_sizes(2024) == {}
