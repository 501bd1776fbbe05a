"""Units hear what concerns them. The ledger and the accounts send signals (duban.ledger.signals,
duban.people.signals) without knowing the supervision; these receivers, connected when the app is
ready, write the notifications inside the sender's transaction:

- a 批示 on a task → the office and the reporters of every unit of the task;
- a progress report approved or returned → every current reporter of the submitter's unit (the
  submitter among them), with the reason of a return;
- a reporter joining a unit (a new account, a move, re-enabled) → one notification per open case of
  the unit, so a later member learns of the cases assigned before they came."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from duban.ledger.models import Comment
from duban.people.roles import unit_of
from duban.supervision import rules
from duban.supervision.models import Case, Notification
from duban.supervision.services.access import unit_reporters
from duban.supervision.services.notify import notify

Kind = Notification.Kind


def on_comment_added(sender, comment: Comment, **kwargs) -> None:
    if comment.kind == Comment.Kind.INSTRUCTION:
        from duban.supervision.services.instructions import announce

        announce(comment, timezone.localdate(comment.created_at))


def on_report_reviewed(sender, report, actor, approved: bool, reason: str, today, **kwargs) -> None:
    submitter = report.submitted_by
    unit = unit_of(submitter) if submitter is not None else None
    people = unit_reporters(unit) if unit is not None else []
    if submitter is not None and submitter.is_active and all(p.pk != submitter.pk for p in people):
        people.append(submitter)
    task = report.task
    if approved:
        text = f"第{task.number}项截至{report.as_of:%Y-%m-%d}的进展已审核通过"
        kind, link = Kind.REPORT_APPROVED, f"/tasks/{task.pk}/"
    else:
        text = f"第{task.number}项截至{report.as_of:%Y-%m-%d}的进展被退回,退回理由:{reason}。请修改后重新提交"
        kind, link = Kind.REPORT_RETURNED, f"/unit/reports/{report.pk}/revise/"
    notify(people, kind, text, link=link, today=today)


def open_cases_of(unit):
    """The cases a unit leads or helps on that are assigned and not closed, by deadline."""
    return (Case.objects.filter(Q(lead_unit=unit) | Q(co_units=unit), state__in=rules.OPEN_STATES - {"opened"})
            .distinct().order_by("deadline", "number"))


def on_member_joined(sender, user, unit, **kwargs) -> None:
    if unit is None:
        return
    today = timezone.localdate()
    for case in open_cases_of(unit):
        role = "牵头" if case.lead_unit_id == unit.pk else "协办"
        due = f",反馈期限{case.deadline:%Y-%m-%d}" if case.deadline else ""
        notify([user], Kind.UNIT_CASE, f"本单位{role}的督办件{case.number}“{case.title}”正在办理"
               f"({rules.CASE_STATES[case.state]}{due})", link=case.path(), today=today)


def connect() -> None:
    from duban.ledger.signals import comment_added, report_reviewed
    from duban.people.signals import member_joined

    comment_added.connect(on_comment_added, dispatch_uid="duban.supervision.comment_added")
    report_reviewed.connect(on_report_reviewed, dispatch_uid="duban.supervision.report_reviewed")
    member_joined.connect(on_member_joined, dispatch_uid="duban.supervision.member_joined")
