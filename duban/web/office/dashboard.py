"""总览: the office's dashboard — counts by status, domain and lead unit, the lagging tasks and the
year's trend. Aggregate queries only; the history (trend, earlier dates) is cached per history stamp."""
from __future__ import annotations

from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from duban.ledger.models import Plan
from duban.web import charts
from duban.web import queries as Q
from duban.web.office.access import office_page, today


def plan_options(year: int | None, selected: int | None, only: list[int] | None = None):
    """The <option>s of a plan filter, built here: hundreds of plans render slowly in a template loop.
    `only`: these plans' (a reporter's own)."""
    genres = dict(Plan.Genre.choices)
    plans = Plan.objects.order_by("-year", "genre", "title").values_list("id", "year", "genre", "title")
    if year:
        plans = plans.filter(year=year)
    if only is not None:
        plans = plans.filter(pk__in=only)
    return mark_safe("".join(
        f'<option value="{pk}"{" selected" if pk == selected else ""}>{y} · '
        f'{escape(title or f"{y}年{genres.get(genre, genre)}")}</option>' for pk, y, genre, title in plans))


def scope_query(scope: Q.Scope) -> str:
    """The task list's query for the scope's plan or year."""
    if scope.plan is not None:
        return f"plan={scope.plan.pk}"
    return f"year={scope.year}" if scope.year else ""


def scope_choices(scope: Q.Scope) -> dict:
    """What the scope filter form and the links to the task list need."""
    return {"plan_options": plan_options(scope.year, scope.plan.pk if scope.plan else None), "years": Q.plan_years(),
            "scope_query": scope_query(scope)}


@office_page
def dashboard(request):
    scope = Q.make_scope(request.GET, today())
    stamp = Q.history_stamp()
    summary = Q.summarize(scope, stamp)
    trend = Q.trend(scope, stamp, total=summary.counts.total)
    return render(request, "web/office/dashboard.html", {
        "scope": scope, "counts": summary.counts, "domains": summary.domains,
        "units": Q.most_lagging_units(summary.units), "lagging": summary.lagging,
        "lagging_total": summary.lagging_total, "trend": trend, "trend_year": Q.trend_year(scope),
        "trend_chart": mark_safe(charts.trend_chart(trend)),
        **scope_choices(scope),
    })
