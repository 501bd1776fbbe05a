"""The reminders feed: a unit's dates as an iCalendar a phone or Outlook subscribes to.

`unit_calendar_ics(unit, today)` lists, as all-day events:
- the unit's milestones (of tasks it leads or helps on) not marked done, due this year or later;
- its monthly progress-report dates (the policy's `report_day`) from this month to December,
  when the unit has tasks in a plan of this year;
- the feedback deadlines of cases it leads that still owe feedback.
"""
from __future__ import annotations

from datetime import date

from duban.assess_format import milestone_label
from duban.ledger.models import Milestone, Responsibility, Task, Unit
from duban.supervision import rules
from duban.supervision.ics import CalendarEvent, render_calendar
from duban.supervision.models import Case
from duban.supervision.rules import POLICY, SupervisionPolicy


def unit_calendar_ics(unit: Unit, today: date, policy: SupervisionPolicy = POLICY) -> str:
    events = milestone_events(unit, today) + report_events(unit, today, policy) + case_events(unit)
    return render_calendar(f"{unit.name} 督办提醒", events, today)


def milestone_events(unit: Unit, today: date) -> list[CalendarEvent]:
    roles = dict(Responsibility.objects.filter(unit=unit).values_list("task_id", "role"))
    rows = (Milestone.objects.filter(task_id__in=list(roles), done_on__isnull=True, due__isnull=False,
                                     due__gte=date(today.year, 1, 1))
            .select_related("task", "task__plan").order_by("due", "pk"))
    out = []
    for m in rows:
        role = Responsibility.Role(roles[m.task_id]).label
        task = m.task
        out.append(CalendarEvent(
            uid=f"milestone-{m.pk}@duban", day=m.due, categories="时间节点",
            summary=f"[时间节点] 第{task.number}项:{milestone_label(m.text) or '节点到期'}",
            description=f"《{task.plan}》第{task.number}项({role}):{task.title or task.content}\n节点要求:{m.text}"))
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
