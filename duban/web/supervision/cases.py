"""督办件 pages: the list (per role), one case with its history and the actions its viewer may take,
opening a case (from a lagging task, a leader's instruction or a problem), evidence downloads.

Views parse and call the services in `duban.supervision.services`; a refused step (DubanError) goes
to the error page through the middleware, a Forbidden one as 403."""
from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST

from duban.errors import DubanError, InvalidInput
from duban.ledger.models import Comment, Responsibility, Unit
from duban.people.models import Role
from duban.people.roles import require, role_of, sees_everything
from duban.supervision import rules
from duban.supervision.models import Case, CaseFile, Problem
from duban.supervision.services import (
    acknowledge_case,
    actions_for,
    assign_case,
    can_view_case,
    case_history,
    cases_for_leader,
    close_case,
    comment_on_case,
    get_case,
    leaders,
    open_case,
    open_case_for_lagging_task,
    review_feedback,
    start_case,
    submit_feedback,
    visible_cases,
)
from duban.supervision.services.access import is_office
from duban.supervision.services.cases import open_lagging_case
from duban.supervision.services.files import EXTENSIONS, MAX_FILES
from duban.supervision.suggest import case_title, lagging_indicator, likely_lead
from duban.web.supervision.common import (
    date_of,
    done,
    int_of,
    page_of,
    paging_query,
    task_of_query,
    text_of,
    today,
    unit_of_field,
)

DEFAULT_DAYS = 15  # the feedback deadline offered when a case is opened and assigned at once
ACTION_LABELS = {"assign": "交办", "acknowledge": "签收", "start": "开始办理", "feedback": "反馈办理情况",
                 "accept": "复核通过", "return": "退回重办", "close": "办结销号", "comment": "发表意见"}


# ---------------------------------------------------------------- the list


@login_required
def case_list(request):
    user = request.user
    role = role_of(user)
    if role is None:
        raise PermissionDenied
    mine_only = role == Role.LEADER and request.GET.get("scope") != "all"
    cases = cases_for_leader(user) if mine_only else visible_cases(user)
    state = (request.GET.get("state") or "").strip()
    if state == "open":
        cases = cases.filter(state__in=rules.OPEN_STATES)
    elif state in rules.CASE_STATES:
        cases = cases.filter(state=state)
    unit_id = int_of(request.GET, "unit") if sees_everything(user) else None
    if unit_id:
        cases = cases.filter(lead_unit_id=unit_id)
    source = (request.GET.get("source") or "").strip()
    if source in rules.CASE_SOURCES:
        cases = cases.filter(source=source)
    cases = cases.select_related("lead_unit", "task__plan").order_by("-year", "-seq")
    page = page_of(request, cases)
    day = today()
    for c in page:
        c.urgency = rules.urgency(c, day)
    units = (Unit.objects.filter(led_cases__isnull=False).distinct().order_by("name")
             if sees_everything(user) else None)
    return render(request, "web/supervision/case_list.html", {
        "page": page, "paging_query": paging_query(request), "states": rules.CASE_STATES.items(),
        "sources": rules.CASE_SOURCES.items(), "state": state, "source": source, "unit_id": unit_id,
        "units": units, "leader_view": role == Role.LEADER, "mine_only": mine_only,
        "may_open": is_office(user), "today": day,
    })


# ---------------------------------------------------------------- one case


def _viewable(request, number: str) -> Case:
    case = get_case(number)
    require(can_view_case(request.user, case), f"没有权限查看督办件{case.number}")
    return case


@login_required
def case_detail(request, number: str):
    case = _viewable(request, number)
    user = request.user
    actions = actions_for(user, case)
    history = case_history(case)
    context = {
        "case": case, "history": history, "actions": actions, "action_labels": ACTION_LABELS,
        "urgency": rules.urgency(case, today()), "urges": list(case.urges.all()),
        "co_units": list(case.co_units.order_by("name")), "today": today(),
        "file_types": "、".join(EXTENSIONS), "max_files": MAX_FILES,
        "accept_types": ",".join(f".{e}" for e in EXTENSIONS),
    }
    if "assign" in actions:
        context.update(_assign_choices(case))
    return render(request, "web/supervision/case_detail.html", context)


def _assign_choices(case: Case) -> dict:
    """The units to choose from, the task's own first; the current choice preselected, else the lead
    most likely responsible for the part that lags (not merely the first lead of the task)."""
    if case.lead_unit_id:
        return unit_choices(case.task, case.lead_unit, {u.pk for u in case.co_units.all()})
    lead = likely_lead(case.task, case.instruction or case.title, _lagging_metric(case.task)) if case.task_id else None
    return unit_choices(case.task, lead, None)


def _lagging_metric(task) -> str:
    indicator = lagging_indicator(task, task.assessed_on or today()) if task is not None else None
    return indicator.metric if indicator is not None else ""


def unit_choices(task, lead, chosen_co: set | None) -> dict:
    """Every unit, the task's own first (marked); `lead` preselected; the co-units preselected are
    `chosen_co`, or the task's other units when None."""
    responsibilities = (list(task.responsibilities.select_related("unit").order_by("role", "order"))
                        if task is not None else [])
    leads = [r.unit for r in responsibilities if r.role == Responsibility.Role.LEAD]
    cos = [r.unit for r in responsibilities if r.role == Responsibility.Role.CO]
    if chosen_co is None:
        chosen_co = {u.pk for u in leads + cos if lead is None or u.pk != lead.pk}
    own = [u.pk for u in leads + cos]
    units = list(Unit.objects.order_by("name").only("id", "name"))
    units.sort(key=lambda u: (own.index(u.pk) if u.pk in own else len(own), u.name))
    return {"units": units, "lead_id": lead.pk if lead else None, "co_ids": chosen_co, "task_units": set(own)}


def _assign(request, case):
    co = Unit.objects.filter(pk__in=[int(v) for v in request.POST.getlist("co_units") if v.isdigit()])
    lead = unit_of_field(request, "lead_unit", "牵头单位")
    assign_case(request.user, case, lead_unit=lead, co_units=[u for u in co if u.pk != lead.pk],
                deadline=date_of(request, "deadline", "反馈期限"), today=today(), note=text_of(request, "note"))
    return f"督办件{case.number}已交办{case.lead_unit.name},反馈期限{case.deadline:%Y-%m-%d}"


def _acknowledge(request, case):
    acknowledge_case(request.user, case, today=today(), note=text_of(request, "note"))
    return f"已签收督办件{case.number}"


def _start(request, case):
    start_case(request.user, case, today=today(), note=text_of(request, "note"))
    return f"督办件{case.number}已开始办理"


def _feedback(request, case):
    submit_feedback(request.user, case, text_of(request, "text"), request.FILES.getlist("files"), today=today())
    return f"督办件{case.number}的办理情况已反馈,等待督查室复核"


def _accept(request, case):
    review_feedback(request.user, case, True, text_of(request, "reason"), today=today())
    return f"督办件{case.number}复核通过"


def _return(request, case):
    review_feedback(request.user, case, False, text_of(request, "reason"), today=today(),
                    deadline=date_of(request, "deadline", "新的反馈期限", required=False))
    return f"督办件{case.number}的反馈已退回"


def _close(request, case):
    close_case(request.user, case, today=today(), note=text_of(request, "note"))
    return f"督办件{case.number}已办结销号"


def _comment(request, case):
    comment_on_case(request.user, case, text_of(request, "text"), today=today())
    return "意见已发表"


STEPS = {"assign": _assign, "acknowledge": _acknowledge, "start": _start, "feedback": _feedback,
         "accept": _accept, "return": _return, "close": _close, "comment": _comment}


@login_required
@require_POST
def case_act(request, number: str, action: str):
    step = STEPS.get(action)
    if step is None:
        raise Http404
    case = _viewable(request, number)
    message = step(request, case)
    return done(request, message, case.path() + "#history")


@login_required
def case_file(request, number: str, pk: int):
    case = _viewable(request, number)
    row = get_object_or_404(CaseFile, pk=pk, case=case)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise DubanError("佐证材料文件已丢失,请联系督查室", code="not_found") from None
    kind = row.content_type or mimetypes.guess_type(row.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- 立项


def _lagging_form(request, task):
    """A case on a lagging task: the title from the indicator that lags most and the lead unit
    responsible for it, both editable, co-units picked with a search box; 立项 and 交办 in one step."""
    indicator = lagging_indicator(task, task.assessed_on or today())
    lead = likely_lead(task, "", indicator.metric if indicator else "")
    values = {"title": case_title(task, indicator), "deadline": today() + timedelta(days=DEFAULT_DAYS), "note": ""}
    choices = unit_choices(task, lead, None)
    error = ""
    if request.method == "POST":
        values = {"title": text_of(request, "title"), "note": text_of(request, "note"),
                  "deadline": text_of(request, "deadline")}
        co = Unit.objects.filter(pk__in=[int(v) for v in request.POST.getlist("co_units") if v.isdigit()])
        try:
            lead = unit_of_field(request, "lead_unit", "牵头单位")
            case = open_lagging_case(request.user, task, title=values["title"], lead_unit=lead,
                                     co_units=[u for u in co if u.pk != lead.pk],
                                     deadline=date_of(request, "deadline", "反馈期限"), today=today(),
                                     note=values["note"])
        except DubanError as e:
            if e.code in ("forbidden", "exists", "not_lagging"):
                raise
            error = e.message
            choices = unit_choices(task, Unit.objects.filter(pk=int_of(request.POST, "lead_unit") or 0).first(),
                                   {u.pk for u in co})
        else:
            return done(request, f"已立项督办件{case.number}并交办{case.lead_unit.name}", case.path())
    return render(request, "web/supervision/case_new_lagging.html", {
        "task": task, "indicator": indicator, "values": values, "error": error, "today": today(), **choices,
    }, status=400 if error else 200)


def _origin(request) -> dict:
    """Where a new case comes from: ?task=, ?problem= or ?comment= (a leader's 批示 on a task)."""
    problem = Problem.objects.select_related("task").filter(pk=int_of(request.GET, "problem") or 0).first()
    comment = Comment.objects.select_related("task", "author").filter(
        pk=int_of(request.GET, "comment") or 0, kind=Comment.Kind.INSTRUCTION).first()
    task = task_of_query(request) or (problem.task if problem else None) or (comment.task if comment else None)
    return {"task": task, "problem": problem, "comment": comment}


def _defaults(origin: dict) -> dict:
    task, problem, comment = origin["task"], origin["problem"], origin["comment"]
    if problem is not None:
        number = f"第{task.number}项" if task else ""
        return {"source": "public_clue" if problem.source == "public" else "problem",
                "title": f"关于{number}反映问题的督办:{problem.text[:40]}", "reason": problem.text}
    if comment is not None:
        return {"source": "leader_instruction", "title": f"落实领导批示:{comment.text[:60]}", "instruction": comment.text,
                "leader_id": comment.author_id}
    return {"source": "leader_instruction" if task is None else "lagging_task", "title": "", "reason": ""}


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """GET: the form. POST with only ?task=<id> (the “发起督办” button of a lagging task): the case
    from the task's assessment. POST with the form's fields: a case from an instruction or a problem."""
    require(is_office(request.user), "只有督查室可以立项督办件")
    origin = _origin(request)
    if request.method == "POST" and "source" not in request.POST:
        if origin["task"] is None:
            raise InvalidInput("请指明要督办的任务")
        case = open_case_for_lagging_task(request.user, origin["task"], today())
        return done(request, f"已立项督办件{case.number}", case.path())
    if origin["task"] is not None and origin["problem"] is None and origin["comment"] is None:
        return _lagging_form(request, origin["task"])
    values = _defaults(origin)
    error = ""
    if request.method == "POST":
        values = {k: text_of(request, k) for k in ("source", "title", "reason", "instruction")}
        values["leader_id"] = int_of(request.POST, "leader")
        leader = next((u for u in leaders() if u.pk == values["leader_id"]), None)
        instruction = origin["comment"] if origin["comment"] is not None and values["source"] == "leader_instruction" \
            else values["instruction"]
        try:
            case = open_case(request.user, title=values["title"], source=values["source"], task=origin["task"],
                             problem=origin["problem"], instruction=instruction, instructed_by=leader,
                             reason=values["reason"], today=today())
        except DubanError as e:
            if e.code == "forbidden":
                raise
            error = e.message
        else:
            return done(request, f"已立项督办件{case.number}", case.path())
    return render(request, "web/supervision/case_new.html", {
        **origin, "values": values, "error": error, "sources": rules.CASE_SOURCES.items(), "leaders": leaders(),
    }, status=400 if error else 200)
