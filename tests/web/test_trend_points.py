"""The dashboard's trend from stored daily aggregates: each month end's colours are counted from the
history once (TrendPoint) and kept, until a status change dated on or before that day is recorded or
an import changes the tasks; what is shown always equals a recount of the history."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duban.ledger.assessment import assess_plan
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, StatusChange, TrendPoint
from duban.web import queries as Q
from tests.conftest import seed

pytestmark = pytest.mark.django_db

AUGUST = date(2023, 8, 31)


@pytest.fixture
def plan(seeds):
    import_file(seed(seeds, "000"), today=date(2023, 3, 15))  # assessed as of its import
    plan = Plan.objects.get(year=2023)
    assess_plan(plan.pk, date(2023, 7, 20))
    return plan


def recount(scope: Q.Scope) -> list[dict]:
    ends = Q.month_ends(2023, scope.as_of)
    counts = Q._trend_counts(scope, ends)
    return [counts[d] for d in ends]


def test_the_trend_is_counted_once_and_then_read(plan):
    scope = Q.Scope(None, 2023, AUGUST, AUGUST)
    first = Q.trend(scope)
    assert [r["date"] for r in first] == Q.month_ends(2023, AUGUST)
    assert [r["counts"] for r in first] == recount(scope)
    assert sum(first[-1]["counts"].values()) == plan.tasks.count()  # by August every task was assessed
    assert sum(first[0]["counts"].values()) == 0  # none by January's end
    assert TrendPoint.objects.filter(scope="year:2023").count() == 8
    with CaptureQueriesContext(connection) as captured:
        again = Q.trend(scope)
    assert again == first
    assert not [q for q in captured.captured_queries if StatusChange._meta.db_table in q["sql"]]
    assert Q.trend(Q.Scope(plan, 2023, AUGUST, AUGUST)) == first  # the plan's own points: the same counts


def test_a_change_dated_in_the_past_drops_the_points_from_its_day_on(plan):
    scope = Q.Scope(None, 2023, AUGUST, AUGUST)
    before = Q.trend(scope)
    changes = StatusChange.objects.count()
    assess_plan(plan.pk, date(2023, 5, 10))  # a judgement as of May: May's end onwards may count otherwise
    assert StatusChange.objects.count() > changes
    assert sorted(TrendPoint.objects.values_list("day", flat=True)) == Q.month_ends(2023, date(2023, 4, 30))
    after = Q.trend(scope)
    assert [r["counts"] for r in after] == recount(scope)
    assert [r["counts"] for r in after][:4] == [r["counts"] for r in before][:4]


def test_an_import_drops_every_point(plan, seeds):
    Q.trend(Q.Scope(None, 2023, AUGUST, AUGUST))
    assert TrendPoint.objects.exists()
    import_file(seed(seeds, "003"), today=date(2023, 3, 15))
    assert not TrendPoint.objects.exists()
    scope = Q.Scope(None, 2023, AUGUST, AUGUST)
    assert [r["counts"] for r in Q.trend(scope)] == recount(scope)
