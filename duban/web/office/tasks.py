"""任务: the task list (search, filters, sorting, paging) and one task's page with its indicators,
charts, milestones, progress, findings, comments and audit history."""
from __future__ import annotations

import io
import math
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from duban import assess as A
from duban.assess_format import fmt_number
from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.assessment import COUNTED_STATES, assess_tasks
from duban.ledger.comments import MAX_LENGTH, add_comment
from duban.ledger.models import (
    Checkpoint,
    Comment,
    Observation,
    PendingValue,
    Plan,
    Responsibility,
    Section,
    Task,
    Unit,
)
from duban.ledger.models.plans import in_year
from duban.ledger.task_table import task_rows, write_task_table
from duban.people.models import Role
from duban.people.roles import (
    can_comment,
    can_manage,
    can_review,
    can_view_task,
    role_of,
    sees_everything,
    unit_of,
    visible_tasks,
)
from duban.web import charts
from duban.web import queries as Q
from duban.web.office.access import query_without, task_page, today
from duban.web.office.corrections import panel_context
from duban.web.office.dashboard import plan_options

PAGE_SIZE = 50
SORT_LABELS = (("plan", "按计划"), ("number", "按序号"), ("status", "按严重程度"))


# ------------------------------------------------------------------------------ the list


def _cached_options(user, kind: str, compute):
    """A filter's options, `compute()`d once until a task is added or a plan changes, per unit for a
    reporter: a province's unit may hold thousands of tasks, so its own options are not read at every view."""
    changed = Plan.objects.aggregate(at=Max("updated_at"))["at"]
    key = f"duban:{kind}:{Task.objects.aggregate(last=Max('id'))['last']}:{changed.timestamp() if changed else 0}"
    if not sees_everything(user):
        unit = unit_of(user)
        key += f":unit{unit.pk if unit else '-'}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, Q.CACHE_TIMEOUT)
    return found


def _domains(user) -> list[str]:
    """The domains to filter by (a reporter's: those of its unit's tasks, read distinct by the database)."""
    if sees_everything(user):
        return _cached_options(user, "domains", Q.domain_names)
    return _cached_options(user, "domains", lambda: list(
        visible_tasks(user, Task.objects.exclude(domain="")).order_by("domain").values_list("domain", flat=True)
        .distinct()))


def _plan_options(user, year: int | None, selected: int | None):
    """The plans to filter by: the year's (every year's without one); a reporter's, those its unit has
    tasks in — not a province's thousand."""
    if sees_everything(user):
        return plan_options(year, selected)
    tasks = visible_tasks(user, Task.objects.all())
    tasks = in_year(tasks, year) if year else tasks
    own = _cached_options(user, f"plans:{year or '-'}", lambda: list(
        tasks.order_by("plan_id").values_list("plan_id", flat=True).distinct()))
    return plan_options(year, selected, only=own)


def _unit_options(selected: int | None):
    units = Q.units_with_tasks()
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((u.pk, " selected" if u.pk == selected else "", u.name) for u in units.only("id", "name")))


def _status_choices() -> list[tuple[str, str]]:
    return ([(s.code, s.value) for s in sorted(A.Status, key=lambda s: -s.severity)]
            + [("lagging", "全部滞后(滞后、严重滞后、未开始、逾期)"), ("unassessed", Q.UNASSESSED)])


def _filter_options(user, f: Q.TaskFilters) -> dict:
    return {
        "plan_options": _plan_options(user, f.year, f.plan),
        "years": Q.plan_years(),
        "unit_options": _unit_options(f.unit) if sees_everything(user) else "",
        "domains": _domains(user),
        "sections": Section.objects.filter(plan_id=f.plan).order_by("order") if f.plan else [],
        "statuses": _status_choices(),
        "colors": [(c, Q.COLOR_LABELS[c]) for c in Q.COLORS],
        "sorts": SORT_LABELS,
    }


@task_page
def task_list(request):
    f = Q.TaskFilters.from_params(request.GET)
    tasks = Q.filter_tasks(visible_tasks(request.user, Task.objects.all()), f).select_related("plan")
    unfiltered = sees_everything(request.user) and not (f.q or f.statuses or f.color or f.domain) and (
        f.unit is None and f.section is None and f.plan is None)  # the whole ledger, or one year of it
    statuses = Q.tallied_statuses(f.year) if unfiltered and f.sort == "status" else None
    if statuses is not None:  # the worst first over the whole ledger: a status at a time, no sort of it all
        page = Q.severity_page(tasks, statuses, PAGE_SIZE, request.GET.get("page"))
    else:
        page = Q.page_of(tasks, PAGE_SIZE, request.GET.get("page"), Q.tallied_total(f.year) if unfiltered else None,
                         cap=Q.count_cap(f.q, one_unit=f.unit is not None or not sees_everything(request.user)))
    leads = Q.lead_names(t.pk for t in page.object_list)
    rows = [{"task": t, "leads": leads.get(t.pk, []), "color": Q.color_of(t.status_color)} for t in page.object_list]
    return render(request, "web/office/task_list.html", {
        "f": f, "page": page, "rows": rows, "wanted_statuses": set(f.statuses),
        "paging_query": query_without(request.GET, "page"), "sort_query": query_without(request.GET, "page", "sort"),
        "export_query": query_without(request.GET, "page"),
        "own_unit": None if sees_everything(request.user) else unit_of(request.user),
        **_filter_options(request.user, f),
    })


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_words(request, f: Q.TaskFilters) -> str:
    """What the list was filtered by, in words (the export's subtitle)."""
    words = []
    if f.q:
        words.append(f"检索“{f.q}”")
    if f.statuses:
        words.append("状态:" + "、".join(dict(_status_choices()).get(s, s) for s in f.statuses))
    if f.color:
        words.append(f"颜色:{Q.COLOR_LABELS.get(f.color, f.color)}")
    if f.year:
        words.append(f"{f.year}年")
    if f.plan:
        plan = Plan.objects.filter(pk=f.plan).first()
        words.append(f"计划:{plan}" if plan else "")
    if f.domain:
        words.append("领域:" + ("未分类" if f.domain == Q.NO_DOMAIN else f.domain))
    if f.unit:
        unit = Unit.objects.filter(pk=f.unit).first()
        words.append(f"单位:{unit.name}{'(仅牵头)' if f.lead_only else ''}" if unit else "")
    if not sees_everything(request.user):
        words.append(f"{unit_of(request.user).name}牵头或协办")
    return ";".join(w for w in words if w) or "全部任务"


@task_page
def task_export(request):
    """The task list, as filtered, as an .xlsx (the same rows in the same order, every page)."""
    f = Q.TaskFilters.from_params(request.GET)
    tasks = Q.filter_tasks(visible_tasks(request.user, Task.objects.all()), f)
    day = today()
    buffer = io.BytesIO()
    write_task_table(task_rows(tasks), buffer, title="重点任务督办台账",
                     subtitle=f"{_filter_words(request, f)} · 导出日期:{day:%Y年%m月%d日}")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"督办任务清单-{day:%Y%m%d}.xlsx")
    return response


# ------------------------------------------------------------------------------ one task


def _period(task: Task, milestones) -> tuple[date, date]:
    start = date(task.plan.year, 1, 1)
    end = max([date(task.plan.year, 12, 31), *(m.due for m in milestones if m.due)])
    return start, end


def _milestone_rows(milestones, assessment: A.TaskAssessment, as_of: date) -> list[dict]:
    overdue = {m.key for m in assessment.overdue}
    soon = {m.key for m in assessment.due_soon}
    rows = []
    for m in milestones:
        key = str(m.pk)
        if m.due is None:
            state, label = "later", "日期未定"
        elif key in overdue:
            state, label = "overdue", "已逾期"
        elif key in soon:
            state, label = "soon", "即将到期"
        elif m.done_on and m.done_on <= as_of:
            state, label = "done", f"已完成({m.done_on:%Y-%m-%d})"
        elif m.due <= as_of or assessment.status is A.Status.DONE:
            state, label = "done", "已完成"
        else:
            state, label = "later", "未到期"
        rows.append({"milestone": m, "state": state, "label": label})
    return rows


def _observed_value(o: Observation, target: float) -> float | None:
    if o.value is not None and math.isfinite(o.value):
        return o.value
    if o.percent is not None and math.isfinite(o.percent):
        return target * o.percent / 100
    return None


def _fmt(value: float | None, unit: str, *, approx: bool = False) -> str:
    return "" if value is None or not math.isfinite(value) else fmt_number(value, unit, approx=approx)


def _indicator_rows(task, indicators, observations, assessment, start, end, as_of) -> list[dict]:
    by_key = {ia.key: ia for ia in assessment.indicators}
    rows = []
    for ind in indicators:
        ia = by_key.get(str(ind.pk))
        checkpoints = [(c.milestone.due, c.value) for c in ind.checkpoints.all() if c.milestone.due]
        own = [o for o in observations if o.indicator_id == ind.pk]
        points = []
        for o in own:
            value = _observed_value(o, ind.target)
            if value is not None:
                points.append(charts.Point(o.report.as_of, value, o.report.get_state_display(),
                                           o.report.state in COUNTED_STATES))
        accumulates = ind.cumulative and not (ind.qualifier == "<=" or not ind.higher_is_better)
        chart = charts.indicator_chart(metric=ind.metric, unit=ind.unit, target=ind.target, accumulates=accumulates,
                                       checkpoints=checkpoints, observations=points, start=start, end=end,
                                       as_of=as_of, forecast=ia.forecast if ia else None)
        rows.append({"indicator": ind, "assessment": ia, "observations": own,
                     "target": fmt_number(ind.target, ind.unit),
                     "checkpoints": [(d, fmt_number(v, ind.unit)) for d, v in sorted(checkpoints)],
                     "planned": _fmt(ia.planned if ia else None, ind.unit, approx=True),
                     "actual": _fmt(ia.actual if ia else None, ind.unit),
                     "forecast": _fmt(ia.forecast if ia else None, ind.unit, approx=True),
                     "values": [(o, _fmt(_observed_value(o, ind.target), ind.unit)) for o in own],
                     "color": ia.status.color.value if ia else "grey",
                     "chart": mark_safe(chart)})
    return rows


@task_page
def task_detail(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan", "section"), pk=pk)
    if not can_view_task(request.user, task):
        raise PermissionDenied
    as_of = Q.parse_date(request.GET.get("as_of")) or today()
    assessment = assess_tasks([task], as_of)[task.pk]  # the indicators' detail, judged by the one function
    status, color, reason = Q.stored_judgement(task, as_of)  # the task's status, as every other page reads it
    milestones = list(task.milestones.order_by("due", "order"))
    indicators = list(task.indicators.order_by("order", "pk").prefetch_related(
        Prefetch("checkpoints", queryset=Checkpoint.objects.select_related("milestone").order_by("milestone__due"))))
    observations = list(Observation.objects.filter(report__task=task).select_related("report")
                        .order_by("report__as_of", "report__created_at", "order"))
    start, end = _period(task, milestones)
    responsibilities = list(task.responsibilities.select_related("unit").order_by("role", "order"))
    reports = list(task.reports.select_related("submitted_by").prefetch_related(
        "observations", "evidence",
        Prefetch("pending_values", queryset=PendingValue.objects.filter(state=PendingValue.State.PENDING),
                 to_attr="waiting")).order_by("-as_of", "-created_at"))
    for r in reports:
        r.value_rows = Q.value_rows(r)
    return render(request, "web/office/task_detail.html", {
        "task": task, "as_of": as_of, "assessment": assessment,
        "leads": [r for r in responsibilities if r.role == Responsibility.Role.LEAD],
        "cos": [r for r in responsibilities if r.role == Responsibility.Role.CO],
        "indicators": _indicator_rows(task, indicators, observations, assessment, start, end, as_of),
        "milestones": _milestone_rows(milestones, assessment, as_of),
        "reports": reports, "findings": task.findings.select_related("source").order_by("id"),
        "comments": task.comments.select_related("author__profile", "outcome__case", "outcome__handled_by__profile")
        .order_by("-created_at"),
        "audit": AuditEntry.objects.filter(task=task).order_by("-at", "-id")[:200],
        "can_comment": can_comment(request.user), "can_review": can_review(request.user), "comment_kinds": Comment.Kind.choices if role_of(request.user) == Role.LEADER
        else [(Comment.Kind.COMMENT.value, Comment.Kind.COMMENT.label)], "max_length": MAX_LENGTH,
        "status": status or Q.UNASSESSED, "status_color": Q.color_of(color), "status_reason": reason,
        "corrections": panel_context(task, indicators, milestones, responsibilities) if can_manage(request.user)
        else None,
    })


@login_required
@require_POST
def comment(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    if not can_view_task(request.user, task):
        raise PermissionDenied
    try:
        c = add_comment(request.user, task, request.POST.get("text", ""), request.POST.get("kind") or "comment")
    except DubanError as e:
        if e.code == "forbidden":
            raise
        messages.error(request, e.message)
    else:
        messages.success(request, f"已发表{c.get_kind_display()}")
    return redirect(reverse("office:task", args=[task.pk]) + "#comments")
