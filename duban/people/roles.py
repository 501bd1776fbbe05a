"""Who may do what: plain functions the pages, the API and the services all ask.

督查室 (office) sees and does everything; 领导 (leader) sees everything, comments and instructs;
审核员 (reviewer) sees everything and reviews reports; 单位填报员 (reporter) sees and reports on
the tasks its unit leads or co-operates on; the public sees approved data on the portal only.
"""
from __future__ import annotations

from duban.errors import Forbidden
from duban.people.models import Role


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.OFFICE
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def unit_of(user):
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return profile.unit if profile else None


def sees_everything(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.LEADER, Role.REVIEWER)


def task_units(task) -> set[int]:
    return set(task.responsibilities.values_list("unit_id", flat=True))


def can_view_task(user, task) -> bool:
    if sees_everything(user):
        return True
    unit = unit_of(user)
    return role_of(user) == Role.REPORTER and unit is not None and unit.pk in task_units(task)


def can_report(user, task) -> bool:
    if role_of(user) == Role.OFFICE:
        return True
    unit = unit_of(user)
    return role_of(user) == Role.REPORTER and unit is not None and unit.pk in task_units(task)


def can_review(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.REVIEWER)


def can_import(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_comment(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.LEADER)


def can_manage(user) -> bool:
    """Users, units, plans: the office's work."""
    return role_of(user) == Role.OFFICE


def require(allowed: bool, message: str = "没有权限执行此操作") -> None:
    if not allowed:
        raise Forbidden(message)


def visible_tasks(user, tasks):
    """A task queryset narrowed to what `user` may see."""
    if sees_everything(user):
        return tasks
    unit = unit_of(user)
    if role_of(user) == Role.REPORTER and unit is not None:
        from django.db.models import Exists, OuterRef

        from duban.ledger.models import Responsibility  # here: the ledger's workflow imports these rules

        # a semi-join, not a join made distinct: the first page is read along the list order's index
        return tasks.filter(Exists(Responsibility.objects.filter(task=OuterRef("pk"), unit=unit)))
    return tasks.none()
