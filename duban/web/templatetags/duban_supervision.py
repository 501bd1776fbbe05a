"""Template tags the supervision adds to other pages: the unread count in the nav, the original
target or date beside an adjusted one, the calendar subscription link, and the supervision box of
a task page (发起督办, 反映问题, 申请调整)."""
from __future__ import annotations

from django import template

from duban.assess import Status
from duban.assess_format import fmt_number
from duban.errors import DubanError
from duban.ledger.models import Responsibility
from duban.people.models import Role
from duban.people.roles import can_view_task, role_of, unit_of
from duban.supervision import rules
from duban.supervision.models import Case
from duban.supervision.services import original_due, original_target, unread_count
from duban.supervision.services.access import is_office

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)


@register.simple_tag
def original_target_note(indicator) -> str:
    """“(原目标10处)” beside a target an approved change adjusted, else nothing."""
    if indicator is None or not getattr(indicator, "pk", None):
        return ""
    before = original_target(indicator)
    return "" if before is None else f"(原目标{fmt_number(before, indicator.unit)})"


@register.simple_tag
def original_due_note(milestone) -> str:
    """“(原定2024年9月30日)” beside a due date an approved change moved, else nothing."""
    if milestone is None or not getattr(milestone, "pk", None):
        return ""
    if not milestone.change_requests.filter(state="approved").exists():
        return ""
    before = original_due(milestone)
    return f"(原定{before.year}年{before.month}月{before.day}日)" if before else "(原日期未定)"


@register.simple_tag(takes_context=True)
def calendar_subscribe_url(context, unit) -> str:
    """The absolute address of the unit's calendar feed with its subscription token."""
    from duban.web.supervision.inbox import calendar_path

    path = calendar_path(unit)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _lagging(task) -> bool:
    try:
        status = Status.parse(task.status) if task.status else None
    except DubanError:
        return False
    return status is not None and status.severity >= Status.BEHIND.severity


def _instructions_without_case(task) -> list:
    """The leaders' 批示 on the task no case was opened on yet (the office may open one from each)."""
    from duban.ledger.models import Comment

    return list(task.comments.filter(kind=Comment.Kind.INSTRUCTION, cases__isnull=True, outcome__isnull=True)
                .order_by("-created_at")[:5])


@register.inclusion_tag("web/supervision/_task_box.html", takes_context=True)
def task_supervision(context, task):
    """The supervision box of a task page, for whoever looks at it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    office = is_office(user)
    unit = unit_of(user)
    lead = role_of(user) == Role.REPORTER and unit is not None and task.responsibilities.filter(
        unit=unit, role=Responsibility.Role.LEAD).exists()
    cases = list(Case.objects.filter(task=task).order_by("-year", "-seq")) if can_view_task(user, task) else []
    open_lagging = next((c for c in cases if c.source == "lagging_task" and c.state in rules.OPEN_STATES), None)
    return {
        "task": task, "csrf_token": context.get("csrf_token"), "office": office,
        "may_open": office and _lagging(task) and open_lagging is None, "open_lagging": open_lagging,
        "instructions": _instructions_without_case(task) if office else [],
        "cases": cases, "may_raise": can_view_task(user, task),
        "problems": list(task.problems.order_by("-found_on", "-id")[:10]) if can_view_task(user, task) else [],
        "may_request": lead,
        "indicators": list(task.indicators.order_by("order", "pk")) if lead else [],
        "milestones": list(task.milestones.filter(done_on__isnull=True).order_by("due", "order")) if lead else [],
    }


@register.simple_tag
def latest_bulletins(limit: int = 5) -> list:
    """The newest published bulletins, for the public portal (drafts and approved ones never)."""
    from duban.bulletins.services import published_bulletins

    return list(published_bulletins()[:limit])


@register.inclusion_tag("web/supervision/_pending_instructions.html", takes_context=True)
def pending_instructions_box(context, limit: int = 5):
    """The dashboard's 待落实批示: for the office, the oldest first with a link to act on them."""
    from duban.supervision.services.instructions import pending_instructions

    request = context.get("request")
    if not is_office(getattr(request, "user", None)):
        return {"show": False}
    pending = list(pending_instructions())  # one query: the 批示 waiting are few
    return {"show": True, "total": len(pending), "rows": pending[:limit]}


@register.inclusion_tag("web/supervision/_unit_cases.html")
def unit_cases_box(unit, today):
    """A unit's workspace: its open 督办件 (lead or co-unit) by deadline, each with how urgent it is."""
    from duban.supervision.services.members import open_cases_of

    cases = list(open_cases_of(unit).select_related("lead_unit"))
    for c in cases:
        c.urgency = rules.urgency(c, today)
        c.is_lead = c.lead_unit_id == unit.pk
    return {"cases": cases, "unit": unit}
