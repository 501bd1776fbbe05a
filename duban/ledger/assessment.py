"""The ledger's side of assessment: snapshots from the database, judged by the pure `duban.assess`,
and each change of status stored as history (bulletins and trends read it, never re-judge the past)."""
from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from itertools import groupby
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import BigAutoField, ForeignKey, Lookup
from django.db.models.lookups import In

from duban import assess as A
from duban.ledger.models import (
    Checkpoint,
    Indicator,
    Milestone,
    Observation,
    ProgressReport,
    StatusChange,
    Task,
)
from duban.ledger.trend import forget_trend
from duban.ledger.version import bump_ledger_version

COUNTED_STATES = (ProgressReport.State.APPROVED,)  # only reviewed reports count

# Inputs of the assessment that apps above the ledger provide (the supervision app's problem pressure):
# each takes (results, as_of) and returns them adjusted. Apps register theirs in `ready()`, so the
# ledger imports nothing above it and every caller of `assess_tasks` gets the same judgement.
_ADJUSTMENTS: dict[str, Callable[[dict[int, A.TaskAssessment], date], dict[int, A.TaskAssessment]]] = {}


def register_adjustment(name: str, adjust) -> None:
    _ADJUSTMENTS[name] = adjust


@ForeignKey.register_lookup
@BigAutoField.register_lookup
class OneOf(Lookup):
    """`column = ANY(%s)`, the ids one array parameter, on PostgreSQL: the plan of `IN (…)` (which
    PostgreSQL rewrites so), without Django preparing and psycopg splicing thousands of placeholders
    one by one (a 20-plan batch has 3,000 tasks); a plain `IN (…)` elsewhere."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, [int(i) for i in self.rhs]]


def snapshots(tasks: list[Task], *, as_of: date | None = None) -> dict[int, A.TaskSnapshot]:
    """TaskSnapshots for many tasks in four queries (no query per task), read as plain tuples."""
    ids = [t.pk for t in tasks]
    checkpoints = defaultdict(list)
    on_milestone = defaultdict(list)
    # .order_by(): no default ordering, whose joins up to the plan and sort cost more than the rows
    for ind_id, ms_id, due, value in (Checkpoint.objects.filter(indicator__task_id__one_of=ids, milestone__due__isnull=False)
                                      .order_by().values_list("indicator_id", "milestone_id", "milestone__due", "value")):
        checkpoints[ind_id].append(A.Checkpoint(due, value))
        on_milestone[ms_id].append(str(ind_id))
    # Each indicator's reports in the order they count (date, then entry: of two on a date the later
    # wins), grouped as they come, so each indicator's tuple is built once.
    obs = Observation.objects.filter(indicator__task_id__one_of=ids, report__state__in=COUNTED_STATES)
    if as_of is not None:
        obs = obs.filter(report__as_of__lte=as_of)
    rows = obs.order_by("indicator_id", "report__as_of", "pk").values_list("indicator_id", "report__as_of", "value",
                                                                          "percent")
    observations = {ind_id: tuple(A.Observation(when, value, percent) for _, when, value, percent in group)
                    for ind_id, group in groupby(rows, key=itemgetter(0))}
    indicators = defaultdict(list)
    for pk, task_id, metric, unit, target, qualifier, higher, cumulative in (
            Indicator.objects.filter(task_id__one_of=ids, tracked=True).order_by("task_id", "order", "pk").values_list(
                "pk", "task_id", "metric", "unit", "target", "qualifier", "higher_is_better", "cumulative")):
        indicators[task_id].append(A.Indicator(
            key=str(pk), metric=metric, unit=unit, target=target, qualifier=qualifier, higher_is_better=higher,
            cumulative=cumulative, checkpoints=tuple(sorted(checkpoints[pk], key=lambda c: c.due)),
            observations=observations.get(pk, ())))
    milestones = defaultdict(list)
    for pk, task_id, due, text, done_on in (Milestone.objects.filter(task_id__one_of=ids, due__isnull=False)
                                            .order_by("task_id", "order").values_list("pk", "task_id", "due", "text",
                                                                                       "done_on")):
        milestones[task_id].append(A.Milestone(str(pk), due, text, done_on, tuple(on_milestone[pk])))
    return {t.pk: A.TaskSnapshot(key=str(t.pk), number=t.number, year=t.plan.year, indicators=tuple(indicators[t.pk]),
                                 milestones=tuple(milestones[t.pk])) for t in tasks}


def judged_on(year: int, as_of: date) -> date:
    """A plan is judged as of the date asked, but never past its year's end: the 2023 plan seen in
    2026 is judged as it stood on 31 December 2023."""
    return min(as_of, date(year, 12, 31))


_gc_lock = threading.Lock()
_gc_pauses = 0  # how many assessments in this process have the collector paused
_gc_was_enabled = False


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused while snapshots and judgements are built: they are hundreds of
    thousands of small objects that all live until the end, and each generation's collection walked them
    again (more than half of a 20-plan batch's Python time). They are freed by reference counting; the
    few cycles the query machinery leaves wait for the collector, which runs again (if it was on) when
    the last assessment running in the process ends."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def assess_tasks(tasks: list[Task], as_of: date, policy: A.Policy = A.POLICY) -> dict[int, A.TaskAssessment]:
    """The one judgement of tasks as of a date: what every page, the portal, the API, the bulletins and
    the exports show. A past plan is judged as of its year's end, as a closed period."""
    with _collector_paused():
        snaps = snapshots(tasks, as_of=as_of)
        results = {pk: A.assess(snap, judged_on(snap.year, as_of), policy, closed=as_of > date(snap.year, 12, 31))
                   for pk, snap in snaps.items()}
    for adjust in _ADJUSTMENTS.values():  # e.g. an unresolved or repeated problem raises a task's status
        results = adjust(results, as_of)
    return results


def assess_plan(plan_id: int, as_of: date, policy: A.Policy = A.POLICY, *, record: bool = True
                ) -> dict[int, A.TaskAssessment]:
    tasks = list(Task.objects.filter(plan_id=plan_id).select_related("plan").only("pk", "number", "plan__year")
                 .order_by("order"))
    results = assess_tasks(tasks, as_of, policy)
    if record:
        record_status_changes(results, as_of)
    return results


def assess_plans(plan_ids: list[int], as_of: date, policy: A.Policy = A.POLICY, *, batch: int = 20) -> int:
    """Assess many plans (the whole ledger) in batches of plans; returns the number of tasks judged."""
    judged = 0
    for i in range(0, len(plan_ids), batch):
        with _collector_paused():  # the tasks read while the batch before is still being freed, too
            tasks = list(Task.objects.filter(plan_id__in=plan_ids[i:i + batch]).select_related("plan")
                         .only("pk", "number", "plan__year").order_by())
            results = assess_tasks(tasks, as_of, policy)
            record_status_changes(results, as_of)
            judged += len(results)
    return judged


def record_status_changes(results: dict[int, A.TaskAssessment], as_of: date) -> int:
    """Store a StatusChange for each task whose status differs from the last one recorded on or before
    `as_of`; with a task's change (after its first assessment), each of its indicators whose status
    differs from its last record. Returns how many were stored."""
    task_ids = list(results)
    last: dict[tuple[int, int | None], tuple[date, str]] = {}
    history = StatusChange.objects.filter(task_id__one_of=task_ids, as_of__lte=as_of)
    if connection.vendor == "postgresql":  # only the last row of each (task, indicator), not the whole history
        history = history.order_by("task_id", "indicator_id", "-as_of", "-id").distinct("task_id", "indicator_id")
    else:
        history = history.order_by("as_of", "id")
    for row in history.values("task_id", "indicator_id", "as_of", "status"):
        last[(row["task_id"], row["indicator_id"])] = (row["as_of"], row["status"])

    def changed(key, a_as_of, status) -> bool:
        seen = last.get(key)
        return seen is None or seen[0] > a_as_of or seen[1] != status

    new = []
    for task_id, a in results.items():  # each at its own date (a past plan: its year's end)
        if not changed((task_id, None), a.as_of, a.status.value):
            continue
        new.append(StatusChange(task_id=task_id, as_of=a.as_of, status=a.status.value, color=a.color.value,
                                reason=a.reason))
        if (task_id, None) not in last:
            continue  # a first assessment: the task's row (whose reason names the worst indicator) is the start
        for ia in a.indicators:  # what moved the task: its indicators whose status changed
            if changed((task_id, int(ia.key)), a.as_of, ia.status.value):
                new.append(StatusChange(task_id=task_id, indicator_id=int(ia.key), as_of=a.as_of,
                                        status=ia.status.value, color=ia.status.color.value, reason=ia.reason))
    with transaction.atomic():
        StatusChange.objects.bulk_create(new, batch_size=2000)
        if new:  # the trend's days from the earliest change on count differently now
            forget_trend(min(c.as_of for c in new))
        _keep_current(results, as_of)
    return len(new)


UPDATE_CHUNK = 2000  # tasks a statement (5 parameters each: PostgreSQL takes 65,535)


def _keep_current(results: dict[int, A.TaskAssessment], as_of: date) -> None:
    """Tasks keep their latest assessment; an assessment of an earlier date does not overwrite a
    later one, and a task whose stored assessment is the same is not written again."""
    current = Task.objects.filter(pk__one_of=list(results)).order_by().values_list(
        "pk", "status", "status_color", "status_reason", "assessed_on")
    rows = []
    for pk, status, color, reason, assessed_on in current:
        a = results[pk]
        if assessed_on is not None and assessed_on > a.as_of:
            continue
        new = (a.status.value, a.color.value, a.reason, a.as_of)
        if new != (status, color, reason, assessed_on):
            rows.append((*new, pk))
    # Only the tasks whose stored assessment changed. On PostgreSQL one UPDATE … FROM (VALUES …) per
    # UPDATE_CHUNK tasks: the maintained counts' trigger then runs once for them, not once a task
    # (migration 0009_scale_tallies). Elsewhere executemany of one small UPDATE: far cheaper than
    # bulk_update's CASE per column (a first assessment of a 150-task plan on PostgreSQL: 0.11 s against 0.24 s).
    if rows:
        table = connection.ops.quote_name(Task._meta.db_table)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                for i in range(0, len(rows), UPDATE_CHUNK):
                    part = rows[i:i + UPDATE_CHUNK]
                    values = ", ".join(["(%s, %s, %s, %s::date, %s::bigint)"] * len(part))
                    cur.execute(f"UPDATE {table} AS t SET status = v.status, status_color = v.color, "
                                f"status_reason = v.reason, assessed_on = v.assessed_on "
                                f"FROM (VALUES {values}) AS v (status, color, reason, assessed_on, id) "
                                f"WHERE t.id = v.id", [x for row in part for x in row])
            else:
                cur.executemany(f"UPDATE {table} SET status = %s, status_color = %s, status_reason = %s, "
                                f"assessed_on = %s WHERE id = %s", rows)
        bump_ledger_version()


def reassess(task_ids: list[int], as_of: date, policy: A.Policy = A.POLICY) -> None:
    """After a write that changes what a task is judged on (a report approved, a plan updated)."""
    tasks = list(Task.objects.filter(pk__in=task_ids).select_related("plan").only("pk", "number", "plan__year")
                 .order_by())
    record_status_changes(assess_tasks(tasks, as_of, policy), as_of)
