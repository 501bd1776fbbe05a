"""问题: raised on a task, assigned to a coordinator, coordinated, resolved, confirmed by whoever
raised it (the office for a public clue's problem); or dismissed by the office. Each step is one
action with a ProblemEvent and an audit entry; the date is a parameter.

`problem_pressure(task, today)` is the hook for the assessment: an unresolved problem older than
30 days, or a repeated problem (≥ 2 on the task within 90 days), lifts the task's status to at
least 滞后. `apply_problem_pressure(results, as_of)` does it for a whole batch of assessments.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from django.db import models, transaction

from duban import assess as A
from duban.core.audit import record
from duban.errors import DubanError, InvalidInput
from duban.ledger.assessment import reassess
from duban.ledger.models import Task
from duban.people.models import Role
from duban.people.roles import can_view_task, require, role_of
from duban.supervision import rules
from duban.supervision.models import Notification, Problem, ProblemEvent
from duban.supervision.rules import POLICY, Pressure, ProblemFacts, SupervisionPolicy
from duban.supervision.services.access import is_office, name_of, office_users
from duban.supervision.services.cases import Conflict
from duban.supervision.services.notify import notify

MAX_TEXT = 2000
COORDINATOR_ROLES = (Role.OFFICE, Role.REPORTER, Role.REVIEWER)
Kind = Notification.Kind


def get_problem(pk) -> Problem:
    problem = Problem.objects.select_related("task", "raised_by", "coordinator").filter(pk=pk).first()
    if problem is None:
        raise DubanError(f"找不到问题{pk}", code="not_found")
    return problem


def problems_for_task(task: Task):
    return task.problems.all()


def problem_history(problem: Problem) -> list[ProblemEvent]:
    return list(problem.events.order_by("id"))

def problem_actions_for(user, problem: Problem) -> list[str]:
    """What `user` may do with the problem now (for pages to offer the right buttons)."""
    office = is_office(user)
    coordinator = office or (user is not None and problem.coordinator_id == getattr(user, "pk", None))
    confirmer = office if problem.source == "public" else (
        user is not None and problem.raised_by_id == getattr(user, "pk", None))
    may = {"assign": office, "dismiss": office, "coordinate": coordinator, "resolve": coordinator,
           "confirm": confirmer, "reopen": confirmer}
    return [a for a in rules.problem_actions(problem.state) if may[a]]

# ---------------------------------------------------------------- the steps


def raise_problem(actor, task: Task, text: str, *, today: date) -> Problem:
    """A problem found on a task, by anyone who may see the task; the office is told."""
    require(can_view_task(actor, task), "只能对本单位负责的任务反映问题")
    text = _text(text, "问题描述")
    with transaction.atomic():
        problem = Problem.objects.create(task=task, source="internal", text=text, raised_by=actor,
                                         raised_by_name=name_of(actor), found_on=today)
        _opened(problem, actor, today, text)
    return problem


def create_public_problem(task: Task, text: str, *, today: date) -> Problem:
    """The problem a public clue opens (called by `submit_public_clue`, inside its transaction)."""
    problem = Problem.objects.create(task=task, source="public", text=text, raised_by=None,
                                     raised_by_name="群众线索", found_on=today)
    _opened(problem, None, today, text)
    return problem


def _opened(problem: Problem, actor, today: date, text: str) -> None:
    ProblemEvent.objects.create(problem=problem, action="raise", actor=_user(actor), actor_name=problem.raised_by_name,
                                on=today, from_state="", to_state="found", note=text)
    task = problem.task
    record(actor, problem.raised_by_name, "problem.raise", problem, task=task,
           after={"text": text, "source": problem.source},
           summary=f"第{task.number}项 {rules.PROBLEM_SOURCES[problem.source]}:{text[:60]}")
    reassess([task.pk], today)  # a repeated problem lifts the task at once, on every page
    notify(office_users(), Kind.PROBLEM if problem.source == "internal" else Kind.CLUE,
           f"第{task.number}项有新{'问题' if problem.source == 'internal' else '群众线索'}:{text[:100]}",
           link=problem.path(), today=today)


def assign_problem(actor, problem: Problem, coordinator, *, today: date, note: str = "") -> Problem:
    """交办 (office) to a coordinator; may be repeated to hand it to someone else."""
    require(is_office(actor), "只有督查室可以交办问题")
    if coordinator is None or not coordinator.is_active or role_of(coordinator) not in COORDINATOR_ROLES:
        raise InvalidInput("协调人须为督查室、审核员或单位填报员的有效账号")
    words = f"交由{name_of(coordinator)}协调" + (f"。{note.strip()}" if note.strip() else "")
    with transaction.atomic():
        _move(actor, problem, "assign", today, words, coordinator=coordinator, assigned_on=today)
        notify([coordinator], Kind.PROBLEM, f"请协调解决第{problem.task.number if problem.task else '?'}项的问题:"
               f"{problem.text[:100]}", link=problem.path(), today=today)
    return problem


def coordinate_problem(actor, problem: Problem, note: str, *, today: date) -> Problem:
    """The coordinator (or the office) reports the coordination done."""
    _require_coordinator(actor, problem)
    with transaction.atomic():
        _move(actor, problem, "coordinate", today, _text(note, "协调情况"))
    return problem


def resolve_problem(actor, problem: Problem, resolution: str, *, today: date) -> Problem:
    """The coordinator (or the office) reports the problem solved; whoever raised it is asked to confirm."""
    _require_coordinator(actor, problem)
    resolution = _text(resolution, "解决情况")
    with transaction.atomic():
        _move(actor, problem, "resolve", today, resolution, resolution=resolution, resolved_on=today)
        confirmers = [problem.raised_by] if problem.source == "internal" else office_users()
        notify(confirmers, Kind.PROBLEM, f"您反映的问题已解决,请确认:{problem.text[:60]}", link=problem.path(),
               today=today)
    return problem


def confirm_problem(actor, problem: Problem, *, accept: bool = True, note: str = "", today: date) -> Problem:
    """反馈确认 by whoever raised it (the office for a public clue): accepted → confirmed; not
    accepted → back to the coordinator (a reason is required)."""
    if problem.source == "public":
        require(is_office(actor), "群众线索反映的问题由督查室确认")
    else:
        require(actor is not None and problem.raised_by_id == actor.pk, "只有问题的提出人可以确认")
    note = (note or "").strip()
    with transaction.atomic():
        if accept:
            _move(actor, problem, "confirm", today, note or "确认已解决", confirmed_on=today)
        else:
            if not note:
                raise InvalidInput("不认可解决情况时须写明理由")
            _move(actor, problem, "reopen", today, note, resolved_on=None)
            notify([problem.coordinator], Kind.PROBLEM, f"问题未获确认,请继续协调:{note}", link=problem.path(),
                   today=today)
    return problem


def dismiss_problem(actor, problem: Problem, reason: str, *, today: date) -> Problem:
    """不予受理 (office), with a reason: a clue that is not a problem of the task, a duplicate …"""
    require(is_office(actor), "只有督查室可以不予受理")
    with transaction.atomic():
        _move(actor, problem, "dismiss", today, _text(reason, "不予受理的理由"))
    return problem


def _require_coordinator(actor, problem: Problem) -> None:
    require(is_office(actor) or (actor is not None and problem.coordinator_id == actor.pk),
            "只有该问题的协调人或督查室可以处理")


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{what}不能超过{MAX_TEXT}字(现有{len(text)}字)")
    return text


def _plain(value):
    return str(value) if isinstance(value, models.Model) else value


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _move(actor, problem: Problem, action: str, today: date, note: str, **fields) -> ProblemEvent:
    current = Problem.objects.filter(pk=problem.pk).values_list("state", flat=True).first()
    if current is None:
        raise DubanError(f"问题{problem.pk}已不存在", code="not_found")
    to = rules.problem_step(current, action)
    if not Problem.objects.filter(pk=problem.pk, state=current).update(state=to, **fields):
        raise Conflict("该问题刚被他人处理,请刷新后重试")
    problem.refresh_from_db()
    event = ProblemEvent.objects.create(problem=problem, action=action, actor=_user(actor), actor_name=name_of(actor),
                                        on=today, from_state=current, to_state=to, note=note)
    verb = rules.PROBLEM_FLOW[action][2]
    record(actor, "", f"problem.{action}", problem, task=problem.task,
           before={"state": current},
           after={"state": to, "note": note, **{k: _plain(getattr(problem, k)) for k in fields}},
           summary=f"问题{problem.pk} {verb}:{rules.PROBLEM_STATES[current]}→{rules.PROBLEM_STATES[to]}")
    if problem.task_id is not None:  # resolved or dismissed: the pressure it put on the task is gone
        reassess([problem.task_id], today)
    return event

# ---------------------------------------------------------------- pressure on the assessment


def _facts(task_ids) -> dict[int, list[ProblemFacts]]:
    out: dict[int, list[ProblemFacts]] = defaultdict(list)
    for task_id, found_on, resolved_on in (Problem.objects.filter(task_id__in=task_ids).exclude(state="dismissed")
                                           .values_list("task_id", "found_on", "resolved_on")):
        out[task_id].append(ProblemFacts(found_on, resolved_on))
    return out


def task_pressure(task: Task, today: date, policy: SupervisionPolicy = POLICY) -> Pressure | None:
    """The problems' pressure on a task on `today`, with its reason, or None."""
    return rules.pressure(_facts([task.pk]).get(task.pk, []), today, policy)


def problem_pressure(task: Task, today: date, policy: SupervisionPolicy = POLICY) -> A.Status | None:
    """滞后 when the task's problems press it (see `rules.pressure`), else None; the assessment
    takes the more severe of this and its own judgement."""
    found = task_pressure(task, today, policy)
    return found.status if found else None


def apply_problem_pressure(results: dict[int, A.TaskAssessment], as_of: date,
                           policy: SupervisionPolicy = POLICY) -> dict[int, A.TaskAssessment]:
    """The assessments (keyed by task id) with problem pressure applied, in one query: a task judged
    better than 滞后 (but not 已完成) is lifted to 滞后 (colour at least yellow) and the reason says why."""
    facts = _facts(list(results))
    out = dict(results)
    for task_id, a in results.items():
        if a.status is A.Status.DONE:  # completion is a fact; a complaint about it is the office's case
            continue
        found = rules.pressure(facts.get(task_id, []), as_of, policy)
        lifted = rules.lift(a.status, found)
        if found is None or lifted is a.status:
            continue
        color = lifted.color if lifted.color.rank > a.color.rank else a.color
        out[task_id] = dataclasses.replace(a, status=lifted, color=color,
                                           reason=f"{a.reason};{found.reason},{lifted.value}")
    return out
