"""The ledger's side of assessment: snapshots from the database, judged by the pure `duban.assess`,
and each change of status stored as history (bulletins and trends read it, never re-judge the past)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction

from duban import assess as A
from duban.ledger.models import Checkpoint, Indicator, Milestone, Observation, ProgressReport, StatusChange, Task

COUNTED_STATES = (ProgressReport.State.APPROVED,)  # only reviewed reports count


def snapshots(tasks: list[Task], *, as_of: date | None = None) -> dict[int, A.TaskSnapshot]:
    """TaskSnapshots for many tasks in five queries (no query per task)."""
    ids = [t.pk for t in tasks]
    indicators = defaultdict(list)
    for i in Indicator.objects.filter(task_id__in=ids).order_by("task_id", "order", "pk"):
        indicators[i.task_id].append(i)
    checkpoints = defaultdict(list)
    for c in (Checkpoint.objects.filter(indicator__task_id__in=ids, milestone__due__isnull=False)
              .values("indicator_id", "milestone_id", "milestone__due", "value")):
        checkpoints[c["indicator_id"]].append(c)
    observations = defaultdict(list)
    obs = Observation.objects.filter(indicator__task_id__in=ids, report__state__in=COUNTED_STATES)
    if as_of is not None:
        obs = obs.filter(report__as_of__lte=as_of)
    for o in obs.values("indicator_id", "report__as_of", "value", "percent").order_by("report__as_of", "pk"):
        observations[o["indicator_id"]].append(A.Observation(o["report__as_of"], o["value"], o["percent"]))
    milestones = defaultdict(list)
    on_milestone = defaultdict(list)
    for ind_id, cps in checkpoints.items():
        for c in cps:
            on_milestone[c["milestone_id"]].append(str(ind_id))
    for m in Milestone.objects.filter(task_id__in=ids, due__isnull=False).order_by("task_id", "order"):
        milestones[m.task_id].append(A.Milestone(str(m.pk), m.due, m.text, m.done_on, tuple(on_milestone[m.pk])))

    out = {}
    for t in tasks:
        inds = tuple(
            A.Indicator(key=str(i.pk), metric=i.metric, unit=i.unit, target=i.target, qualifier=i.qualifier,
                        higher_is_better=i.higher_is_better, cumulative=i.cumulative,
                        checkpoints=tuple(sorted((A.Checkpoint(c["milestone__due"], c["value"])
                                                  for c in checkpoints[i.pk]), key=lambda c: c.due)),
                        observations=tuple(observations[i.pk]))
            for i in indicators[t.pk])
        out[t.pk] = A.TaskSnapshot(key=str(t.pk), number=t.number, year=t.plan.year, indicators=inds,
                                   milestones=tuple(milestones[t.pk]))
    return out


def assess_tasks(tasks: list[Task], as_of: date, policy: A.Policy = A.POLICY) -> dict[int, A.TaskAssessment]:
    snaps = snapshots(tasks, as_of=as_of)
    return {pk: A.assess(snap, as_of, policy) for pk, snap in snaps.items()}


def assess_plan(plan_id: int, as_of: date, policy: A.Policy = A.POLICY, *, record: bool = True
                ) -> dict[int, A.TaskAssessment]:
    tasks = list(Task.objects.filter(plan_id=plan_id).select_related("plan").order_by("order"))
    results = assess_tasks(tasks, as_of, policy)
    if record:
        record_status_changes(results, as_of)
    return results


def record_status_changes(results: dict[int, A.TaskAssessment], as_of: date) -> int:
    """Store a StatusChange for each task and indicator whose status differs from the last one
    recorded on or before `as_of`. Returns how many were stored."""
    task_ids = list(results)
    last: dict[tuple[int, int | None], str] = {}
    for row in (StatusChange.objects.filter(task_id__in=task_ids, as_of__lte=as_of)
                .order_by("as_of", "id").values("task_id", "indicator_id", "status")):
        last[(row["task_id"], row["indicator_id"])] = row["status"]
    new = []
    for task_id, a in results.items():
        if last.get((task_id, None)) != a.status.value:
            new.append(StatusChange(task_id=task_id, as_of=as_of, status=a.status.value, color=a.color.value,
                                    reason=a.reason))
        for ia in a.indicators:
            if last.get((task_id, int(ia.key))) != ia.status.value:
                new.append(StatusChange(task_id=task_id, indicator_id=int(ia.key), as_of=as_of,
                                        status=ia.status.value, color=ia.status.color.value, reason=ia.reason))
    with transaction.atomic():
        StatusChange.objects.bulk_create(new, batch_size=2000)
        _keep_current(results, as_of)
    return len(new)


def _keep_current(results: dict[int, A.TaskAssessment], as_of: date) -> None:
    """Tasks keep their latest assessment; an assessment of an earlier date does not overwrite a later one."""
    from django.db.models import Q

    tasks = list(Task.objects.filter(Q(assessed_on__isnull=True) | Q(assessed_on__lte=as_of), pk__in=list(results)))
    for t in tasks:
        a = results[t.pk]
        t.status, t.status_color, t.status_reason, t.assessed_on = a.status.value, a.color.value, a.reason, as_of
    Task.objects.bulk_update(tasks, ["status", "status_color", "status_reason", "assessed_on"], batch_size=2000)


def reassess(task_ids: list[int], as_of: date, policy: A.Policy = A.POLICY) -> None:
    """After a write that changes what a task is judged on (a report approved, a plan updated)."""
    tasks = list(Task.objects.filter(pk__in=task_ids).select_related("plan"))
    record_status_changes(assess_tasks(tasks, as_of, policy), as_of)
