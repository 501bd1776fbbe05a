"""PUBLIC: the plans (计划), with their sections and how their tasks stand."""
from __future__ import annotations

from typing import Annotated

from django.db.models import Count
from ninja import Path, Query, Router

from duban import assess as A
from duban.errors import NotFound
from duban.ledger.models import Plan, Task
from duban.web.api.auth import PUBLIC, viewer
from duban.web.api.present import status_fields
from duban.web.api.schemas import MAX_ID, MAX_YEAR, MIN_YEAR, Genre, PlanDetailOut, PlanOut, errors

router = Router(tags=["plans"])
SEVERITY = {s.code: s.severity for s in A.Status}


def _plan(p: Plan, task_count: int) -> dict:
    return {"id": p.pk, "city": p.city, "year": p.year, "genre": p.genre, "genre_label": p.get_genre_display(),
            "title": str(p), "task_count": task_count}


@router.get("/plans", response={200: list[PlanOut], **errors(401, 422)}, openapi_extra=PUBLIC)
def list_plans(request, year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)] = None,
               genre: Annotated[Genre | None, Query(description="practical 市办实事、key_work 重点工作任务、"
                                                                 "campaign 民生领域攻坚行动、other")] = None):
    """Plans, newest year first (public)."""
    viewer(request)
    plans = Plan.objects.annotate(n=Count("tasks"))
    if year is not None:
        plans = plans.filter(year=year)
    if genre:
        plans = plans.filter(genre=genre)
    return [_plan(p, p.n) for p in plans.order_by("-year", "genre", "title", "pk")]


@router.get("/plans/{int:plan_id}", response={200: PlanDetailOut, **errors(401, 404, 422)}, openapi_extra=PUBLIC)
def get_plan(request, plan_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """One plan with its sections, task count and how many tasks stand in each status (public)."""
    viewer(request)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"找不到编号为 {plan_id} 的计划")
    tasks = Task.objects.filter(plan=plan)
    sections = [{"id": s.pk, "title": s.title, "order": s.order, "task_count": s.n}
                for s in plan.sections.annotate(n=Count("tasks")).order_by("order", "pk")]
    counts = [{**status_fields(row["status"]), "count": row["n"]}
              for row in tasks.order_by().values("status").annotate(n=Count("pk"))]
    for c in counts:
        c["status"] = c["status"] or "未评估"
    counts.sort(key=lambda c: SEVERITY.get(c["status_code"], len(SEVERITY)))
    return {**_plan(plan, tasks.count()), "sections": sections, "status_counts": counts}
