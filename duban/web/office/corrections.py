"""The office's corrections on the task page: the task's content, section and domain, its lead and
co-units (a searchable picker), its indicators (edit, add, remove, tracked or not), its milestones
(due date, words, checkpoints), and where a new version of the document disagrees with a correction.

Every form posts to one view here, which only parses the form and calls the one service action of
`duban.ledger.corrections` (permission, validation, transaction, audit entry, reassessment, ledger
version); the task page then shows the change in its history with before and after.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from duban.errors import DubanError
from duban.ledger import corrections as C
from duban.ledger.models import Indicator, Milestone, Responsibility, Task, Unit
from duban.people.roles import can_manage
from duban.web import queries as Q
from duban.web.office.access import today
from duban.web.office.forms import IndicatorForm, MilestoneForm, TaskForm, UnitsForm, plain_number, split_names


def _office_only(request) -> None:
    if not can_manage(request.user):
        raise PermissionDenied


def _back(task: Task, anchor: str = "corrections"):
    return redirect(reverse("office:task", args=[task.pk]) + f"#{anchor}")


def _unit_names(task: Task) -> tuple[list[str], list[str]]:
    rs = list(task.responsibilities.select_related("unit").order_by("role", "order"))
    return ([r.unit.name for r in rs if r.role == Responsibility.Role.LEAD],
            [r.unit.name for r in rs if r.role == Responsibility.Role.CO])


def _indicators(task: Task) -> list[Indicator]:
    return list(task.indicators.order_by("order", "pk"))


def panel_context(task: Task, indicators: list[Indicator], milestones: list[Milestone],
                  responsibilities: list[Responsibility]) -> dict:
    """What the task page's correction panel shows (for the office only), from the rows the page has
    read already (indicators with their checkpoints prefetched)."""
    leads = [r.unit.name for r in responsibilities if r.role == Responsibility.Role.LEAD]
    cos = [r.unit.name for r in responsibilities if r.role == Responsibility.Role.CO]
    checkpoints: dict[int, dict[int, float]] = {}
    for ind in indicators:
        for c in ind.checkpoints.all():
            checkpoints.setdefault(c.milestone_id, {})[ind.pk] = c.value
    return {
        "task_form": TaskForm.of(task), "units_form": UnitsForm.of(leads, cos),
        "indicator_forms": [(i, IndicatorForm.of(i)) for i in indicators],
        "new_indicator_form": IndicatorForm.of(None),
        "milestone_forms": [(m, MilestoneForm.of(m, indicators, checkpoints=checkpoints.get(m.pk, {})))
                            for m in milestones],
        "disputes": [d | {"value_shown": C._shown(d["value"]), "document_shown": C._shown(d["document"])}
                     for d in C.disputes(task, rows=[task, *indicators, *milestones])],
        "section_names": list(task.plan.sections.order_by("order").values_list("title", flat=True)),
        "domain_names": Q.domain_names(),
        "unit_names": list(Unit.objects.order_by("name").values_list("name", flat=True)),
    }


def _failed(request, task: Task, title: str, form, error: str | None = None):
    """The one form again, with what was typed and what is wrong (status 400)."""
    return render(request, "web/office/corrections/form_page.html", {
        "task": task, "title": title, "form": form, "error": error,
        "unit_names": list(Unit.objects.order_by("name").values_list("name", flat=True)),
    }, status=400)


def _run(request, task: Task, title: str, form, action, done: str, anchor: str = "corrections"):
    if not form.is_valid():
        return _failed(request, task, title, form)
    try:
        action(form.cleaned_data)
    except DubanError as e:
        if e.code == "forbidden":
            raise PermissionDenied(e.message) from e
        return _failed(request, task, title, form, e.message)
    messages.success(request, done)
    return _back(task, anchor)


@login_required
@require_POST
def task_fields(request, pk: int):
    _office_only(request)
    task = get_object_or_404(Task.objects.select_related("plan", "section"), pk=pk)
    return _run(request, task, "更正任务内容、部分和领域", TaskForm.of(task, request.POST),
                lambda d: C.correct_task(request.user, task, content=d["content"], section=d["section"],
                                         domain=d["domain"], today=today()), "已更正任务内容")


@login_required
@require_POST
def units(request, pk: int):
    _office_only(request)
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    leads, cos = _unit_names(task)
    return _run(request, task, "更正责任单位", UnitsForm.of(leads, cos, request.POST),
                lambda d: C.correct_units(request.user, task, leads=split_names(d["leads"]),
                                          cos=split_names(d["cos"]), today=today()), "已更正责任单位")


def _indicator_args(d: dict) -> dict:
    return {"metric": d["metric"], "target": d["target"], "unit": d["unit"], "qualifier": d["qualifier"]}


@login_required
@require_POST
def indicator(request, pk: int):
    _office_only(request)
    ind = get_object_or_404(Indicator.objects.select_related("task__plan"), pk=pk)
    return _run(request, ind.task, f"更正指标“{ind.metric}”", IndicatorForm.of(ind, request.POST),
                lambda d: C.correct_indicator(request.user, ind, **_indicator_args(d), tracked=d["tracked"],
                                              today=today()), f"已更正指标“{ind.metric}”", f"fix-ind-{ind.pk}")


@login_required
@require_POST
def indicator_add(request, pk: int):
    _office_only(request)
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    return _run(request, task, "新增指标", IndicatorForm.of(None, request.POST),
                lambda d: C.add_indicator(request.user, task, **_indicator_args(d), today=today()), "已新增指标")


@login_required
@require_POST
def indicator_remove(request, pk: int):
    _office_only(request)
    ind = get_object_or_404(Indicator.objects.select_related("task__plan"), pk=pk)
    task = ind.task
    try:
        C.remove_indicator(request.user, ind, today=today())
    except DubanError as e:
        if e.code == "forbidden":
            raise PermissionDenied(e.message) from e
        messages.error(request, e.message)
    else:
        messages.success(request, f"已删除指标“{ind.metric}”")
    return _back(task)


@login_required
@require_POST
def milestone(request, pk: int):
    _office_only(request)
    m = get_object_or_404(Milestone.objects.select_related("task__plan"), pk=pk)
    form = MilestoneForm.of(m, _indicators(m.task), request.POST)

    def act(d):
        wanted = {k: v for k, v in form.checkpoints().items()  # only what changed: the rest stays the document's
                  if v.strip() != (form.initial.get(f"cp_{k}") or "")}
        C.correct_milestone(request.user, m, due=d["due"].isoformat(), text=d["text"],
                            checkpoints=wanted or None, today=today())

    return _run(request, m.task, "更正时间节点", form, act, "已更正时间节点", f"fix-ms-{m.pk}")


_KINDS = {"task": Task.everything, "indicator": Indicator.objects, "milestone": Milestone.objects}


@login_required
@require_POST
def dispute(request, pk: int):
    """保留更正 / 采用文件 for one field where a new version of the document disagrees."""
    _office_only(request)
    task = get_object_or_404(Task.everything.select_related("plan"), pk=pk)
    manager = _KINDS.get(request.POST.get("kind", ""))
    obj_id = request.POST.get("id", "")
    if manager is None or not obj_id.isdigit():
        messages.error(request, "无法识别要处理的分歧")
        return _back(task, "disputes")
    obj = get_object_or_404(manager, pk=int(obj_id))
    if (obj.pk if isinstance(obj, Task) else obj.task_id) != task.pk:
        raise PermissionDenied
    take = request.POST.get("decision") == "document"
    try:
        C.decide_dispute(request.user, obj, request.POST.get("field", ""), take_document=take, today=today())
    except DubanError as e:
        if e.code == "forbidden":
            raise PermissionDenied(e.message) from e
        messages.error(request, e.message)
    else:
        messages.success(request, "已采用新版本文件" if take else "已保留督查室的更正")
    return _back(task, "disputes")


__all__ = ["panel_context", "plain_number"]
