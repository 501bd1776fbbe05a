"""PUBLIC: how tasks stand against 序时进度.

With `plan`, the plan's tasks are judged live as of `as_of` (by `duban.ledger.assessment`, from
approved reports only; nothing is stored by a GET). Without it, each task's stored latest
assessment is read — fast, and what the lists and the dashboard show.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated

from django.utils import timezone
from ninja import Query, Router

from duban.errors import InvalidInput, NotFound
from duban.ledger.assessment import assess_tasks
from duban.ledger.models import Plan, Task
from duban.web.api import access, present
from duban.web.api.auth import PUBLIC, viewer
from duban.web.api.schemas import MAX_ID, AssessmentsOut, Day, errors

router = Router(tags=["assessments"])


@router.get("/assessments", response={200: AssessmentsOut, **errors(400, 401, 404, 422)}, openapi_extra=PUBLIC)
def list_assessments(request,
                     plan: Annotated[int | None, Query(ge=1, le=MAX_ID, description="计划编号:给出时现场评估")] = None,
                     as_of: Annotated[Day | None, Query(description="评估日期(须同时给出 plan);默认为今天,"
                                                                    "计划年度已过时为该年12月31日")] = None):
    """Per task: status, colour, reason and (live only) each indicator's judgement (public; a
    reporter gets its unit's tasks)."""
    user = viewer(request)
    if plan is None:
        if as_of is not None:
            raise InvalidInput("按日期评估须同时指定计划(plan);不指定计划时返回各任务最近一次的评估")
        return {"plan": None, "as_of": None, "live": False, "items": _stored(user)}
    found = Plan.objects.filter(pk=plan).first()
    if found is None:
        raise NotFound(f"找不到编号为 {plan} 的计划")
    as_of = as_of or min(timezone.localdate(), date(found.year, 12, 31))
    tasks = list(access.visible_tasks(user, Task.objects.filter(plan=found)).select_related("plan")
                 .order_by("order", "pk"))
    results = assess_tasks(tasks, as_of)
    return {"plan": found.pk, "as_of": as_of, "live": True, "items": [_live(t, results[t.pk]) for t in tasks]}


def _stored(user) -> list[dict]:
    tasks = access.visible_tasks(user, Task.objects.all()).select_related("plan")
    return [{"task": t.pk, "plan": t.plan_id, "number": t.number, "title": t.title or t.content[:40],
             "as_of": t.assessed_on, **present.status_fields(t.status, t.status_color), "reason": t.status_reason,
             "indicators": []} for t in tasks.order_by("sort_key", "pk")]


def _live(t: Task, a) -> dict:
    n = present.number
    return {"task": t.pk, "plan": t.plan_id, "number": t.number, "title": t.title or t.content[:40], "as_of": a.as_of,
            "status": a.status.value, "status_code": a.status.code, "color": a.color.value, "reason": a.reason,
            "indicators": [{"indicator": int(i.key), "metric": i.metric, "unit": i.unit, "target": i.target,
                            "planned": n(i.planned), "actual": n(i.actual), "ratio": n(i.ratio),
                            "status": i.status.value, "status_code": i.status.code, "reason": i.reason,
                            "forecast": n(i.forecast)} for i in a.indicators]}
