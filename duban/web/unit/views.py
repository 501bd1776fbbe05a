"""A unit's workspace: its tasks, what is due next, its reports; the progress form and its revision;
the review queue of the office and the reviewers; evidence downloads (never public)."""
from __future__ import annotations

import mimetypes
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from duban.assess_format import fmt_number
from duban.errors import DubanError
from duban.ledger.milestones import describe_claims
from duban.ledger.models import (
    Evidence,
    Indicator,
    PendingValue,
    ProgressReport,
    Responsibility,
    Task,
    Unit,
)
from duban.ledger.workflow import (
    InvalidInput,
    may_revise,
    review_progress,
    revise_progress,
    submit_progress,
)
from duban.people.roles import (
    Forbidden,
    can_report,
    can_review,
    can_view_task,
    require,
    sees_everything,
    unit_of,
)
from duban.web.office.access import query_without
from duban.web.queries import parse_int, plan_years, units_with_tasks
from duban.web.unit import workspace as W
from duban.web.unit.forms import ProgressForm, target_text

REVIEWS_PER_PAGE = 20
State = ProgressReport.State


def _workspace_unit(request) -> Unit | None:
    """A reporter's own unit; the office (and whoever sees everything) picks one with ?unit=<id>."""
    own = unit_of(request.user)
    wanted = request.GET.get("unit", "")
    if sees_everything(request.user):
        return get_object_or_404(Unit, pk=int(wanted)) if wanted.isdigit() else None
    require(own is not None, "您的账号没有所属单位,无法使用单位工作台")
    if wanted and wanted != str(own.pk):
        raise Forbidden("只能查看本单位的工作台")
    return own


@login_required
def workspace(request):
    unit = _workspace_unit(request)
    if unit is None:
        return render(request, "web/unit/pick_unit.html", {"units": units_with_tasks()})
    today = timezone.localdate()
    year_text = request.GET.get("year", "").strip()
    year = None if year_text == "all" else (parse_int(year_text) or W.latest_year_of(unit))
    ws = W.workspace(unit, year, request.GET.get("page"), today)
    # Every task listed is this unit's: whoever may report on one may report on all (one check, no query each).
    may_report = bool(ws.page.object_list) and can_report(request.user, ws.page.object_list[0])
    for _, tasks in ws.plans:
        for t in tasks:
            t.may_report = may_report
    for r in ws.returned:
        r.may_revise = may_revise(request.user, r)
    return render(request, "web/unit/workspace.html", {
        "unit": unit, "page": ws.page, "plans": ws.plans, "today": today, "soon_days": W.SOON_DAYS,
        "upcoming": ws.upcoming, "returned": ws.returned, "pending": ws.pending,
        "year": year, "years": plan_years(),
        "paging_query": query_without(request.GET, "page"),
        "units": units_with_tasks() if sees_everything(request.user) else None})


def _back_to_workspace(request, task: Task):
    url = reverse("unit:workspace")
    if sees_everything(request.user):
        lead = next(iter(task.lead_units()), None) or next(iter(task.co_units()), None)
        url += f"?unit={lead.pk}" if lead else ""
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    require(can_report(request.user, task), "只能填报本单位负责的任务")
    today = timezone.localdate()
    form = ProgressForm(task, today=today, data=request.POST if request.method == "POST" else None,
                        files=request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = submit_progress(request.user, task, form.cleaned_data["as_of"], form.values(),
                                    form.cleaned_data["text"], form.cleaned_data["files"], today=today,
                                    milestones_done=form.milestones_done())
        except Forbidden:
            raise
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            done = "已提交,等待督查室审核" if saved.state == State.SUBMITTED else "已保存并生效"
            messages.success(request, f"第{task.number}项截至{saved.as_of:%Y-%m-%d}的进展{done}")
            return _back_to_workspace(request, task)
    return render(request, "web/unit/report_form.html", {"task": task, "form": form, "report": None},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request, pk: int):
    rep = get_object_or_404(ProgressReport.objects.select_related("task__plan", "submitted_by"), pk=pk)
    task = rep.task
    require(can_view_task(request.user, task) and may_revise(request.user, rep), "只能修改本单位填报的进展")
    if rep.state not in (State.SUBMITTED, State.RETURNED):
        raise InvalidInput(f"该进展{rep.get_state_display()},不能再修改")
    today = timezone.localdate()
    form = ProgressForm(task, today=today, report=rep, data=request.POST if request.method == "POST" else None,
                        files=request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        if not version.isdigit():
            raise InvalidInput("缺少版本号,请刷新页面后重试")
        try:
            revise_progress(request.user, rep, values=form.values(), text=form.cleaned_data["text"],
                            expected_version=int(version), files=form.cleaned_data["files"], today=today,
                            as_of=form.cleaned_data["as_of"], milestones_done=form.milestones_done())
        except DubanError as e:
            if e.code in ("forbidden", "conflict", "not_found"):
                raise
            form.add_error(None, e.message)
        else:
            messages.success(request, f"第{task.number}项的进展已修改并重新提交审核")
            return _back_to_workspace(request, task)
    return render(request, "web/unit/report_form.html", {"task": task, "form": form, "report": rep},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def reviews(request):
    require(can_review(request.user), "只有督查室或审核员可以审核进展")
    queue = (ProgressReport.objects.filter(state=State.SUBMITTED)
             .select_related("task__plan", "submitted_by__profile__unit")
             .prefetch_related("observations__indicator", "evidence",
                               Prefetch("task__responsibilities", Responsibility.objects.select_related("unit")))
             .order_by("created_at", "pk"))
    page = Paginator(queue, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    for r in page:
        profile = getattr(r.submitted_by, "profile", None) if r.submitted_by_id else None
        r.unit = profile.unit if profile and profile.unit_id else None
        r.leads = [x.unit for x in r.task.responsibilities.all() if x.role == Responsibility.Role.LEAD]
        r.rows = [{"metric": o.metric, "value": fmt_number(o.value, o.unit),
                   "target": target_text(o.indicator) if o.indicator else "—",
                   "percent": f"{o.percent:g}%" if o.percent is not None else "—"} for o in r.observations.all()]
        r.claims = describe_claims(r)
    return render(request, "web/unit/reviews.html", {"page": page, "total": page.paginator.count,
                                                     **_pending_queue(request)})


PENDING_PER_PAGE = 30


def _pending_queue(request) -> dict:
    """The report values no single indicator took (待核实), each with its sentence and the indicators
    of its task to choose from (the likely ones first)."""
    from duban.ledger.pending import waiting

    page = Paginator(waiting(), PENDING_PER_PAGE).get_page(request.GET.get("values_page"))
    task_ids = {v.task_id for v in page}
    by_task = defaultdict(list)
    for ind in Indicator.objects.filter(task_id__in=task_ids, tracked=True).order_by("order", "pk"):
        by_task[ind.task_id].append(ind)
    for v in page:
        likely = set(v.candidates or [])
        v.shown = fmt_number(v.value, v.unit)
        v.choices = sorted(({"pk": i.pk, "label": f"{i.metric}(目标 {target_text(i)})", "likely": i.pk in likely}
                            for i in by_task[v.task_id]), key=lambda c: not c["likely"])
    return {"pending_page": page, "pending_total": page.paginator.count}


@login_required
@require_POST
def decide_value(request, pk: int):
    """The office assigns a pending value to an indicator of its task, or discards it."""
    from duban.ledger.pending import assign_value, discard_value

    value = get_object_or_404(PendingValue.objects.select_related("task"), pk=pk)
    action, note, today = request.POST.get("action"), request.POST.get("note", ""), timezone.localdate()
    if action == "assign":
        wanted = request.POST.get("indicator", "")
        indicator = Indicator.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if indicator is None:
            raise InvalidInput("请选择该数值对应的指标")
        assign_value(request.user, value, indicator, today=today, note=note)
        messages.success(request, f"已将第{value.task.number}项的数值{fmt_number(value.value, value.unit)}"
                                  f"计入指标“{indicator.metric}”")
    elif action == "discard":
        discard_value(request.user, value, today=today, note=note)
        messages.success(request, f"已舍弃第{value.task.number}项的数值{fmt_number(value.value, value.unit)}")
    else:
        raise InvalidInput("请选择计入指标或舍弃")
    return redirect(reverse("unit:reviews") + "#pending-values")


@login_required
@require_POST
def review(request, pk: int):
    rep = get_object_or_404(ProgressReport.objects.select_related("task"), pk=pk)
    version = request.POST.get("version", "")
    if not version.isdigit():
        raise InvalidInput("缺少版本号,请刷新页面后重试")
    approve = request.POST.get("action") == "approve"
    if not approve and request.POST.get("action") != "return":
        raise InvalidInput("请选择审核通过或退回")
    review_progress(request.user, rep, approve=approve, reason=request.POST.get("reason", ""),
                    expected_version=int(version), today=timezone.localdate())
    verb = "审核通过" if approve else "退回"
    messages.success(request, f"已{verb}:第{rep.task.number}项 截至{rep.as_of:%Y-%m-%d}的进展")
    return redirect("unit:reviews")


@login_required
def evidence(request, pk: int):
    ev = get_object_or_404(Evidence.objects.select_related("report__task"), pk=pk)
    require(can_view_task(request.user, ev.report.task), "没有权限查看该佐证材料")
    try:
        handle = ev.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise DubanError("佐证材料文件已丢失,请联系督查室", code="not_found") from None
    kind = mimetypes.guess_type(ev.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=ev.name, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return response
