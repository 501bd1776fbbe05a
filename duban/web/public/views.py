"""公众门户: 走进市办实事、见证民生项目. No login. Shows the plans, the tasks with their status and
ONLY approved progress; never comments, instructions, review notes, findings, audit or evidence."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from duban import assess as A
from duban.assess_format import fmt_number
from duban.ledger.models import Observation, Plan, ProgressReport, Responsibility, Task
from duban.ledger.models.plans import LIST_ORDER, in_year
from duban.supervision.services import original_dues, original_targets
from duban.web import queries as Q

PAGE_SIZE = 100
PLANS_SHOWN = 30  # plans listed on the front page; a province's thousand are on their own page, paged
PLANS_PAGE = 100
TITLE = "走进市办实事、见证民生项目"
QUALIFIER_WORDS = {">=": "以上", "<=": "以内", "~": "左右"}


def plan_items(plans, year: int | None, plan, sizes: dict[int, int], base: str = "") -> str:
    """The year's plans — (id, title, genre) rows — as <li>s, built here: a province's thousand plans
    render slowly in a template loop, and as model instances cost a garbage collection every few
    views (the label is str(plan)'s, escaped)."""
    current = ' aria-current="true" class="current"'
    genres = dict(Plan.Genre.choices)
    return mark_safe("\n    ".join(
        f'<li><a href="{base}?year={year}&amp;plan={pk}"{current if plan is not None and plan.pk == pk else ""}>'
        f'{escape(title or f"{year}年{genres.get(genre, genre)}")}</a> <span class="muted">{sizes.get(pk, 0)} 项</span></li>'
        for pk, title, genre in plans))


def _years(request) -> tuple[list[int], int | None]:
    """The plan years, and the one asked for (the latest when none is, or one with no plan)."""
    years = Q.plan_years()
    year = Q.parse_int(request.GET.get("year"))
    return years, year if year in years else (years[0] if years else None)


def _plans_of(year: int | None):
    """A year's plans as (id, title, genre) rows, in the portal's order."""
    return Plan.objects.filter(year=year).order_by("genre", "title").values_list("id", "title", "genre")


def _plan_sizes(year: int | None, today, stamp: str) -> dict[int, int]:
    return Q.cached("plan_sizes", Q.Scope(None, year, today, today), stamp, lambda: Q.plan_sizes(year))


def index(request):
    years, year = _years(request)
    of_year = _plans_of(year)
    plans = list(of_year[:PLANS_SHOWN + 1])
    plan_count = len(plans) if len(plans) <= PLANS_SHOWN else of_year.count()
    plans = plans[:PLANS_SHOWN]
    plan_id = Q.parse_int(request.GET.get("plan"))
    plan = Plan.objects.filter(pk=plan_id, year=year).first() if plan_id is not None else None
    if plan is not None and plan.pk not in {pk for pk, _, _ in plans}:  # the plan looked at stays in view
        plans.append((plan.pk, plan.title, plan.genre))
    today = timezone.localdate()
    stamp = Q.history_stamp()
    counts, by_domain = Q.counts_by_domain(Q.Scope(plan, year, today, today), stamp)
    sizes = _plan_sizes(year, today, stamp)
    scope = in_year(Task.objects.all(), year) if year else Task.objects.none()
    if plan is not None:
        scope = scope.filter(plan=plan)
    domain = (request.GET.get("domain") or "").strip()
    status = (request.GET.get("status") or "").strip()
    q = (request.GET.get("q") or "").strip()[:200]
    # the same filters, search included, as the office's task list and the API
    tasks = Q.filter_tasks(scope, Q.TaskFilters(q=q, statuses=[status] if status else [], domain=domain))
    tasks = tasks.select_related("plan").order_by("domain", *LIST_ORDER)
    unfiltered = year is not None and not (q or status or domain)
    page = Q.page_of(tasks, PAGE_SIZE, request.GET.get("page"),
                     Q.tallied_total(year, plan.pk if plan else None) if unfiltered else None, cap=Q.count_cap(q))
    leads = Q.lead_names(t.pk for t in page.object_list)
    rows = [{"task": t, "leads": leads.get(t.pk, []), "color": Q.color_of(t.status_color),
             "domain": t.domain or "未分类"} for t in page.object_list]
    domains = sorted(d["domain"] for d in by_domain if d["domain"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/public/index.html", {
        "title": TITLE, "years": years, "year": year, "plans": plans, "plan": plan, "counts": counts,
        "plan_count": plan_count, "more_plans": plan_count > PLANS_SHOWN,
        "plan_items": plan_items(plans, year, plan, sizes),
        "rows": rows, "page": page, "domains": domains, "domain": domain, "status": status, "q": q,
        "statuses": [(s.code, s.value) for s in sorted(A.Status, key=lambda s: s.severity)],
        "paging_query": params.urlencode(),
    })


def plans(request):
    """Every plan of a year, PLANS_PAGE a page: the front page lists the first PLANS_SHOWN."""
    years, year = _years(request)
    page = Paginator(_plans_of(year), PLANS_PAGE).get_page(request.GET.get("page"))
    sizes = _plan_sizes(year, timezone.localdate(), Q.history_stamp())
    return render(request, "web/public/plans.html", {
        "title": TITLE, "years": years, "year": year, "page": page,
        "plan_items": plan_items(list(page.object_list), year, None, sizes, base="/public/"),
        "paging_query": f"year={year}" if year else "",
    })


def task(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan", "section"), pk=pk)
    responsibilities = list(task.responsibilities.select_related("unit").order_by("role", "order"))
    approved = (ProgressReport.objects.filter(task=task, state=ProgressReport.State.APPROVED)
                .prefetch_related(Prefetch("observations", queryset=Observation.objects.order_by("order")))
                .order_by("-as_of", "-created_at"))
    reports = [{"as_of": r.as_of, "text": r.text, "values": Q.value_rows(r)} for r in approved]
    own = list(task.indicators.order_by("order", "pk"))
    was = original_targets([i.pk for i in own])  # the target before an approved change (调整申请)
    indicators = [{"metric": i.metric, "target": fmt_number(i.target, i.unit) + QUALIFIER_WORDS.get(i.qualifier, ""),
                   "original": fmt_number(was[i.pk], i.unit) if i.pk in was else ""} for i in own]
    milestones = list(task.milestones.order_by("due", "order"))
    moved = original_dues([m.pk for m in milestones])
    return render(request, "web/public/task.html", {
        "title": TITLE, "task": task, "color": Q.color_of(task.status_color), "indicators": indicators,
        "leads": [r.unit.name for r in responsibilities if r.role == Responsibility.Role.LEAD],
        "cos": [r.unit.name for r in responsibilities if r.role == Responsibility.Role.CO],
        "milestones": [{"due": m.due, "text": m.text, "original_due": moved.get(m.pk)} for m in milestones],
        "reports": reports,
    })
