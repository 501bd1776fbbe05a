"""PUBLIC: the unit registry (单位) and the tasks each unit leads or helps with."""
from __future__ import annotations

from typing import Annotated

from django.db.models import Count, Q
from ninja import Path, Router

from duban.errors import NotFound
from duban.ledger.models import Responsibility, Task, Unit
from duban.web.api import access, present
from duban.web.api.auth import PUBLIC, viewer
from duban.web.api.schemas import MAX_ID, UnitDetailOut, UnitOut, errors

router = Router(tags=["units"])
LEAD, CO = Responsibility.Role.LEAD, Responsibility.Role.CO


def _units():
    return Unit.objects.annotate(lead_count=Count("responsibilities", filter=Q(responsibilities__role=LEAD)),
                                 co_count=Count("responsibilities", filter=Q(responsibilities__role=CO)))


def _unit(u: Unit) -> dict:
    return {"id": u.pk, "name": u.name, "kind": u.kind, "kind_label": u.get_kind_display(),
            "lead_count": u.lead_count, "co_count": u.co_count}


@router.get("/units", response={200: list[UnitOut], **errors(401)}, openapi_extra=PUBLIC)
def list_units(request):
    """Every unit, with how many tasks it leads and co-operates on (public)."""
    viewer(request)
    return [_unit(u) for u in _units().order_by("name", "pk")]


@router.get("/units/{int:unit_id}", response={200: UnitDetailOut, **errors(401, 404, 422)}, openapi_extra=PUBLIC)
def get_unit(request, unit_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """One unit, its other spellings and its tasks as lead or co-unit (public; a reporter sees
    only the tasks of its own unit among them)."""
    user = viewer(request)
    unit = _units().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(f"找不到编号为 {unit_id} 的单位")
    roles = dict(Responsibility.objects.filter(unit=unit).values_list("task_id", "role"))
    tasks = list(access.visible_tasks(user, Task.objects.filter(responsibilities__unit=unit))
                 .select_related("plan", "section").order_by("sort_key", "pk"))
    labels = dict(Responsibility.Role.choices)
    items = present.task_items(tasks)
    return {**_unit(unit), "aliases": list(unit.aliases.order_by("name").values_list("name", flat=True)),
            "tasks": [{"role": roles[t["id"]], "role_label": labels[roles[t["id"]]], "task": t} for t in items]}
