"""Who may see and do what in the supervision, and who is told: plain functions pages and services ask.

督查室 (office) opens, assigns, reviews and closes cases, assigns problems, decides change requests;
a lead unit's 填报员 (reporter) acknowledges, handles and feeds back its cases and asks for changes;
co-units see the cases they help on; 领导 (leader) sees everything and comments.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from duban.ledger.models import Responsibility, Task, Unit
from duban.people.models import Role
from duban.people.roles import can_view_task, role_of, sees_everything, unit_of


def is_office(user) -> bool:
    return role_of(user) == Role.OFFICE


def name_of(actor, default: str = "system") -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else default


def _users():
    return get_user_model().objects.filter(is_active=True).select_related("profile")


def unit_reporters(unit: Unit | None) -> list:
    """The active reporters of a unit (who sign for, handle and feed back its cases)."""
    if unit is None:
        return []
    return list(_users().filter(profile__role=Role.REPORTER, profile__unit=unit).order_by("username"))


def office_users() -> list:
    return list(_users().filter(Q(profile__role=Role.OFFICE) | Q(is_superuser=True)).distinct().order_by("username"))


def leaders() -> list:
    return list(_users().filter(profile__role=Role.LEADER).order_by("username"))


def lead_units(task: Task) -> list[Unit]:
    return [r.unit for r in task.responsibilities.filter(role=Responsibility.Role.LEAD).select_related("unit")]


def is_lead_reporter(user, case) -> bool:
    """A reporter of the case's lead unit."""
    unit = unit_of(user)
    return role_of(user) == Role.REPORTER and unit is not None and case.lead_unit_id == unit.pk


def can_view_case(user, case) -> bool:
    if sees_everything(user):
        return True
    unit = unit_of(user)
    if role_of(user) != Role.REPORTER or unit is None:
        return False
    return case.lead_unit_id == unit.pk or case.co_units.filter(pk=unit.pk).exists()


def visible_cases(user, cases=None):
    """A case queryset narrowed to what `user` may see (lead or co-unit for a reporter)."""
    from duban.supervision.models import Case

    cases = Case.objects.all() if cases is None else cases
    if sees_everything(user):
        return cases
    unit = unit_of(user)
    if role_of(user) == Role.REPORTER and unit is not None:
        return cases.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()
    return cases.none()


def can_view_problem(user, problem) -> bool:
    if sees_everything(user):
        return True
    if problem.coordinator_id is not None and user is not None and problem.coordinator_id == user.pk:
        return True
    return problem.task is not None and can_view_task(user, problem.task)


def visible_problems(user, problems=None):
    from duban.supervision.models import Problem

    problems = Problem.objects.all() if problems is None else problems
    if sees_everything(user):
        return problems
    unit = unit_of(user)
    if role_of(user) == Role.REPORTER and unit is not None:
        return problems.filter(Q(task__responsibilities__unit=unit) | Q(coordinator=user)).distinct()
    return problems.none()
