"""群众线索: the public reports a problem on a task from the portal and follows it by a tracking code.

The view's part (no outside service is needed):
1. render the form with `clue_form_token(now)` in a hidden field, plus a honeypot field that must
   stay empty (hidden by CSS; robots fill it);
2. on submit, refuse a filled honeypot, call `check_clue_token(token, now)` (refuses a form sent
   less than 3 seconds after it was made, or more than 2 hours after, or tampered with), then
   `submit_public_clue(task, text, contact, ip=…, now=now)`, and show the returned clue's `code`;
3. `clue_status(code)` answers the public lookup page.

The service limits each address to 3 clues an hour and 10 a day; it stores a keyed hash of the
address (HMAC with the installation's secret), never the address.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from duban.errors import BadToken, DubanError, InvalidInput, RateLimited
from duban.ledger.models import Task
from duban.supervision import rules
from duban.supervision.models import Clue
from duban.supervision.rules import POLICY, SupervisionPolicy
from duban.supervision.services.problems import create_public_problem

TOKEN_SALT = "duban.supervision.clue-form"
MAX_CONTACT = 100


# ---------------------------------------------------------------- the form token


def clue_form_token(now: datetime) -> str:
    """A signed token carrying the time the form was made (and a nonce, so no two are alike)."""
    return signing.dumps({"t": _epoch(now), "n": secrets.token_hex(4)}, salt=TOKEN_SALT, compress=False)


def check_clue_token(token: str, now: datetime, policy: SupervisionPolicy = POLICY) -> None:
    """Refuse a tampered token, a form sent too fast (< 3 s: a robot) or too late (> 2 h)."""
    try:
        made = float(signing.loads(token or "", salt=TOKEN_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadToken("表单无效,请刷新页面后重新填写") from None
    elapsed = _epoch(now) - made
    if elapsed < policy.clue_min_seconds:
        raise BadToken("提交过快,请稍候再提交", code="too_fast")
    if elapsed > policy.clue_max_seconds:
        raise BadToken("表单已过期,请刷新页面后重新填写", code="expired")


def _epoch(now: datetime) -> float:
    return _aware(now).timestamp()


def _aware(now: datetime) -> datetime:
    return timezone.make_aware(now) if timezone.is_naive(now) else now

# ---------------------------------------------------------------- submitting


def hash_ip(ip: str) -> str:
    """A keyed hash of an address: the same address gives the same hash on this installation, and
    the hash cannot be turned back into the address by trying all of them without the secret."""
    return salted_hmac("duban.supervision.clue-ip", (ip or "").strip(), algorithm="sha256").hexdigest()


def submit_public_clue(task: Task, text: str, contact: str = "", *, ip: str, now: datetime,
                       policy: SupervisionPolicy = POLICY) -> Clue:
    """A clue from the public on `task`: checked, rate-limited per address, stored with a public
    tracking code; it opens a Problem (source public) and tells the office. Returns the Clue
    (show `clue.code` to the sender)."""
    text = (text or "").strip()
    problems = rules.clue_text_problems(text, policy)
    if problems:
        raise InvalidInput(";".join(problems))
    contact = (contact or "").strip()
    if len(contact) > MAX_CONTACT:
        raise InvalidInput(f"联系方式不能超过{MAX_CONTACT}字")
    now = _aware(now)
    digest = hash_ip(ip)
    with transaction.atomic():
        _check_rate(digest, now, policy)
        problem = create_public_problem(task, text, today=timezone.localdate(now))
        return _store(task, problem, text, contact, digest, now)


def _check_rate(digest: str, now: datetime, policy: SupervisionPolicy) -> None:
    mine = Clue.objects.filter(ip_hash=digest, submitted_at__lte=now)
    if mine.filter(submitted_at__gt=now - timedelta(hours=1)).count() >= policy.clues_per_hour:
        raise RateLimited(f"提交过于频繁:每小时最多{policy.clues_per_hour}条,请稍后再试")
    if mine.filter(submitted_at__gt=now - timedelta(days=1)).count() >= policy.clues_per_day:
        raise RateLimited(f"今日提交已达上限({policy.clues_per_day}条),请明天再试")


def _store(task, problem, text, contact, digest, now) -> Clue:
    for _ in range(5):  # a code already given out (vanishingly rare): draw another
        try:
            with transaction.atomic():
                return Clue.objects.create(code=rules.new_tracking_code(), task=task, problem=problem, text=text,
                                           contact=contact, ip_hash=digest, submitted_at=now)
        except IntegrityError:
            continue
    raise DubanError("查询码生成失败,请重试", code="conflict")

# ---------------------------------------------------------------- the public lookup


@dataclass(frozen=True)
class ClueStep:
    on: date
    state: str  # in Chinese


@dataclass(frozen=True)
class ClueStatus:
    code: str
    task: str  # “第14项 …”
    submitted_on: date
    state: str  # the problem's state, in Chinese
    finished: bool
    steps: tuple[ClueStep, ...]  # dates and states only: no internal notes, names or contact
    answer: str = ""  # the reply to the citizen, once the office has closed the clue (办结 or 不予受理)


def clue_status(code: str) -> ClueStatus:
    """The public handling status of a clue by its tracking code (typed loosely: case and dashes do
    not matter). Shows states and dates only, never notes, names or the sender's contact."""
    normal = rules.normalize_tracking_code(code)
    clue = Clue.objects.select_related("problem", "task").filter(code=normal).first() if normal else None
    if clue is None:
        raise DubanError("未找到该查询码对应的线索,请核对后重试", code="not_found")
    problem = clue.problem
    steps = tuple(ClueStep(e.on, rules.PROBLEM_STATES.get(e.to_state, e.to_state))
                  for e in problem.events.order_by("id") if e.to_state)
    task = clue.task
    label = f"第{task.number}项 {task.title or task.content[:30]}" if task else "(任务已撤销)"
    return ClueStatus(code=clue.code, task=label, submitted_on=timezone.localdate(clue.submitted_at),
                      state=rules.PROBLEM_STATES[problem.state],
                      finished=problem.state in ("confirmed", "dismissed"), steps=steps,
                      answer=_answer(problem))


def _answer(problem) -> str:
    """What the citizen is told: the resolution the office confirmed, or its reason for 不予受理. Nothing
    before the office has closed the clue — a unit's resolution is not public until the office accepts it."""
    if problem.state == "confirmed":
        return problem.resolution
    if problem.state == "dismissed":
        event = problem.events.filter(to_state="dismissed").order_by("-id").first()
        return event.note if event else ""
    return ""

