"""单位排名: each lead unit's scorecard — tasks it leads, how many done, on track, behind, overdue —
and a score and rank by the one formula the bulletins use (`duban.ranking`)."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render

from duban.ledger.models import Responsibility, Unit
from duban.ranking import SCORING_NOTE
from duban.web import queries as Q
from duban.web.office.access import office_page, query_without, today
from duban.web.office.dashboard import scope_choices

PAGE_SIZE = 50


@office_page
def unit_ranking(request):
    scope = Q.make_scope(request.GET, today())
    rows = Q.ranked_units(Q.unit_counts(scope))
    return render(request, "web/office/units.html", {
        "scope": scope, "rows": rows, "scoring_note": SCORING_NOTE, **scope_choices(scope),
    })


@office_page
def unit_detail(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    scope = Q.make_scope(request.GET, today())
    ranking = Q.ranked_units(Q.unit_counts(scope))
    card = next((r for r in ranking if r["id"] == unit.pk), None)
    led = Q.tasks_in(scope).filter(Exists(Responsibility.objects.filter(
        task_id=OuterRef("pk"), unit=unit, role=Responsibility.Role.LEAD)))
    fields = ("status", "status_color", "status_reason")
    if scope.historical:  # a unit's few hundred tasks at most: a subquery each is fine here
        led, fields = Q.with_history(led, scope.as_of), ("h_status", "h_color", "h_reason")
    led = led.select_related("plan")
    if card is not None and not scope.historical:  # today's counts of the unit's leads: a status at a time
        page = Q.severity_page(led, card["counts"].statuses, PAGE_SIZE, request.GET.get("page"))
    else:
        led = led.order_by(Q.severity_order(fields[0]).desc(), "sort_key", "id")
        page = Paginator(led, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"task": t, "status": getattr(t, fields[0]), "color": Q.color_of(getattr(t, fields[1])),
             "reason": getattr(t, fields[2])} for t in page.object_list]
    # counted as a search is (a province's unit may help on thousands)
    co_count, co_more = Q.capped_count(Q.tasks_in(scope).filter(Exists(
        Responsibility.objects.filter(task_id=OuterRef("pk"), unit=unit, role=Responsibility.Role.CO))),
        Q.SEARCH_COUNT_CAP)
    return render(request, "web/office/unit_detail.html", {
        "unit": unit, "scope": scope, "card": card, "rank_of": len(ranking), "page": page, "rows": rows,
        "co_count": co_count, "co_more": co_more, **scope_choices(scope), "paging_query": query_without(request.GET, "page"),
        "aliases": list(unit.aliases.values_list("name", flat=True)),
    })
