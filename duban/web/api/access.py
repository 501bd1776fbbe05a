"""What a caller may see, by `duban.people.roles` (the same rules as the pages).

- office / leader / reviewer: everything;
- a unit's reporter: the tasks its unit leads or co-operates on, with all their reports; another
  unit's task is 403 (it exists, it is not theirs);
- anonymous (or an account without a role): the public data — plans, tasks, units and approved
  progress, without review notes, evidence or who reported.
"""
from __future__ import annotations

from django.db.models import QuerySet

from duban.errors import NotFound
from duban.ledger.models import ProgressReport, Task
from duban.people import roles
from duban.people.models import Role

FULL, UNIT, PUBLIC = "full", "unit", "public"


def scope_of(user) -> str:
    if roles.sees_everything(user):
        return FULL
    if roles.role_of(user) == Role.REPORTER and roles.unit_of(user) is not None:
        return UNIT
    return PUBLIC


def visible_tasks(user, tasks: QuerySet | None = None) -> QuerySet:
    tasks = Task.objects.all() if tasks is None else tasks
    return roles.visible_tasks(user, tasks) if scope_of(user) == UNIT else tasks


def may_view_task(user, task: Task) -> bool:
    return scope_of(user) == PUBLIC or roles.can_view_task(user, task)


def check_task(user, task: Task) -> Task:
    roles.require(may_view_task(user, task), f"第{task.number}项任务不属于您的单位,无权查看")
    return task


def get_task(user, pk: int, *, related=("plan", "section")) -> Task:
    task = Task.objects.select_related(*related).filter(pk=pk).first()
    if task is None:
        raise NotFound(f"找不到编号为 {pk} 的任务")
    return check_task(user, task)


def sees_unapproved(user, task: Task | None = None) -> bool:
    """Submitted (and returned) reports: office, leader, reviewer, and the task's own unit."""
    kind = scope_of(user)
    if kind == FULL:
        return True
    if kind == UNIT:
        return task is None or roles.can_view_task(user, task)
    return False


def visible_reports(user, reports: QuerySet | None = None) -> QuerySet:
    reports = ProgressReport.objects.all() if reports is None else reports
    kind = scope_of(user)
    if kind == FULL:
        return reports
    if kind == UNIT:
        return reports.filter(task__in=visible_tasks(user).values("pk"))
    return reports.filter(state=ProgressReport.State.APPROVED)
