"""领导批示 as a workflow: a leader's 批示 on a task reaches the office and the task's units; the office
turns it into a case (立项 and 交办 in one step) or records how it was handled; the leader is told
what became of it and sees it on the task and in the list of their 批示.

The 批示 itself is a ledger Comment of kind instruction (`duban.ledger.comments.add_comment`, leaders
only); its fate is an InstructionOutcome. A 批示 without one is 待落实."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from duban.core.audit import record
from duban.errors import DubanError, InvalidInput
from duban.ledger.models import Comment, Unit
from duban.people.roles import require
from duban.supervision.models import Case, InstructionOutcome, Notification
from duban.supervision.services.access import is_office, office_users, unit_reporters
from duban.supervision.services.notify import notify

Kind = Notification.Kind
MAX_NOTE = 2000


def instructions():
    return (Comment.objects.filter(kind=Comment.Kind.INSTRUCTION)
            .select_related("task__plan", "author__profile", "outcome__case", "outcome__handled_by__profile"))


def pending_instructions():
    """批示 the office has neither opened a case on nor recorded as handled, oldest first."""
    return instructions().filter(outcome__isnull=True, cases__isnull=True).order_by("created_at")


def instructions_by(leader):
    """A leader's own 批示, newest first, each with what became of it."""
    return instructions().filter(author=leader).order_by("-created_at")


def get_instruction(pk) -> Comment:
    comment = instructions().filter(pk=pk).first()
    if comment is None:
        raise DubanError("找不到该领导批示", code="not_found")
    return comment


def _require_pending(comment: Comment) -> None:
    if comment.kind != Comment.Kind.INSTRUCTION:
        raise InvalidInput("这条记录是意见,不是领导批示")
    if InstructionOutcome.objects.filter(comment=comment).exists():
        raise DubanError("该批示已经落实(已立项或已记录办理情况)", code="conflict")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def note_case_opened(comment: Comment, case: Case, actor, today: date) -> None:
    """A case was opened on the 批示 (from the one-step form or the case form): its outcome, and the
    leader told. Called inside open_case's transaction."""
    if InstructionOutcome.objects.filter(comment=comment).exists():
        return
    InstructionOutcome.objects.create(comment=comment, way=InstructionOutcome.Way.CASE, case=case,
                                      handled_by=actor, handled_on=today)
    notify([comment.author], Kind.INSTRUCTION_DONE,
           f"您对第{comment.task.number}项的批示“{_short(comment.text)}”已立项督办(督办件{case.number})",
           link=case.path(), today=today)


def instruction_to_case(actor, comment: Comment, *, title: str, lead_unit: Unit | str, co_units=(),
                        deadline: date, today: date) -> Case:
    """立项 and 交办 in one step: a case on the 批示, assigned at once to `lead_unit` with a deadline."""
    from duban.supervision.services.cases import assign_case, open_case

    require(is_office(actor), "只有督查室可以将批示立项督办")
    _require_pending(comment)
    with transaction.atomic():
        case = open_case(actor, title=title, source="leader_instruction", instruction=comment, today=today,
                         reason=f"领导批示:{comment.text}")
        assign_case(actor, case, lead_unit=lead_unit, co_units=co_units, deadline=deadline, today=today)
    return case


def record_handling(actor, comment: Comment, note: str, *, today: date) -> InstructionOutcome:
    """The office records how a 批示 was handled without a case (已落实, with how)."""
    require(is_office(actor), "只有督查室可以记录批示落实情况")
    _require_pending(comment)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请写明批示的落实情况")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"落实情况不能超过{MAX_NOTE}字")
    with transaction.atomic():
        outcome = InstructionOutcome.objects.create(comment=comment, way=InstructionOutcome.Way.HANDLED, note=note,
                                                    handled_by=actor, handled_on=today)
        record(actor, "", "instruction.handle", comment, task=comment.task, after={"note": note},
               summary=f"第{comment.task.number}项 领导批示已落实:{note[:60]}")
        notify([comment.author], Kind.INSTRUCTION_DONE,
               f"您对第{comment.task.number}项的批示“{_short(comment.text)}”已落实:{note[:200]}",
               link=f"/tasks/{comment.task_id}/#comments", today=today)
    return outcome


def announce(comment: Comment, today: date) -> None:
    """A new 批示 reaches the office and every unit of its task (the reporters of each)."""
    task = comment.task
    text = f"领导批示 第{task.number}项“{_short(task.title or task.content)}”:{comment.text[:300]}"
    notify(office_users(), Kind.INSTRUCTION, text, link="/instructions/", today=today)
    units = {r.unit_id: r.unit for r in task.responsibilities.select_related("unit")}
    notify([u for unit in units.values() for u in unit_reporters(unit)], Kind.INSTRUCTION, text,
           link=f"/tasks/{task.pk}/", today=today)
