"""What a unit's workspace reads, a page at a time: the unit's tasks of one plan year in list order,
what is due next, its returned and waiting reports.

A province's unit may hold thousands of tasks, so no query here reads all of them: the tasks are a
semi-join (EXISTS) read along the list-order index and stopped at the page, the count stops at
COUNT_CAP (then says 以上, as a search's count does), the upcoming steps and the reports are those of the page's
tasks or of what waits (the review queue's index), never of the unit's whole share of the ledger.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from duban.ledger.models import Milestone, ProgressReport, Responsibility, Task, Unit
from duban.ledger.models.plans import LIST_ORDER, in_year
from duban.web.queries import page_of  # the list pages' paging, counts capped as a search's

PER_PAGE = 50
# Four pages: the count reads the tasks until it has found this many of the unit's (a city's unit holds
# far fewer in a year; a province's busiest, thousands: "200项以上" and paging on).
COUNT_CAP = 200
SOON_DAYS = 30
RECENT_REPORTS = 3
UPCOMING = 20
State = ProgressReport.State


def unit_tasks(unit: Unit, year: int | None) -> QuerySet:
    """The unit's current tasks (lead or co-operating) of `year` (None: every year), in list order."""
    tasks = Task.objects.filter(Exists(Responsibility.objects.filter(task=OuterRef("pk"), unit=unit)))
    return (in_year(tasks, year) if year else tasks).order_by(*LIST_ORDER)


def latest_year_of(unit: Unit) -> int | None:
    """The latest plan year the unit has a task in: its first task in list order (latest year first)."""
    return unit_tasks(unit, None).values_list("plan__year", flat=True).first()


@dataclass
class Workspace:
    unit: Unit
    year: int | None                     # None: every year
    page: object                         # a Page of the unit's tasks (CappedPaginator's)
    plans: list = field(default_factory=list)     # [(plan, [task, …])] of the page, in list order
    upcoming: list = field(default_factory=list)  # the next undone steps of the year, soonest first
    returned: list = field(default_factory=list)  # reports sent back to the unit, newest first
    pending: int = 0                     # the unit's reports waiting for review


def workspace(unit: Unit, year: int | None, page_number, today: date) -> Workspace:
    """The unit's workspace for `year`, page `page_number` (as Paginator.get_page reads it), as of `today`."""
    tasks = unit_tasks(unit, year).select_related("plan").prefetch_related(
        Prefetch("responsibilities", Responsibility.objects.filter(unit=unit)))
    page = page_of(tasks, PER_PAGE, page_number, cap=COUNT_CAP)
    shown = list(page.object_list)
    ids = [t.pk for t in shown]
    soon = today + timedelta(days=SOON_DAYS)
    next_due: dict[int, Milestone] = {}
    for m in Milestone.objects.filter(task_id__in=ids, done_on__isnull=True, due__gte=today).order_by("due", "order"):
        m.soon = m.due <= soon
        next_due.setdefault(m.task_id, m)
    recent: dict[int, list[ProgressReport]] = defaultdict(list)
    for r in _recent_reports(ids):
        recent[r.task_id].append(r)
    plans: list = []
    for t in shown:
        mine = t.responsibilities.all()[0]  # the prefetch holds this unit's one role (one_role_per_unit)
        t.my_role, t.is_lead = mine.get_role_display(), mine.role == Responsibility.Role.LEAD
        t.next_due, t.recent = next_due.get(t.pk), recent[t.pk]
        # shortened here, not by a template filter fifty times a page
        t.brief, t.brief_reason = shorten(t.content, 80), shorten(t.status_reason, 120)
        if t.next_due is not None:
            t.next_due.brief = shorten(t.next_due.text, 40)
        if not plans or plans[-1][0] != t.plan:
            plans.append((t.plan, []))
        plans[-1][1].append(t)
    return Workspace(unit=unit, year=year, page=page, plans=plans, upcoming=upcoming_steps(unit, year, today),
                     returned=returned_reports(unit), pending=waiting_reports(unit).count())


def shorten(text: str, n: int) -> str:
    """What Django's truncatechars gives (at most n characters, an ellipsis ending a cut text)."""
    return text if len(text) <= n else text[:n - 1] + "…"


def _recent_reports(task_ids: list[int]) -> QuerySet:
    """Each task's RECENT_REPORTS latest reports (a task reports monthly: not the year's dozen each)."""
    latest_first = [F("as_of").desc(), F("created_at").desc(), F("pk").desc()]
    return (ProgressReport.objects.filter(task_id__in=task_ids)
            .annotate(rank=Window(RowNumber(), partition_by=[F("task_id")], order_by=latest_first))
            .filter(rank__lte=RECENT_REPORTS).only("id", "task_id", "as_of", "state", "created_at")
            .order_by("task_id", *latest_first))


def _of_unit(rows: QuerySet, unit: Unit) -> QuerySet:
    """`rows` (reaching a task as `task`) kept to the unit's current tasks, as a semi-join."""
    mine = Responsibility.objects.filter(task=OuterRef("task_id"), unit=unit)
    return rows.filter(Exists(mine), task__retired_on__isnull=True)


def upcoming_steps(unit: Unit, year: int | None, today: date) -> list[Milestone]:
    """The unit's next undone steps of the year, soonest first (at most UPCOMING), each marked `soon`."""
    rows = _of_unit(Milestone.objects.filter(done_on__isnull=True, due__gte=today), unit)
    if year:
        rows = in_year(rows, year, "task__")
    # In the order of the steps' index (milestone_due_order): the first UPCOMING of the unit are
    # found probing the unit's roles step by step, without sorting every step the unit has.
    out = list(rows.select_related("task__plan").order_by("due", "task_id", "order")[:UPCOMING])
    soon = today + timedelta(days=SOON_DAYS)
    for m in out:
        m.soon = m.due <= soon
    return out


def returned_reports(unit: Unit) -> list[ProgressReport]:
    return list(_of_unit(ProgressReport.objects.filter(state=State.RETURNED), unit)
                .select_related("task__plan").order_by("-created_at", "-pk"))


def waiting_reports(unit: Unit) -> QuerySet:
    return _of_unit(ProgressReport.objects.filter(state=State.SUBMITTED), unit)
