"""Assessment at scale: the bulk reader judges every seed task exactly as a plain per-task read does,
its query count does not grow with a plan's size, and an assessment with nothing changed writes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from duban import assess as A
from duban.ledger import assessment
from duban.ledger.assessment import assess_plan, assess_plans, judged_on, reassess
from duban.ledger.importer import import_file
from duban.ledger.models import Observation, Plan, ProgressReport, StatusChange, Task
from tests.conftest import seed

pytestmark = pytest.mark.django_db

SHARES = (0.3, 0.7, 0.95, 1.1, None)  # of the target reached by a task's reports (None: no report)
DATES = (date(2022, 10, 15), date(2023, 4, 1), date(2023, 7, 1), date(2023, 12, 31), date(2024, 7, 1),
         date(2025, 1, 10), date(2023, 7, 1))  # the last one again: an earlier date after later ones


def add_progress(plan: Plan) -> None:
    """Approved reports in three quarters at a task-dependent share of each target, a submitted (not
    counted) one above the target, and some milestones marked done."""
    obs = []
    for n, task in enumerate(Task.objects.filter(plan=plan).order_by("order")):
        share = SHARES[n % len(SHARES)]
        if share is None:
            continue
        for q, (month, day) in enumerate(((3, 31), (6, 30), (9, 30))):
            report = ProgressReport.objects.create(task=task, as_of=date(plan.year, month, day), text="进展")
            for ind in task.indicators.all():
                obs.append(Observation(report=report, indicator=ind, metric=ind.metric, unit=ind.unit,
                                       value=ind.target * share * (q + 1) / 3, percent=None))
        extra = ProgressReport.objects.create(task=task, as_of=date(plan.year, 5, 1), text="待审",
                                              state=ProgressReport.State.SUBMITTED)
        obs += [Observation(report=extra, indicator=i, metric=i.metric, unit=i.unit, value=i.target * 2)
                for i in task.indicators.all()]
        if n % 3 == 0:
            first = task.milestones.filter(due__isnull=False).order_by("due").first()
            if first is not None:
                first.done_on = date(plan.year, 3, 1)
                first.save(update_fields=["done_on"])
    Observation.objects.bulk_create(obs)


def plain_read(plan: Plan, as_of: date) -> dict[int, A.TaskAssessment]:
    """The reference: each task read through ORM objects, judged by the pure `duban.assess`."""
    counted = Observation.objects.filter(report__state__in=assessment.COUNTED_STATES,
                                         report__as_of__lte=as_of).select_related("report").order_by(
        "report__as_of", "pk")
    tasks = Task.objects.filter(plan=plan).select_related("plan").prefetch_related(
        "indicators__checkpoints__milestone", Prefetch("indicators__observations", queryset=counted),
        "milestones__checkpoints")
    out = {}
    for task in tasks:
        indicators = tuple(A.Indicator(
            key=str(i.pk), metric=i.metric, unit=i.unit, target=i.target, qualifier=i.qualifier,
            higher_is_better=i.higher_is_better, cumulative=i.cumulative,
            checkpoints=tuple(sorted((A.Checkpoint(c.milestone.due, c.value) for c in i.checkpoints.all()
                                      if c.milestone.due is not None), key=lambda c: c.due)),
            observations=tuple(A.Observation(o.report.as_of, o.value, o.percent) for o in i.observations.all()))
            for i in sorted(task.indicators.all(), key=lambda i: (i.order, i.pk)) if i.tracked)
        milestones = tuple(A.Milestone(str(m.pk), m.due, m.text, m.done_on,
                                       tuple(str(c.indicator_id) for c in m.checkpoints.all()))
                           for m in sorted(task.milestones.all(), key=lambda m: m.order) if m.due is not None)
        snap = A.TaskSnapshot(key=str(task.pk), number=task.number, year=plan.year, indicators=indicators,
                              milestones=milestones)
        out[task.pk] = A.assess(snap, judged_on(plan.year, as_of), closed=as_of > date(plan.year, 12, 31))
    for adjust in assessment._ADJUSTMENTS.values():
        out = adjust(out, as_of)
    return out


def same(a: A.TaskAssessment, b: A.TaskAssessment) -> bool:
    """Equal judgements (milestones compared by key: the order of a milestone's checkpoint keys is free)."""
    def key(x):
        return (x.status, x.color, x.reason, x.indicators, x.as_of, [m.key for m in x.overdue],
                [m.key for m in x.due_soon], x.done_milestones)
    return key(a) == key(b)


def test_every_seed_task_is_judged_as_the_plain_read_judges_it_at_every_date(seeds):
    for path in sorted(seeds.glob("*.txt")):
        import_file(path)
    plans = list(Plan.objects.order_by("pk"))
    for plan in plans:
        add_progress(plan)
    statuses = set()
    for as_of in DATES:
        for plan in plans:
            got, want = assess_plan(plan.pk, as_of), plain_read(plan, as_of)
            assert set(got) == set(want)
            bad = [pk for pk in got if not same(got[pk], want[pk])]
            assert not bad, (plan.pk, as_of, got[bad[0]], want[bad[0]])
            statuses |= {a.status for a in got.values()}
            latest = {}
            for task_id, status in (StatusChange.objects.filter(task__plan=plan, indicator=None,
                                                                as_of__lte=judged_on(plan.year, as_of))
                                    .order_by("as_of", "id").values_list("task_id", "status")):
                latest[task_id] = status
            assert latest == {pk: a.status.value for pk, a in got.items()}  # the history tells the same
    assert len(statuses) >= 4  # the dates and shares reach several statuses, not one everywhere
    as_of = date(2025, 2, 1)  # later than every date above: what every task now shows
    assess_plans([p.pk for p in plans], as_of)
    for plan in plans:
        want = plain_read(plan, as_of)
        stored = dict(Task.objects.filter(plan=plan).values_list("pk", "status"))
        assert stored == {pk: a.status.value for pk, a in want.items()}


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
            or (" times: " in q["sql"] and q["sql"].split(": ", 1)[1].split(None, 1)[0].upper() in ("UPDATE", "INSERT"))]


def test_query_count_does_not_grow_with_the_plan_and_nothing_changed_writes_nothing(seeds):
    import_file(seed(seeds, "000"))
    import_file(seed(seeds, "003"))
    by_size = sorted(Plan.objects.all(), key=lambda p: p.tasks.count())
    small, big = by_size[0], by_size[-1]
    assert (small.tasks.count(), big.tasks.count()) == (16, 128)
    for plan in (small, big):
        add_progress(plan)
    as_of = date(2023, 8, 15)
    counts = []
    for plan in (small, big):
        with CaptureQueriesContext(connection) as first:
            assess_plan(plan.pk, as_of)
        assert writes(first.captured_queries)  # statuses changed: stored
        counts.append(len(first.captured_queries))
    assert counts[0] == counts[1], counts
    for plan in (small, big):
        before = StatusChange.objects.count()
        with CaptureQueriesContext(connection) as again:
            assess_plan(plan.pk, as_of)
        assert writes(again.captured_queries) == [] and StatusChange.objects.count() == before


def test_reassessing_one_task_writes_only_that_task(seeds):
    import_file(seed(seeds, "003"))
    plan = Plan.objects.get()
    as_of = date(2023, 8, 15)
    assess_plan(plan.pk, as_of)
    task = Task.objects.filter(plan=plan, indicators__tracked=True).order_by("order").first()
    others = dict(Task.objects.filter(plan=plan).exclude(pk=task.pk).values_list("pk", "assessed_on"))
    report = ProgressReport.objects.create(task=task, as_of=date(2023, 8, 1), text="进展")
    Observation.objects.bulk_create(Observation(report=report, indicator=i, metric=i.metric, unit=i.unit,
                                                value=i.target * 1.2) for i in task.indicators.all())
    before = StatusChange.objects.exclude(task=task).count()
    mine = StatusChange.objects.filter(task=task).count()
    reassess([task.pk], date(2024, 1, 5))  # judged as of the plan's year end, as the import's assessment was
    task.refresh_from_db()
    assert task.assessed_on == date(2023, 12, 31) and task.status == A.Status.DONE.value
    assert StatusChange.objects.filter(task=task).count() > mine
    assert StatusChange.objects.exclude(task=task).count() == before
    assert dict(Task.objects.filter(plan=plan).exclude(pk=task.pk).values_list("pk", "assessed_on")) == others


def test_one_of_keeps_the_rows_listed_and_none_for_an_empty_list(seeds):
    import_file(seed(seeds, "003"))
    ids = sorted(Task.objects.values_list("pk", flat=True))
    some = ids[::3]
    assert sorted(Task.objects.filter(pk__one_of=some).values_list("pk", flat=True)) == some
    assert list(Task.objects.filter(pk__one_of=[]).values_list("pk", flat=True)) == []
    plan = Plan.objects.get()
    assert Task.objects.filter(plan_id__one_of=[plan.pk]).count() == len(ids)
    assert assessment.snapshots([]) == {} and assessment.assess_tasks([], date(2023, 8, 15)) == {}


def test_the_collector_is_as_it_was_after_an_assessment(seeds):
    import gc

    import_file(seed(seeds, "003"))
    plan = Plan.objects.get()
    assert gc.isenabled()
    assess_plans([plan.pk], date(2023, 8, 15))
    assert gc.isenabled()  # paused while judging, running again after
    gc.disable()
    try:
        assess_plans([plan.pk], date(2023, 9, 15))
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()
    with assessment._collector_paused():  # nested (as assess_plans over assess_tasks): on only at the end
        with assessment._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
