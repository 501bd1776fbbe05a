"""督办件: open, assign, acknowledge, start, feed back, review, close, comment — one action each.

Every action checks the actor may do it, validates, writes in one transaction (the case, a
CaseEvent, an audit entry and the notifications), and raises a DubanError with a Chinese message
otherwise: `Forbidden` for a wrong actor, code "invalid_transition" for a step the flow does not
allow, "invalid" for bad input, "conflict" when someone else moved the case meanwhile. The date is a
parameter (`today`): nothing here reads the clock. The `case` passed in is refreshed in place.
"""
from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from duban.assess import Status
from duban.core.audit import record
from duban.errors import Conflict, DubanError, InvalidInput
from duban.ledger.models import Comment, Task, Unit
from duban.ledger.units import get_unit
from duban.people.models import Role
from duban.people.roles import can_comment, require, role_of
from duban.supervision import rules
from duban.supervision.models import Case, CaseEvent, Notification, Problem
from duban.supervision.services.access import is_lead_reporter, is_office, name_of, office_users, unit_reporters
from duban.supervision.services.files import check_files, discard, store_files
from duban.supervision.services.notify import notify
from duban.supervision.suggest import case_title, lagging_indicator

MAX_TITLE = 300
MAX_TEXT = 5000
Kind = Notification.Kind


# ---------------------------------------------------------------- queries


def get_case(number: str) -> Case:
    case = Case.objects.select_related("lead_unit", "task").filter(number=(number or "").strip()).first()
    if case is None:
        raise DubanError(f"找不到督办件“{number}”", code="not_found")
    return case


def cases_for_unit(unit: Unit, *, open_only: bool = False):
    """Cases the unit leads or helps on (协办), newest first."""
    cases = Case.objects.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()
    return cases.filter(state__in=rules.OPEN_STATES) if open_only else cases


def cases_for_leader(user, *, open_only: bool = False):
    """Cases escalated to the leaders (a red urge) or opened on this leader's instruction."""
    cases = Case.objects.filter(Q(urges__escalated_to_leaders=True) | Q(instructed_by=user)).distinct()
    return cases.filter(state__in=rules.OPEN_STATES) if open_only else cases


OFFICE_ACTIONS = frozenset({"assign", "accept", "return", "close"})
LEAD_ACTIONS = frozenset({"acknowledge", "start", "feedback"})


def actions_for(user, case: Case) -> list[str]:
    """What `user` may do with the case now (for pages to offer the right buttons): the flow's
    actions allowed from its state that this user's role performs, plus "comment"."""
    mine = (OFFICE_ACTIONS if is_office(user) else frozenset()) | \
        (LEAD_ACTIONS if is_lead_reporter(user, case) else frozenset())
    out = [a for a in rules.case_actions(case.state) if a in mine]
    return out + (["comment"] if can_comment(user) else [])


def case_history(case: Case) -> list[CaseEvent]:
    """Every step of the case in order, each with its files (feedback evidence)."""
    return list(case.events.select_related("actor").prefetch_related("files").order_by("id"))

# ---------------------------------------------------------------- 立项


def open_case(actor, *, title: str, source: str, task: Task | None = None, problem: Problem | None = None,
              instruction: Comment | str | None = None, instructed_by=None, reason: str = "", today: date) -> Case:
    """立项 (office). `source` is one of lagging_task / leader_instruction / problem / public_clue;
    a lagging-task case names its task, a leader's instruction its text (a ledger 批示 Comment or plain
    text with `instructed_by`, a leader), a problem or public-clue case its problem. Numbered per year
    of `today`: 2024-001, 2024-002 …"""
    require(is_office(actor), "只有督查室可以立项督办件")
    title = (title or "").strip()
    reason = (reason or "").strip()
    if not title:
        raise InvalidInput("督办件标题不能为空")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"督办件标题不能超过{MAX_TITLE}字")
    if source not in rules.CASE_SOURCES:
        raise InvalidInput(f"未知的督办来源“{source}”,可用:" + "、".join(f"{k}({v})" for k, v in rules.CASE_SOURCES.items()))
    comment = instruction if isinstance(instruction, Comment) else None
    text = comment.text if comment else (instruction or "").strip()
    if comment is not None:
        instructed_by = instructed_by or comment.author
        task = task or comment.task
    if problem is not None and task is None:
        task = problem.task
    _check_source(source, task, problem, text, instructed_by)
    with transaction.atomic():
        case = _create_numbered(year=today.year, title=title, source=source, reason=reason, task=task,
                                problem=problem, instruction=text, instruction_comment=comment,
                                instructed_by=instructed_by, opened_by=actor, opened_on=today)
        _event(case, actor, "open", today, "", "opened", reason)
        record(actor, "", "case.open", case, task=task,
               after={"number": case.number, "title": title, "source": source, "reason": reason,
                      "task": task.pk if task else None, "problem": problem.pk if problem else None},
               summary=f"督办件{case.number}立项:{title}")
        if comment is not None:
            from duban.supervision.services.instructions import note_case_opened

            note_case_opened(comment, case, actor, today)
    return case


def _check_source(source, task, problem, instruction_text, instructed_by) -> None:
    if source == "lagging_task" and task is None:
        raise InvalidInput("因任务滞后立项的督办件须指明任务")
    if source == "leader_instruction" and not instruction_text:
        raise InvalidInput("因领导批示立项的督办件须写明批示内容")
    if source in ("problem", "public_clue") and problem is None:
        raise InvalidInput("因问题或群众线索立项的督办件须指明问题")
    if source == "public_clue" and problem.source != "public":
        raise InvalidInput("该问题不是群众线索,来源请选“问题线索”")
    if instructed_by is not None and role_of(instructed_by) != Role.LEADER:
        raise InvalidInput(f"批示人“{name_of(instructed_by)}”不是领导账号")


def _create_numbered(*, year: int, **fields) -> Case:
    """The next number of the year; two offices opening at once both get one (a retry on the
    unique (year, seq) constraint)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                seq = (Case.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0) + 1
                return Case.objects.create(year=year, seq=seq, number=f"{year}-{seq:03d}", **fields)
        except IntegrityError:
            if attempt == 4:
                raise Conflict("督办件编号冲突,请重试") from None
    raise AssertionError("unreachable")


def open_case_for_lagging_task(actor, task: Task, today: date, *, title: str | None = None) -> Case:
    """立项 for a task the assessment judged lagging (滞后, 未开始, 严重滞后 or 逾期): the title names
    the indicator that lags most (the office may give its own), the reason comes from the task's
    stored assessment. Refused when the task is not lagging or already has an unfinished
    lagging-task case."""
    require(is_office(actor), "只有督查室可以立项督办件")
    try:
        status = Status.parse(task.status) if task.status else None
    except DubanError:
        status = None
    if status is None or status.severity < Status.BEHIND.severity:
        raise DubanError(f"第{task.number}项当前评估为“{task.status or '未评估'}”,不是滞后任务", code="not_lagging")
    existing = Case.objects.filter(task=task, source="lagging_task", state__in=rules.OPEN_STATES).first()
    if existing is not None:
        raise DubanError(f"第{task.number}项已有未办结的滞后督办件{existing.number}", code="exists")
    when = f"(评估日期:{task.assessed_on:%Y-%m-%d})" if task.assessed_on else ""
    if title is None:
        title = case_title(task, lagging_indicator(task, task.assessed_on or today))
    return open_case(actor, title=title, source="lagging_task", task=task, reason=f"{task.status_reason}{when}",
                     today=today)


def open_lagging_case(actor, task: Task, *, title: str, lead_unit: Unit | str, co_units=(), deadline: date,
                      today: date, note: str = "") -> Case:
    """立项 and 交办 in one step, from the form the office edits (title, lead unit, co-units, deadline):
    all or nothing."""
    with transaction.atomic():
        case = open_case_for_lagging_task(actor, task, today, title=title)
        return assign_case(actor, case, lead_unit=lead_unit, co_units=co_units, deadline=deadline, today=today,
                           note=note)

# ---------------------------------------------------------------- 交办


def assign_case(actor, case: Case, *, lead_unit: Unit | str, co_units=(), deadline: date, today: date,
                note: str = "") -> Case:
    """交办 (office): a lead unit, co-units and a feedback deadline (not before today). May be
    repeated before the lead unit signs for it, to correct the unit or the deadline."""
    require(is_office(actor), "只有督查室可以交办督办件")
    lead = lead_unit if isinstance(lead_unit, Unit) else get_unit(lead_unit)
    co = list({u.pk: u for u in (c if isinstance(c, Unit) else get_unit(c) for c in co_units or ())}.values())
    if any(u.pk == lead.pk for u in co):
        raise InvalidInput(f"{lead.name}已是牵头单位,不能同时为协办单位")
    if not isinstance(deadline, date):
        raise InvalidInput("请填写反馈期限")
    if deadline < today:
        raise InvalidInput(f"反馈期限({deadline:%Y-%m-%d})不能早于交办日期({today:%Y-%m-%d})")
    before = {"lead_unit": case.lead_unit.name if case.lead_unit_id else None,
              "deadline": case.deadline, "co_units": [u.name for u in case.co_units.all()]}
    after = {"lead_unit": lead.name, "deadline": deadline, "co_units": [u.name for u in co]}
    words = f"交办{lead.name}牵头" + (f",{'、'.join(u.name for u in co)}协办" if co else "") + \
        f",{deadline.month}月{deadline.day}日前反馈" + (f"。{note.strip()}" if note.strip() else "")
    with transaction.atomic():
        _move(actor, case, "assign", today, words, lead_unit=lead, deadline=deadline, assigned_on=today,
              before=before, after=after)
        case.co_units.set(co)
        notify(unit_reporters(lead), Kind.ASSIGNED, f"督办件{case.number}“{case.title}”已交办贵单位牵头办理,"
               f"请于{deadline:%Y-%m-%d}前反馈", link=case.path(), today=today)
        for unit in co:
            notify(unit_reporters(unit), Kind.ASSIGNED, f"督办件{case.number}“{case.title}”由{lead.name}牵头,"
                   f"贵单位协办", link=case.path(), today=today)
    return case

# ---------------------------------------------------------------- the lead unit's steps


def acknowledge_case(actor, case: Case, *, today: date, note: str = "") -> Case:
    """签收 by a reporter of the lead unit."""
    _require_lead(actor, case, "签收")
    with transaction.atomic():
        _move(actor, case, "acknowledge", today, note.strip() or "已签收")
    return case


def start_case(actor, case: Case, *, today: date, note: str = "") -> Case:
    """开始办理 by a reporter of the lead unit."""
    _require_lead(actor, case, "办理")
    with transaction.atomic():
        _move(actor, case, "start", today, note.strip() or "开始办理")
    return case


def submit_feedback(actor, case: Case, text: str, files=(), *, today: date) -> Case:
    """反馈 by a reporter of the lead unit: what was done, with evidence files (at most 10, 20 MB
    each; pdf, images, office documents, txt, zip)."""
    _require_lead(actor, case, "反馈")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写办理情况")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"办理情况不能超过{MAX_TEXT}字(现有{len(text)}字)")
    uploads = check_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            event = _move(actor, case, "feedback", today, text, feedback_text=text, feedback_on=today,
                          after={"feedback": text})
            saved = store_files(case, event, uploads, stored)
            if saved:
                record(actor, "", "case.files", case, task=case.task,
                       after={"files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in saved]},
                       summary=f"督办件{case.number}反馈附佐证材料{len(saved)}个")
            notify(office_users(), Kind.FEEDBACK, f"{case.lead_unit.name}已反馈督办件{case.number}“{case.title}”,"
                   f"请复核", link=case.path(), today=today)
    except BaseException:
        discard(stored)
        raise
    return case


def _require_lead(actor, case: Case, verb: str) -> None:
    unit = case.lead_unit.name if case.lead_unit_id else "牵头单位"
    require(is_lead_reporter(actor, case), f"只有{unit}的填报员可以{verb}督办件{case.number}")

# ---------------------------------------------------------------- 复核, 办结


def review_feedback(actor, case: Case, accept: bool, reason: str = "", *, today: date,
                    deadline: date | None = None) -> Case:
    """复核 (office): accept the feedback, or return it with a reason (back to 办理; optionally with
    a new feedback deadline)."""
    require(is_office(actor), "只有督查室可以复核督办件")
    reason = (reason or "").strip()
    if accept:
        with transaction.atomic():
            _move(actor, case, "accept", today, reason or "复核通过")
        return case
    if not reason:
        raise InvalidInput("退回时须写明理由")
    if deadline is not None and deadline < today:
        raise InvalidInput("新的反馈期限不能早于今天")
    extra = {"deadline": deadline} if deadline is not None else {}
    note = reason + (f"(反馈期限调整为{deadline:%Y-%m-%d})" if deadline else "")
    with transaction.atomic():
        _move(actor, case, "return", today, note, return_reason=reason, after={"reason": reason}, **extra)
        notify(unit_reporters(case.lead_unit), Kind.RETURNED, f"督办件{case.number}的反馈被退回:{reason}",
               link=case.path(), today=today)
    return case


def close_case(actor, case: Case, *, today: date, note: str = "") -> Case:
    """办结销号 (office), after the feedback was accepted."""
    require(is_office(actor), "只有督查室可以办结督办件")
    with transaction.atomic():
        _move(actor, case, "close", today, note.strip() or "办结销号", closed_on=today)
        notify(unit_reporters(case.lead_unit), Kind.CLOSED, f"督办件{case.number}“{case.title}”已办结销号",
               link=case.path(), today=today)
    return case


def comment_on_case(actor, case: Case, text: str, *, today: date) -> CaseEvent:
    """A leader's (or the office's) comment on a case: a CaseEvent of kind comment; the lead unit's
    reporters are told."""
    require(can_comment(actor), "只有领导和督查室可以对督办件发表意见")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("意见内容不能为空")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"意见不能超过{MAX_TEXT}字")
    with transaction.atomic():
        event = _event(case, actor, "comment", today, case.state, case.state, text, kind=CaseEvent.Kind.COMMENT)
        record(actor, "", "case.comment", case, task=case.task, after={"text": text},
               summary=f"督办件{case.number} 意见:{text[:60]}")
        if case.lead_unit_id:
            notify(unit_reporters(case.lead_unit), Kind.COMMENT, f"{name_of(actor)}对督办件{case.number}的意见:{text}",
                   link=case.path(), today=today)
    return event

# ---------------------------------------------------------------- the one way a case changes state


def _move(actor, case: Case, action: str, today: date, note: str, *, before: dict | None = None,
          after: dict | None = None, **fields) -> CaseEvent:
    """Apply `action` to the case as stored now: the rule decides the new state, a conditional
    update makes sure nobody moved it meanwhile, a CaseEvent and an audit entry record the step."""
    current = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first()
    if current is None:
        raise DubanError(f"督办件{case.number}已不存在", code="not_found")
    to = rules.case_step(current, action)
    if not Case.objects.filter(pk=case.pk, state=current).update(state=to, **fields):
        raise Conflict(f"督办件{case.number}刚被他人处理,请刷新后重试")
    case.refresh_from_db()
    event = _event(case, actor, action, today, current, to, note)
    verb = rules.CASE_FLOW[action][2]
    record(actor, "", f"case.{action}", case, task=case.task,
           before={"state": current, **(before or {})}, after={"state": to, **(after or {})},
           summary=f"督办件{case.number} {verb}:{rules.CASE_STATES[current]}→{rules.CASE_STATES[to]}"
                   + (f"。{note[:60]}" if note else ""))
    return event


def _event(case: Case, actor, action: str, today: date, from_state: str, to_state: str, note: str = "", *,
           kind: str = CaseEvent.Kind.TRANSITION) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, action=action,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    actor_name=name_of(actor), on=today, from_state=from_state,
                                    to_state=to_state, note=note)
