"""日历: the office's month view (/calendar/?month=2024-06&unit=…) of milestones, report deadlines and
case deadlines, filterable by unit, beside the unit's ICS feed; a day's own page (?day=2024-06-30) lists
all its milestones, a page at a time. A unit's reporter sees its own unit's."""
from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from duban.ledger.models import Unit
from duban.people.models import Role
from duban.people.roles import Forbidden, role_of, sees_everything, unit_of
from duban.supervision.services.month import (
    WEEKDAYS,
    as_events,
    case_events,
    milestones_due,
    month_calendar,
    parse_month,
    report_events,
)
from duban.web import queries as Q
from duban.web.supervision.common import today
from duban.web.supervision.inbox import calendar_path

DAY_LIMIT = 6  # events shown in a day's cell; the list below the grid has more, the day's page all
DAY_PAGE = 50  # milestones a page of a day's own page


@login_required
def month_view(request):
    if sees_everything(request.user):
        unit_id = Q.parse_int(request.GET.get("unit"))
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    elif role_of(request.user) == Role.REPORTER and unit_of(request.user) is not None:
        unit = unit_of(request.user)
    else:
        raise Forbidden("日历仅供督查室、领导和责任单位查看")
    day = today()
    units = Q.units_with_tasks().only("id", "name") if sees_everything(request.user) else []
    unit_query = f"&unit={unit.pk}" if unit and units else ""  # the month links keep the office's filter
    one_day = Q.parse_date(request.GET.get("day"))
    if one_day is not None:
        return _day_view(request, one_day, day, unit, unit_query)
    month = parse_month(request.GET.get("month")) or day.replace(day=1)
    cal = month_calendar(month, day, unit)
    feed = None
    if unit is not None and (role_of(request.user) == Role.OFFICE or unit_of(request.user) == unit):
        feed = calendar_path(unit)
    return render(request, "web/supervision/month.html", {
        "cal": cal, "weeks": cal.weeks(), "weekdays": WEEKDAYS, "counts": cal.counts(), "unit": unit,
        "units": units, "feed": feed, "day_limit": DAY_LIMIT, "day_less": -DAY_LIMIT, "unit_query": unit_query,
    })


def _day_view(request, one_day: date, today: date, unit, unit_query: str):
    """One day's milestones, DAY_PAGE a page, after its report and case deadlines."""
    page = Paginator(milestones_due(one_day, unit), DAY_PAGE).get_page(request.GET.get("page"))
    first = one_day.replace(day=1)
    others = [e for e in report_events(first, unit) + case_events(one_day, one_day, today, unit) if e.day == one_day]
    return render(request, "web/supervision/month_day.html", {
        "day": one_day, "unit": unit, "page": page, "others": others if page.number == 1 else [],
        "events": as_events(list(page.object_list), today), "unit_query": unit_query,
        "paging_query": f"day={one_day.isoformat()}{unit_query}",
    })
