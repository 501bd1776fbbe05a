"""The reminders feed: a unit's dates as an iCalendar a phone or Outlook subscribes to.

`unit_calendar_ics(unit, today)` lists, as all-day events:
- the unit's milestones (of tasks it leads or helps on) not marked done, due this year or later, the
  FEED_STEPS earliest (and one event counting the rest);
- its monthly progress-report dates (the policy's `report_day`) from this month to December,
  when the unit has tasks in a plan of this year;
- the feedback deadlines of cases it leads that still owe feedback.
"""
from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef

from duban.assess_format import milestone_label
from duban.ledger.models import Milestone, Responsibility, Task, Unit
from duban.supervision import rules
from duban.supervision.ics import CalendarEvent, render_calendar
from duban.supervision.models import Case
from duban.supervision.rules import POLICY, SupervisionPolicy

FEED_STEPS = 1_000  # open steps a feed lists, the earliest first: enough for a year of a busy unit's work


def unit_calendar_ics(unit: Unit, today: date, policy: SupervisionPolicy = POLICY) -> str:
    events = milestone_events(unit, today) + report_events(unit, today, policy) + case_events(unit)
    return render_calendar(f"{unit.name} 督办提醒", events, today)


def milestone_events(unit: Unit, today: date, limit: int = FEED_STEPS) -> list[CalendarEvent]:
    """The unit's open steps, the `limit` earliest; past it, one event where the list stops counts
    the rest (a unit that helps on every task of a province has more than a calendar app can show)."""
    open_steps = (Milestone.objects.filter(done_on__isnull=True, due__isnull=False, due__gte=date(today.year, 1, 1))
                  .filter(Exists(Responsibility.objects.filter(task=OuterRef("task_id"), unit=unit))))  # a semi-join
    rows = list(open_steps.select_related("task", "task__plan").order_by("due", "pk")[:limit + 1])
    rest = open_steps.count() - limit if len(rows) > limit else 0
    rows = rows[:limit]
    roles: dict[int, str] = {}
    for task_id, role in (Responsibility.objects.filter(unit=unit, task_id__in={m.task_id for m in rows})
                          .order_by("role").values_list("task_id", "role")):  # "co" before "lead": lead wins
        roles[task_id] = role
    out = []
    for m in rows:
        role = Responsibility.Role(roles[m.task_id]).label
        task = m.task
        out.append(CalendarEvent(
            uid=f"milestone-{m.pk}@duban", day=m.due, categories="时间节点",
            summary=f"[时间节点] 第{task.number}项:{milestone_label(m.text) or '节点到期'}",
            description=f"《{task.plan}》第{task.number}项({role}):{task.title or task.content}\n节点要求:{m.text}"))
    if rest:
        day = rows[-1].due
        out.append(CalendarEvent(
            uid=f"milestone-more-{unit.pk}@duban", day=day, categories="时间节点",
            summary=f"[时间节点] 另有{rest}个节点未列入提醒",
            description=f"{unit.name}尚未完成的时间节点共{limit + rest}个,本提醒列出最早到期的{limit}个;"
                        f"{day:%Y年%-m月%-d日}起的其余{rest}个请在督办系统“我的任务”中查看。"))
    return out


def report_events(unit: Unit, today: date, policy: SupervisionPolicy = POLICY) -> list[CalendarEvent]:
    if not Task.objects.filter(responsibilities__unit=unit, plan__year=today.year).exists():
        return []
    out = []
    for month in range(today.month, 13):
        day = date(today.year, month, policy.report_day)
        if day < today:
            continue
        out.append(CalendarEvent(
            uid=f"report-{unit.pk}-{today.year}{month:02d}@duban", day=day, categories="进展报送",
            summary=f"[进展报送] {month}月重点任务进展情况报送",
            description=f"请于{month}月{policy.report_day}日前报送{unit.name}负责任务的{month}月进展情况及佐证材料。"))
    return out


def case_events(unit: Unit) -> list[CalendarEvent]:
    rows = (Case.objects.filter(lead_unit=unit, state__in=rules.URGED_STATES, deadline__isnull=False)
            .order_by("deadline", "pk"))
    return [CalendarEvent(uid=f"case-{c.pk}@duban", day=c.deadline, categories="督办反馈",
                          summary=f"[督办反馈] {c.number} {c.title}",
                          description=f"督办件{c.number}“{c.title}”反馈期限。当前状态:{c.get_state_display()}。"
                                      + (f"\n督办事由:{c.reason}" if c.reason else ""))
            for c in rows]
