"""调整 / 延期申请 pages: a lead unit's reporter asks to change a target or a due date; the office
approves or rejects; the list and one request."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from duban.assess_format import fmt_number
from duban.errors import DubanError, InvalidInput
from duban.ledger.models import Indicator, Milestone
from duban.people.models import Role
from duban.people.roles import can_view_task, require, role_of, sees_everything, unit_of
from duban.supervision.models import ChangeRequest
from duban.supervision.services import decide_change, get_change, request_change
from duban.supervision.services.access import is_office
from duban.web.supervision.common import date_of, done, int_of, page_of, paging_query, text_of, today

State = ChangeRequest.State


@login_required
def change_list(request):
    user = request.user
    if sees_everything(user):
        rows = ChangeRequest.objects.all()
    elif role_of(user) == Role.REPORTER and unit_of(user) is not None:
        rows = ChangeRequest.objects.filter(unit=unit_of(user))
    else:
        raise PermissionDenied
    state = (request.GET.get("state") or "").strip()
    if state in State.values:
        rows = rows.filter(state=state)
    rows = rows.select_related("task__plan", "unit", "indicator", "requested_by").order_by("-requested_on", "-id")
    return render(request, "web/supervision/change_list.html", {
        "page": page_of(request, rows), "paging_query": paging_query(request), "states": State.choices,
        "state": state,
        "pending": ChangeRequest.objects.filter(state=State.PENDING).count() if is_office(user) else None,
    })


def _subject(request):
    """The indicator (?indicator=) or milestone (?milestone=) a request is about."""
    ind_id, ms_id = int_of(request.GET, "indicator"), int_of(request.GET, "milestone")
    indicator = Indicator.objects.select_related("task__plan").filter(pk=ind_id).first() if ind_id else None
    milestone = Milestone.objects.select_related("task__plan").filter(pk=ms_id).first() if ms_id else None
    if (indicator is None) == (milestone is None):
        raise InvalidInput("请从任务页面选择要调整的一个指标或一个时间节点")
    return indicator, milestone


@login_required
@require_http_methods(["GET", "POST"])
def change_new(request):
    indicator, milestone = _subject(request)
    task = (indicator or milestone).task
    require(can_view_task(request.user, task), "只能对本单位负责的任务申请调整")
    values, error = {"new_value": "", "new_due": "", "reason": ""}, ""
    if request.method == "POST":
        values = {k: text_of(request, k) for k in values}
        try:
            if indicator is not None:
                row = request_change(request.user, indicator=indicator, new_value=values["new_value"],
                                     reason=values["reason"], today=today())
            else:
                row = request_change(request.user, milestone=milestone, new_due=date_of(request, "new_due", "新的截止日期"),
                                     reason=values["reason"], today=today())
        except DubanError as e:
            if e.code == "forbidden":
                raise
            error = e.message
        else:
            return done(request, "调整申请已提交,等待督查室审核", row.path())
    current = (fmt_number(indicator.target, indicator.unit) if indicator is not None
               else (f"{milestone.due:%Y-%m-%d}" if milestone.due else "未定"))
    return render(request, "web/supervision/change_new.html", {
        "task": task, "indicator": indicator, "milestone": milestone, "current": current, "values": values,
        "error": error}, status=400 if error else 200)


def _viewable(request, pk: int) -> ChangeRequest:
    row = get_change(pk)
    require(sees_everything(request.user) or can_view_task(request.user, row.task), "没有权限查看该调整申请")
    return row


@login_required
def change_detail(request, pk: int):
    row = _viewable(request, pk)
    return render(request, "web/supervision/change_detail.html", {
        "change": row, "may_decide": is_office(request.user) and row.state == State.PENDING})


@login_required
@require_POST
def change_decide(request, pk: int):
    row = _viewable(request, pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise InvalidInput("请选择批准或驳回")
    decide_change(request.user, row, approve=decision == "approve", reason=text_of(request, "reason"), today=today())
    verb = "批准" if decision == "approve" else "驳回"
    return done(request, f"已{verb}该调整申请", row.path())
