"""领导批示 pages: the office's 待落实 list (turn one into a case in one step, or record how it was
handled) and what has become of the rest; a leader's own 批示 with their outcome."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from duban.ledger.models import Unit
from duban.people.models import Role
from duban.people.roles import role_of
from duban.supervision.services.instructions import (
    get_instruction,
    instruction_to_case,
    instructions,
    instructions_by,
    pending_instructions,
    record_handling,
)
from duban.supervision.suggest import affinity, lagging_indicator, leads_of, likely_lead
from duban.web.supervision.common import date_of, done, page_of, paging_query, text_of, today, unit_of_field

DEFAULT_DAYS = 15  # the feedback deadline offered for a case on a 批示


def _lead_of(comment):
    """The lead unit the 批示 most likely concerns: the one named by its words or by the part that lags."""
    task = comment.task
    indicator = lagging_indicator(task, task.assessed_on or today())
    return likely_lead(task, comment.text, "" if affinity_in(task, comment.text) else
                       (indicator.metric if indicator else ""))


def affinity_in(task, text: str) -> bool:
    """Whether the 批示's words name one of the task's lead units' fields."""
    scores = [affinity(u.name, text) for u in leads_of(task)]
    return bool(scores) and max(scores) > 0 and scores.count(max(scores)) == 1


@login_required
def instruction_list(request):
    role = role_of(request.user)
    if role not in (Role.OFFICE, Role.LEADER):
        raise PermissionDenied
    day = today()
    if role == Role.LEADER:
        page = page_of(request, instructions_by(request.user))
        return render(request, "web/supervision/instruction_list.html", {
            "leader_view": True, "page": page, "paging_query": paging_query(request)})
    pending = list(pending_instructions())
    for c in pending:
        c.suggested_lead = _lead_of(c)
        c.suggested_title = f"落实领导批示:第{c.task.number}项 {(c.task.title or c.task.content)[:40]}"
    handled = page_of(request, instructions().filter(outcome__isnull=False).order_by("-outcome__handled_on", "-id"))
    return render(request, "web/supervision/instruction_list.html", {
        "pending": pending, "page": handled, "paging_query": paging_query(request),
        "units": Unit.objects.order_by("kind", "name"), "deadline": day + timedelta(days=DEFAULT_DAYS)})


@login_required
@require_POST
def instruction_case(request, pk: int):
    comment = get_instruction(pk)
    case = instruction_to_case(request.user, comment, title=text_of(request, "title"),
                               lead_unit=unit_of_field(request, "lead_unit", "牵头单位"),
                               deadline=date_of(request, "deadline", "反馈期限"), today=today())
    return done(request, f"已立项并交办督办件{case.number}", case.path())


@login_required
@require_POST
def instruction_handle(request, pk: int):
    comment = get_instruction(pk)
    record_handling(request.user, comment, text_of(request, "note"), today=today())
    return done(request, "已记录批示落实情况", "/instructions/")
