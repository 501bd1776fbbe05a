"""问题 pages: the list, raising a problem on a task, one problem with its loop's actions
(交办协调人 → 协调 → 办结 → 确认, or 不予受理)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case as When_
from django.db.models import IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from duban.errors import DubanError, InvalidInput
from duban.people.roles import can_view_task, require, role_of
from duban.supervision import rules
from duban.supervision.services import (
    assign_problem,
    can_view_problem,
    confirm_problem,
    coordinate_problem,
    dismiss_problem,
    get_problem,
    problem_actions_for,
    problem_history,
    raise_problem,
    resolve_problem,
    visible_problems,
)
from duban.supervision.services.access import is_office
from duban.supervision.services.problems import COORDINATOR_ROLES, MAX_TEXT
from duban.web.supervision.common import done, int_of, page_of, paging_query, task_of_query, text_of, today

ACTION_LABELS = {"assign": "交办协调人", "coordinate": "报告协调情况", "resolve": "报告已解决", "confirm": "确认已解决",
                 "reopen": "不认可,退回重办", "dismiss": "不予受理"}


@login_required
def problem_list(request):
    user = request.user
    if role_of(user) is None:
        raise PermissionDenied
    problems = visible_problems(user)
    state = (request.GET.get("state") or "").strip()
    if state == "open":
        problems = problems.filter(state__in=rules.UNRESOLVED_PROBLEM_STATES | {"resolved"})
    elif state in rules.PROBLEM_STATES:
        problems = problems.filter(state=state)
    source = (request.GET.get("source") or "").strip()
    if source in rules.PROBLEM_SOURCES:
        problems = problems.filter(source=source)
    page = page_of(request, problems.select_related("task__plan", "coordinator").order_by("-found_on", "-id"))
    return render(request, "web/supervision/problem_list.html", {
        "page": page, "paging_query": paging_query(request), "states": rules.PROBLEM_STATES.items(),
        "sources": rules.PROBLEM_SOURCES.items(), "state": state, "source": source,
    })


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    task = task_of_query(request)
    if task is None:
        raise InvalidInput("请从任务页面反映问题(缺少任务)")
    require(can_view_task(request.user, task), "只能对本单位负责的任务反映问题")
    text, error = "", ""
    if request.method == "POST":
        text = text_of(request, "text")
        try:
            problem = raise_problem(request.user, task, text, today=today())
        except DubanError as e:
            if e.code == "forbidden":
                raise
            error = e.message
        else:
            return done(request, f"问题已提交(编号{problem.pk}),督查室将交办协调", problem.path())
    return render(request, "web/supervision/problem_new.html",
                  {"task": task, "text": text, "error": error, "max_text": MAX_TEXT}, status=400 if error else 200)


def _viewable(request, pk: int):
    problem = get_problem(pk)
    require(can_view_problem(request.user, problem), f"没有权限查看问题{problem.pk}")
    return problem


def _coordinators(problem):
    """Who may coordinate: the office, reviewers and reporters; the task's own units' reporters first."""
    units = list(problem.task.responsibilities.values_list("unit_id", flat=True)) if problem.task_id else []
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(profile__role__in=COORDINATOR_ROLES) | Q(is_superuser=True)).select_related("profile__unit")
             .annotate(own=When_(When(profile__unit_id__in=units, then=Value(0)), default=Value(1),
                                 output_field=IntegerField()))
             .order_by("own", "profile__role", "username").distinct())
    return list(users)


@login_required
def problem_detail(request, pk: int):
    problem = _viewable(request, pk)
    actions = problem_actions_for(request.user, problem)
    clue = getattr(problem, "clue", None) if problem.source == "public" else None
    history = problem_history(problem)
    for e in history:
        e.to_label = rules.PROBLEM_STATES.get(e.to_state, e.to_state)
    return render(request, "web/supervision/problem_detail.html", {
        "problem": problem, "history": history, "actions": actions, "action_labels": ACTION_LABELS,
        "coordinators": _coordinators(problem) if "assign" in actions else [],
        "clue": clue, "office": is_office(request.user),
        "cases": list(problem.cases.order_by("-year", "-seq")),
    })


def _assign(request, problem):
    pk = int_of(request.POST, "coordinator")
    coordinator = get_user_model().objects.filter(pk=pk).first() if pk else None
    if coordinator is None:
        raise InvalidInput("请选择协调人")
    assign_problem(request.user, problem, coordinator, today=today(), note=text_of(request, "note"))
    return f"问题{problem.pk}已交由{coordinator.get_username()}协调"


def _coordinate(request, problem):
    coordinate_problem(request.user, problem, text_of(request, "note"), today=today())
    return "协调情况已记录"


def _resolve(request, problem):
    resolve_problem(request.user, problem, text_of(request, "resolution"), today=today())
    return "已报告解决,等待提出人确认"


def _confirm(request, problem):
    confirm_problem(request.user, problem, accept=True, note=text_of(request, "note"), today=today())
    return f"问题{problem.pk}已确认办结"


def _reopen(request, problem):
    confirm_problem(request.user, problem, accept=False, note=text_of(request, "note"), today=today())
    return f"问题{problem.pk}已退回协调人继续办理"


def _dismiss(request, problem):
    dismiss_problem(request.user, problem, text_of(request, "reason"), today=today())
    return f"问题{problem.pk}不予受理"


STEPS = {"assign": _assign, "coordinate": _coordinate, "resolve": _resolve, "confirm": _confirm,
         "reopen": _reopen, "dismiss": _dismiss}


@login_required
@require_POST
def problem_act(request, pk: int, action: str):
    step = STEPS.get(action)
    if step is None:
        raise Http404
    problem = _viewable(request, pk)
    message = step(request, problem)
    return done(request, message, problem.path() + "#history")
