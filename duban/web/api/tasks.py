"""PUBLIC: tasks (事项) and their indicators (指标).

A unit's reporter sees only its unit's tasks (another unit's task: 403); everyone else, anonymous
included, sees all tasks. An indicator's observations come from approved reports; the office,
leaders, reviewers and the task's own unit also see those still submitted.
"""
from __future__ import annotations

from typing import Annotated

from django.db.models import Prefetch
from ninja import Path, Query, Router

from duban import assess as A
from duban.errors import NotFound
from duban.ledger.models import Checkpoint, Indicator, Observation, ProgressReport, Responsibility, Task
from duban.ledger.models.plans import LIST_ORDER, in_year
from duban.ledger.search import search_tasks, search_terms
from duban.ledger.units import get_unit
from duban.web import queries as Q
from duban.web.api import access, present
from duban.web.api.auth import PUBLIC, viewer
from duban.web.api.schemas import (
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_YEAR,
    MIN_YEAR,
    IndicatorDetailOut,
    TaskDetailOut,
    TaskPage,
    Text,
    errors,
)

router = Router(tags=["tasks"])



@router.get("/tasks", response={200: TaskPage, **errors(400, 401, 422)}, openapi_extra=PUBLIC)
def list_tasks(request,
               plan: Annotated[int | None, Query(ge=1, le=MAX_ID, description="计划编号")] = None,
               year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)] = None,
               status: Annotated[Text | None, Query(max_length=20, description="状态:滞后 或 behind 等")] = None,
               unit: Annotated[Text | None, Query(max_length=200, description="单位名称(牵头或协办)")] = None,
               domain: Annotated[Text | None, Query(max_length=100)] = None,
               q: Annotated[Text | None, Query(max_length=200, description="检索词,空格分隔,每个词都须出现在"
                                                                        "序号、标题、内容、领域或单位名称中")] = None,
               limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
               offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0):
    """Tasks, filtered and paged (public; a reporter gets its unit's tasks)."""
    user = viewer(request)
    tasks = access.visible_tasks(user, Task.objects.all())
    if plan is not None:
        tasks = tasks.filter(plan_id=plan)
    if year is not None:
        tasks = in_year(tasks, year)
    if status:
        tasks = tasks.filter(status=A.Status.parse(status).value)
    if unit:
        tasks = tasks.filter(pk__in=Responsibility.objects.filter(unit=get_unit(unit)).values("task_id"))
    if domain:
        tasks = tasks.filter(domain=domain.strip())
    tasks = search_tasks(tasks, q)
    everything = access.scope_of(user) != access.UNIT and not (plan or status or unit or domain or search_terms(q))
    count = (Q.tallied_total(year) if everything else None)  # the maintained count of the same tasks
    more = False
    cap = Q.count_cap(q, one_unit=bool(unit) or access.scope_of(user) == access.UNIT)
    if count is None and cap is not None:  # a search or one unit's: counted up to the cap, or to this page's end
        count, more = Q.capped_count(tasks, max(cap, offset + limit))
    count = tasks.count() if count is None else count
    page = list(tasks.select_related("plan", "section")
                .order_by(*LIST_ORDER)[offset:offset + limit])
    return {"count": count, "total_is_lower_bound": more, "items": present.task_items(page)}


@router.get("/tasks/{int:task_id}", response={200: TaskDetailOut, **errors(401, 403, 404, 422)}, openapi_extra=PUBLIC)
def get_task(request, task_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """One task: its content, units with their roles, indicators with checkpoints, milestones and
    latest status (public; another unit's task is 403 for a reporter)."""
    task = access.get_task(viewer(request), task_id)
    responsibilities = list(task.responsibilities.select_related("unit").order_by("role", "order", "pk"))
    units = [{"id": r.unit_id, "name": r.unit.name, "role": r.role, "role_label": r.get_role_display(),
              "scope_note": r.scope_note} for r in responsibilities]
    leads = [r.unit.name for r in responsibilities if r.role == Responsibility.Role.LEAD]
    indicators = task.indicators.order_by("order", "pk").prefetch_related(_checkpoints())
    milestones = [{"id": m.pk, "due": m.due, "text": m.text, "done_on": m.done_on}
                  for m in task.milestones.order_by("order", "pk")]
    return {**present.task_item(task, leads), "plan_title": str(task.plan), "content": task.content,
            "carried_over": task.carried_over, "reason": task.status_reason, "units": units,
            "indicators": [present.indicator(i) for i in indicators], "milestones": milestones}


def _checkpoints() -> Prefetch:
    return Prefetch("checkpoints", Checkpoint.objects.select_related("milestone").order_by("milestone__due", "pk"))


@router.get("/indicators/{int:indicator_id}", response={200: IndicatorDetailOut, **errors(401, 403, 404, 422)},
            openapi_extra=PUBLIC)
def get_indicator(request, indicator_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """One indicator with its checkpoints and the values reported for it: approved reports for
    everyone; submitted ones too for the office, leaders, reviewers and the task's own unit (public)."""
    user = viewer(request)
    ind = (Indicator.objects.select_related("task", "task__plan").prefetch_related(_checkpoints())
           .filter(pk=indicator_id).first())
    if ind is None:
        raise NotFound(f"找不到编号为 {indicator_id} 的指标")
    access.check_task(user, ind.task)
    states = [ProgressReport.State.APPROVED]
    if access.sees_unapproved(user, ind.task):
        states.append(ProgressReport.State.SUBMITTED)
    observations = [{"report": o.report_id, "as_of": o.report.as_of, "value": present.number(o.value),
                     "percent": present.number(o.percent), "state": o.report.state}
                    for o in (Observation.objects.filter(indicator=ind, report__state__in=states)
                              .select_related("report").order_by("report__as_of", "report_id", "order", "pk"))]
    return {**present.indicator(ind), "task": ind.task_id, "task_number": ind.task.number, "plan": ind.task.plan_id,
            "observations": observations}
