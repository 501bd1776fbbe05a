"""The office's month calendar: what falls due in one month, the whole office's or one unit's.

`month_calendar(month, today, unit=None)` lists, day by day:
- the milestones (时间节点) due in the month — of every task, or of the tasks the unit leads or helps on —
  each marked done (its `done_on` set) or overdue (not done and due before `today`);
- the monthly progress-report deadline (the policy's `report_day`), when some plan of the month's year has
  tasks (for a unit: tasks it works on);
- the feedback deadlines of the cases still owing feedback (for a unit: those it leads or helps on).

The same dates as the unit's ICS feed (`duban.supervision.services.calendar`), for a month of the office.
The month and today are parameters: nothing here reads the clock.

A province's December may hold a hundred thousand 12月底前 steps: each day lists at most `per_day` of
them (in the order of the steps' index: due, task, order, so the first few are read, not all sorted)
and counts the rest; `milestones_due(day, unit)` gives a whole day's, for its own page.
"""
from __future__ import annotations

import calendar as stdcal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from duban.assess_format import milestone_label
from duban.ledger.models import Milestone, MilestoneTally, Responsibility, Task, Unit
from duban.supervision import rules
from duban.supervision.models import Case
from duban.supervision.rules import POLICY, SupervisionPolicy

KINDS = {"milestone": "时间节点", "report": "进展报送", "case": "督办反馈"}
DAY_SHOWN = 30  # milestones listed a day; the day's own page lists them all, a page at a time
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class MonthEvent:
    day: date
    kind: str  # a key of KINDS
    title: str
    detail: str = ""
    units: str = ""  # the lead unit(s)
    task_id: int | None = None
    case_number: str = ""
    done: bool = False
    overdue: bool = False

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    is_today: bool
    events: tuple[MonthEvent, ...] = ()
    more: int = 0  # the day's milestones not listed in `events` (counted)

    @property
    def total(self) -> int:
        return len(self.events) + self.more


@dataclass
class MonthCalendar:
    month: date  # the first day of the month
    today: date
    unit: Unit | None
    events: list[MonthEvent] = field(default_factory=list)
    milestones_on: dict[date, int] = field(default_factory=dict)  # every milestone due each day, counted

    @property
    def previous(self) -> date:
        return add_months(self.month, -1)

    @property
    def next(self) -> date:
        return add_months(self.month, 1)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for e in self.events:
            out[e.kind] += 1
        out["milestone"] = max(out["milestone"], sum(self.milestones_on.values()))
        return out

    def more_on(self, day: date) -> int:
        listed = sum(1 for e in self.events if e.day == day and e.kind == "milestone")
        return max(0, self.milestones_on.get(day, 0) - listed)

    def weeks(self) -> list[list[Day]]:
        """Monday-first weeks covering the month; days of the neighbouring months carry no events."""
        by_day: dict[date, list[MonthEvent]] = defaultdict(list)
        for e in self.events:
            by_day[e.day].append(e)
        def day(d: date) -> Day:
            if d.month != self.month.month:
                return Day(d, False, d == self.today)
            return Day(d, True, d == self.today, tuple(by_day[d]), self.more_on(d))

        return [[day(d) for d in week]
                for week in stdcal.Calendar(firstweekday=0).monthdatescalendar(self.month.year, self.month.month)]

    def days_with_events(self) -> list[Day]:
        return [d for week in self.weeks() for d in week if d.events]


def parse_month(text: str | None) -> date | None:
    """`2024-06` → 1 June 2024; None when it is not a month."""
    text = (text or "").strip()
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1) if 1900 <= year <= 9999 else None
    except ValueError:
        return None


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_calendar(month: date, today: date, unit: Unit | None = None,
                   policy: SupervisionPolicy = POLICY, per_day: int | None = None) -> MonthCalendar:
    per_day = DAY_SHOWN if per_day is None else per_day
    first = month.replace(day=1)
    last = first.replace(day=stdcal.monthrange(first.year, first.month)[1])
    totals = milestone_totals(first, last, unit)
    events = (milestone_events(today, unit, per_day, totals) + report_events(first, unit, policy)
              + case_events(first, last, today, unit))
    events.sort(key=lambda e: (e.day, list(KINDS).index(e.kind)))  # stable: each kind keeps its order
    return MonthCalendar(first, today, unit, events, totals)


def _milestones(unit: Unit | None) -> QuerySet:
    """Every milestone, or those of the tasks the unit leads or helps on (a semi-join: no DISTINCT)."""
    rows = Milestone.objects.all()
    if unit is not None:
        rows = rows.filter(Exists(Responsibility.objects.filter(task=OuterRef("task_id"), unit=unit)))
    return rows


def _listed(rows: QuerySet) -> QuerySet:
    # the order of the index on (due, task, order): a day's first few are read without sorting the day
    return rows.select_related("task", "task__plan").order_by("due", "task_id", "order")


def milestones_due(day: date, unit: Unit | None = None) -> QuerySet:
    """A day's milestones (the unit's, when given), in the calendar's order."""
    return _listed(_milestones(unit).filter(due=day))


def milestone_totals(first: date, last: date, unit: Unit | None = None) -> dict[date, int]:
    """How many milestones fall due on each day from `first` to `last`: the office's from the day
    counts PostgreSQL maintains (MilestoneTally: a month of a province's steps is not counted per
    view), a unit's (and on SQLite) one aggregate over the index."""
    if unit is None and connection.vendor == "postgresql":
        return dict(MilestoneTally.objects.filter(due__gte=first, due__lte=last, n__gt=0).values_list("due", "n"))
    return dict(_milestones(unit).filter(due__gte=first, due__lte=last).order_by()
                .values("due").annotate(n=Count("*")).values_list("due", "n"))  # count(*): index-only


def milestone_events(today: date, unit: Unit | None, per_day: int, totals: dict[date, int]) -> list[MonthEvent]:
    """The milestones counted in `totals` (day → how many, milestone_totals) as events, at most `per_day` a day."""
    few = [d for d, n in totals.items() if n <= per_day]
    rows = list(_listed(_milestones(unit).filter(due__in=few))) if few else []
    for d in sorted(d for d, n in totals.items() if n > per_day):
        rows += milestones_due(d, unit)[:per_day]
    rows.sort(key=lambda m: (m.due, m.task_id, m.order))
    return as_events(rows, today)


def as_events(rows: list[Milestone], today: date) -> list[MonthEvent]:
    leads = _lead_names({m.task_id for m in rows})
    out = []
    for m in rows:
        task = m.task
        done = m.done_on is not None
        out.append(MonthEvent(
            day=m.due, kind="milestone", title=f"第{task.number}项 {milestone_label(m.text) or '节点到期'}",
            detail=f"《{task.plan}》第{task.number}项:{task.title or task.content}\n节点要求:{m.text}",
            units=leads.get(m.task_id, ""), task_id=task.pk, done=done, overdue=not done and m.due < today))
    return out


def report_events(first: date, unit: Unit | None, policy: SupervisionPolicy = POLICY) -> list[MonthEvent]:
    tasks = Task.objects.filter(plan__year=first.year)
    if unit is not None:
        tasks = tasks.filter(Exists(Responsibility.objects.filter(task=OuterRef("pk"), unit=unit)))
    if not tasks.exists():
        return []
    who = unit.name if unit is not None else "各责任单位"
    return [MonthEvent(day=first.replace(day=policy.report_day), kind="report",
                       title=f"{first.month}月进展情况报送截止",
                       detail=f"{who}于{first.month}月{policy.report_day}日前报送负责任务的{first.month}月进展情况及佐证材料。",
                       units=unit.name if unit is not None else "")]


def case_events(first: date, last: date, today: date, unit: Unit | None) -> list[MonthEvent]:
    rows = Case.objects.filter(deadline__gte=first, deadline__lte=last, state__in=rules.URGED_STATES)
    if unit is not None:
        helped = Case.co_units.through.objects.filter(unit=unit).values("case_id")
        rows = rows.filter(Q(lead_unit=unit) | Q(pk__in=helped))
    return [MonthEvent(day=c.deadline, kind="case", title=f"{c.number} {c.title}",
                       detail=f"督办件{c.number}反馈期限,当前状态:{c.get_state_display()}",
                       units=c.lead_unit.name if c.lead_unit else "", task_id=c.task_id, case_number=c.number,
                       overdue=c.deadline < today)
            for c in rows.select_related("lead_unit").order_by("deadline", "pk")]


def _lead_names(task_ids: set[int]) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    for task_id, name in (Responsibility.objects.filter(task_id__in=task_ids, role=Responsibility.Role.LEAD)
                          .order_by("task_id", "order", "pk").values_list("task_id", "unit__name")):
        names[task_id].append(name)
    return {pk: "、".join(n) for pk, n in names.items()}
