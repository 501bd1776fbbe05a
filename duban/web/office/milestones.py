"""The office marks a milestone done on the task page (a date and the evidence it rests on), or takes
a completion back with a reason. Each is the ledger's one action (`corrections.complete_milestone`,
`corrections.reopen_milestone`): permission, validation, audit entry, reassessment."""
from __future__ import annotations

from datetime import date

from django import template
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from duban.errors import DubanError
from duban.ledger import corrections as C
from duban.ledger.models import Milestone
from duban.people.roles import can_manage
from duban.web.office.access import today

register = template.Library()  # loaded as `duban_milestones` (see duban/web/templatetags)


def _back(m: Milestone):
    return redirect(reverse("office:task", args=[m.task_id]) + f"#milestone-{m.pk}")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def mark_done(request, pk: int):
    m = get_object_or_404(Milestone.objects.select_related("task__plan"), pk=pk)
    done_on = _date(request.POST.get("done_on", ""))
    try:
        if done_on is None:
            raise DubanError("完成日期应写作 YYYY-MM-DD", code="invalid")
        C.complete_milestone(request.user, m, done_on=done_on, evidence=request.POST.get("evidence", ""),
                             today=today())
    except DubanError as e:
        if e.code in ("forbidden", "not_found"):
            raise
        messages.error(request, f"未能标记完成:{e.message}")
    else:
        messages.success(request, f"时间节点“{m.text[:30]}”已标记为完成({done_on:%Y-%m-%d})")
    return _back(m)


@login_required
@require_POST
def reopen(request, pk: int):
    m = get_object_or_404(Milestone.objects.select_related("task__plan"), pk=pk)
    try:
        C.reopen_milestone(request.user, m, reason=request.POST.get("reason", ""), today=today())
    except DubanError as e:
        if e.code in ("forbidden", "not_found"):
            raise
        messages.error(request, f"未能撤销完成:{e.message}")
    else:
        messages.success(request, f"时间节点“{m.text[:30]}”已撤销完成")
    return _back(m)


@register.inclusion_tag("web/office/milestones/_done_form.html", takes_context=True)
def milestone_done_form(context, milestone: Milestone) -> dict:
    """The office's mark-done (or take-back) form beside a milestone of the task page; nothing for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"m": milestone, "show": user is not None and can_manage(user), "today": today(),
            "csrf_token": context.get("csrf_token")}
