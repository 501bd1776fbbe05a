"""The supervision's rules, pure: no Django, no database, no clock.

- the state machines of a 督办件 (case) and of a 问题 (problem): which action leads from which state
  to which; an illegal step raises `DubanError(code="invalid_transition")`;
- 催办: `urgency(case, today, policy)` — yellow N days before the feedback deadline, red once passed;
- problem pressure: `pressure(problems, today, policy)` — an unresolved problem older than 30 days,
  or a repeated problem (≥ 2 on a task within 90 days), lifts a task's status at least to 滞后;
- what a public clue may say: `clue_text_problems(text)`;
- tracking codes for public clues.

Every date is a parameter, so `urgency(case, date(2024, 11, 30))` answers the same every time.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Protocol

from duban.assess import Status
from duban.assess_format import fmt_date
from duban.errors import DubanError, InvalidTransition

# ---------------------------------------------------------------- policy


@dataclass(frozen=True)
class SupervisionPolicy:
    warn_days: int = 3  # yellow this many days before a case's feedback deadline; red once it passed
    problem_unresolved_days: int = 30  # an unresolved problem older than this lifts its task to 滞后
    problem_repeat_count: int = 2  # this many problems on one task …
    problem_repeat_days: int = 90  # … found within this many days: a repeated problem
    clues_per_hour: int = 3  # public clues per IP address
    clues_per_day: int = 10
    clue_min_seconds: int = 3  # a clue form filled faster than this is a robot
    clue_max_seconds: int = 2 * 3600  # an older form must be reloaded
    clue_max_chars: int = 1000
    report_day: int = 25  # the day of each month a unit's progress report is due (calendar feed)

    def __post_init__(self):
        if min(self.warn_days, self.problem_unresolved_days, self.problem_repeat_days, self.clue_min_seconds) < 0:
            raise DubanError("督办口径无效:天数和秒数不能为负", code="invalid_policy")
        if self.problem_repeat_count < 2 or self.clues_per_hour < 1 or self.clues_per_day < self.clues_per_hour:
            raise DubanError("督办口径无效:重复问题至少2个,线索限额须为正且每日不少于每小时", code="invalid_policy")
        if self.clue_max_seconds <= self.clue_min_seconds or not 1 <= self.report_day <= 28:
            raise DubanError("督办口径无效:表单有效期须长于最短填写时间,报送日须在1至28日之间", code="invalid_policy")


POLICY = SupervisionPolicy()

# ---------------------------------------------------------------- a case's state machine

# state → Chinese label, in the order of the flow
CASE_STATES: dict[str, str] = {
    "opened": "立项",
    "assigned": "已交办",
    "acknowledged": "已签收",
    "in_progress": "办理中",
    "feedback": "已反馈待复核",
    "accepted": "复核通过",
    "closed": "已办结(销号)",
}
# action → (states it may start from, state it leads to, Chinese verb)
CASE_FLOW: dict[str, tuple[frozenset[str], str, str]] = {
    "assign": (frozenset({"opened", "assigned"}), "assigned", "交办"),  # again before 签收: a corrected 交办
    "acknowledge": (frozenset({"assigned"}), "acknowledged", "签收"),
    "start": (frozenset({"acknowledged"}), "in_progress", "开始办理"),
    "feedback": (frozenset({"in_progress"}), "feedback", "反馈"),
    "accept": (frozenset({"feedback"}), "accepted", "复核通过"),
    "return": (frozenset({"feedback"}), "in_progress", "复核退回"),
    "close": (frozenset({"accepted"}), "closed", "办结销号"),
}
# the states in which the lead unit owes feedback: urged as the deadline nears
URGED_STATES = frozenset({"assigned", "acknowledged", "in_progress"})
OPEN_STATES = frozenset(CASE_STATES) - {"closed"}

CASE_SOURCES: dict[str, str] = {
    "lagging_task": "任务滞后",
    "leader_instruction": "领导批示",
    "problem": "问题线索",
    "public_clue": "群众线索",
}


def case_step(state: str, action: str) -> str:
    """The state `action` leads to from `state`; refuses an action the flow does not allow there."""
    return _step(CASE_FLOW, CASE_STATES, "督办件", state, action)


def case_actions(state: str) -> list[str]:
    """The actions allowed from `state` (for pages to offer the right buttons)."""
    return [a for a, (froms, _, _) in CASE_FLOW.items() if state in froms]


def _step(flow, labels, noun: str, state: str, action: str) -> str:
    if action not in flow:
        raise DubanError(f"未知的{noun}操作“{action}”", code="invalid")
    froms, to, verb = flow[action]
    if state not in froms:
        allowed = "、".join(f"“{labels[s]}”" for s in labels if s in froms)
        raise InvalidTransition(f"{noun}当前为“{labels.get(state, state)}”,不能{verb}(只能在{allowed}时{verb})")
    return to

# ---------------------------------------------------------------- 催办


class Level(str, Enum):
    NONE = "none"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return {"none": "无", "yellow": "黄色催办", "red": "红色催办"}[self.value]


@dataclass(frozen=True)
class Urgency:
    level: Level
    reason: str


class HasDeadline(Protocol):
    state: str
    deadline: date | None


def urgency(case: HasDeadline, today: date, policy: SupervisionPolicy = POLICY) -> Urgency:
    """How urgent a case is on `today`: only a case whose lead unit still owes feedback (交办, 签收 or
    办理) is urged; yellow from `warn_days` before its feedback deadline, red once the deadline passed.
    For a given state and deadline, a later `today` never gives a lower level."""
    if case.state not in URGED_STATES:
        return Urgency(Level.NONE, f"督办件{CASE_STATES.get(case.state, case.state)},无需催办")
    if case.deadline is None:
        return Urgency(Level.NONE, "未设反馈期限")
    left = (case.deadline - today).days
    when = fmt_date(case.deadline, today.year)
    if left < 0:
        return Urgency(Level.RED, f"已超过反馈期限({when}){-left}天,尚未反馈")
    if left <= policy.warn_days:
        return Urgency(Level.YELLOW, f"距反馈期限({when})" + ("仅剩今天" if left == 0 else f"还有{left}天"))
    return Urgency(Level.NONE, f"距反馈期限({when})还有{left}天")

# ---------------------------------------------------------------- a problem's state machine

PROBLEM_STATES: dict[str, str] = {
    "found": "已受理",
    "assigned": "已交办",
    "coordinated": "协调中",
    "resolved": "已解决待确认",
    "confirmed": "已确认办结",
    "dismissed": "不予受理",
}
PROBLEM_FLOW: dict[str, tuple[frozenset[str], str, str]] = {
    "assign": (frozenset({"found", "assigned"}), "assigned", "交办协调人"),
    "coordinate": (frozenset({"assigned"}), "coordinated", "协调"),
    "resolve": (frozenset({"coordinated"}), "resolved", "办结"),
    "confirm": (frozenset({"resolved"}), "confirmed", "确认"),
    "reopen": (frozenset({"resolved"}), "assigned", "退回重办"),
    "dismiss": (frozenset({"found", "assigned"}), "dismissed", "不予受理"),
}
UNRESOLVED_PROBLEM_STATES = frozenset({"found", "assigned", "coordinated"})

PROBLEM_SOURCES: dict[str, str] = {"internal": "内部发现", "public": "群众线索"}


def problem_step(state: str, action: str) -> str:
    return _step(PROBLEM_FLOW, PROBLEM_STATES, "问题", state, action)


def problem_actions(state: str) -> list[str]:
    return [a for a, (froms, _, _) in PROBLEM_FLOW.items() if state in froms]


@dataclass(frozen=True)
class ProblemFacts:
    """What the pressure rule needs of a problem: when it was found and when (if) resolved.
    A dismissed problem is not given to the rule at all."""

    found_on: date
    resolved_on: date | None = None


@dataclass(frozen=True)
class Pressure:
    status: Status  # at least 滞后
    reason: str


def pressure(problems: Iterable[ProblemFacts], today: date, policy: SupervisionPolicy = POLICY) -> Pressure | None:
    """Problems that lift a task's status to at least 滞后 on `today`, or None.

    - an unresolved problem (not resolved on or before `today`) found more than
      `problem_unresolved_days` days ago;
    - a repeated problem: `problem_repeat_count` or more problems found within the last
      `problem_repeat_days` days (up to and including `today`).
    Problems found after `today` do not count yet."""
    known = [p for p in problems if p.found_on <= today]
    stale = [p for p in known if (p.resolved_on is None or p.resolved_on > today)
             and (today - p.found_on).days > policy.problem_unresolved_days]
    window_start = today - timedelta(days=policy.problem_repeat_days)
    recent = [p for p in known if p.found_on > window_start]
    reasons = []
    if stale:
        oldest = min(p.found_on for p in stale)
        reasons.append(f"有{len(stale)}个问题超过{policy.problem_unresolved_days}天未解决"
                       f"(最早于{fmt_date(oldest, today.year)}发现)")
    if len(recent) >= policy.problem_repeat_count:
        reasons.append(f"{policy.problem_repeat_days}天内反映问题{len(recent)}次,问题反复出现")
    if not reasons:
        return None
    return Pressure(Status.BEHIND, ";".join(reasons))


def lift(status: Status, by: Pressure | None) -> Status:
    """`status`, raised to the pressure's status when that is more severe."""
    if by is None or status.severity >= by.status.severity:
        return status
    return by.status

# ---------------------------------------------------------------- public clues

_URL = re.compile(r"(?:https?://|ftp://|www\.)[!-~]+"  # a link runs on over ASCII, not into the Chinese after it
                  r"|(?<![A-Za-z0-9.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|cn|top|xyz|info|cc|io)"
                  r"(?![A-Za-z0-9-])[!-~]*", re.IGNORECASE)


def clue_text_problems(text: str, policy: SupervisionPolicy = POLICY) -> list[str]:
    """What is wrong with a public clue's text (empty when it may be accepted): it must say
    something, stay within `clue_max_chars`, and not be mostly links."""
    text = (text or "").strip()
    if not text:
        return ["请填写反映的问题"]
    if len(text) > policy.clue_max_chars:
        return [f"内容不能超过{policy.clue_max_chars}字(现有{len(text)}字)"]
    links = _URL.findall(text)
    if links:
        words = len(re.findall(r"\w", _URL.sub("", text)))  # letters, digits and 汉字 outside the links
        linked = sum(len(link) for link in links)
        if words < 5 or linked > 3 * words or len(links) > 3:
            return ["内容以网址链接为主,请用文字说明问题"]
    return []


CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 12


def new_tracking_code() -> str:
    """A random public tracking code, grouped for reading: K7M3-Q9PA-HTX2."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_tracking_code(text: str) -> str | None:
    """A code as typed (lower case, with spaces or without dashes) in its stored form, or None."""
    raw = re.sub(r"[\s\-_]", "", text or "").upper()
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))
