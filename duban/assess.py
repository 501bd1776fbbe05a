"""Assessment: judge a task against 序时进度 on a given date, with a reason in Chinese.

Pure: no Django, no database, no I/O, no clock. The date is always a parameter, so
`assess(task, as_of=date(2024, 11, 30))` gives the same answer every time.

Two kinds of indicator are judged differently:
- an *accumulation* (cumulative and higher-is-better: 城镇新增就业35万人) is planned along a
  curve from 0 at the start to the target at the end, through its checkpoints; it is done as
  soon as the target is reached, because what was accumulated cannot be undone;
- a *level* (a rate such as 签约率达到75%, or anything lower-is-better: 投诉率控制在2%以内) is
  judged against the checkpoint in force; it is done only at/after the end (a level can slip
  back), and before the end meeting the target counts as 达序时进度. A ceiling without
  checkpoints holds all year; otherwise, before any checkpoint is due, a level that does not
  yet meet its target is not judged (无数据).
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from duban.assess_format import (
    counted,
    decimals,
    done_phrase,
    due_soon_phrase,
    fmt_date,
    fmt_number,
    fmt_percent,
    overdue_phrase,
    to_precision,
)
from duban.errors import DubanError

# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class Checkpoint:
    due: date
    value: float


@dataclass(frozen=True)
class Observation:
    as_of: date
    value: float | None  # None/NaN when the report gave only a percent of the annual plan
    percent: float | None = None


@dataclass(frozen=True)
class Indicator:
    key: str
    metric: str
    unit: str
    target: float
    qualifier: str = "="  # ">=", "<=", "~", "="; "<=" means lower is better
    higher_is_better: bool = True
    cumulative: bool = True
    checkpoints: tuple[Checkpoint, ...] = ()
    observations: tuple[Observation, ...] = ()

    @property
    def lower_is_better(self) -> bool:
        return self.qualifier == "<=" or not self.higher_is_better

    @property
    def accumulates(self) -> bool:
        """Planned along a curve from 0; see the module docstring."""
        return self.cumulative and not self.lower_is_better


@dataclass(frozen=True)
class Milestone:
    key: str
    due: date
    text: str
    done_on: date | None = None
    checkpoint_keys: tuple[str, ...] = ()  # indicators whose checkpoints fall on `due`


@dataclass(frozen=True)
class TaskSnapshot:
    key: str
    number: str
    year: int
    indicators: tuple[Indicator, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    start: date | None = None  # Jan 1 of `year` when None
    end: date | None = None  # Dec 31 of `year`, or the last milestone's due date if later


@dataclass(frozen=True)
class Policy:
    behind_below: float = 0.9  # actual/planned below this → 滞后
    seriously_behind_below: float = 0.6  # … below this → 严重滞后
    ahead_from: float = 1.1  # … from this on → 超序时进度 (accumulations only)
    warn_days: int = 15  # a milestone not done and due within N days makes the task yellow
    overdue_grace_days: int = 0  # a milestone is 逾期 only this many days after its due date
    # With no report, an accumulation is 未开始 once this share of its target is planned;
    # before that there is nothing fair to judge yet (无数据).
    not_started_after: float = 0.1

    def __post_init__(self):
        if not (0 <= self.seriously_behind_below <= self.behind_below <= 1 <= self.ahead_from):
            raise DubanError("评价口径无效:须满足 0 ≤ 严重滞后线 ≤ 滞后线 ≤ 1 ≤ 超序线", code="invalid_policy")
        if self.warn_days < 0 or self.overdue_grace_days < 0 or not 0 <= self.not_started_after <= 1:
            raise DubanError("评价口径无效:天数不能为负,未开始阈值须在0到1之间", code="invalid_policy")


POLICY = Policy()

# ---------------------------------------------------------------- status


class Color(str, Enum):
    GREEN = "green"
    GREY = "grey"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        return list(Color).index(self)

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    """Chinese value, English code, severity (0 best … 7 worst) and colour.

    The severity order is also the order in time: with no new report an unfinished
    indicator only moves to a higher severity. 无数据 sits just above 已完成 because it
    becomes any judged status once something falls due, and it never hides a known
    judgement when a task takes its worst indicator. 未开始 (a planned quantity with no
    report at all) is worse than a measured 滞后 but better than a measured 严重滞后.
    """

    DONE = ("已完成", "done", 0, Color.GREEN)
    NO_DATA = ("无数据", "no_data", 1, Color.GREY)
    AHEAD = ("超序时进度", "ahead", 2, Color.GREEN)
    ON_TRACK = ("达序时进度", "on_track", 3, Color.GREEN)
    BEHIND = ("滞后", "behind", 4, Color.YELLOW)
    NOT_STARTED = ("未开始", "not_started", 5, Color.YELLOW)
    SERIOUSLY_BEHIND = ("严重滞后", "seriously_behind", 6, Color.RED)
    OVERDUE = ("逾期", "overdue", 7, Color.RED)

    def __new__(cls, label: str, code: str, severity: int, color: Color):
        member = str.__new__(cls, label)
        member._value_ = label
        member.code, member.severity, member.color = code, severity, color
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Status:
        """滞后, behind, BEHIND, 达序 and 超序 all name a status; anything else is an error."""
        wanted = (text or "").strip()
        for status in cls:
            if wanted in (status.value, status.code, status.name) or wanted.lower() == status.code:
                return status
        if wanted in _SHORT_NAMES:
            return cls[_SHORT_NAMES[wanted]]
        names = "、".join(f"{s.value}({s.code})" for s in cls)
        raise DubanError(f"未知的状态“{text}”,可用:{names}", code="unknown_status")


_SHORT_NAMES = {"达序": "ON_TRACK", "超序": "AHEAD", "完成": "DONE"}

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class IndicatorAssessment:
    key: str
    metric: str
    unit: str
    target: float
    planned: float | None  # 序时进度 value on as_of; None when nothing is due yet (levels)
    actual: float | None
    ratio: float | None  # progress ratio (actual/planned; planned/actual when lower is better)
    status: Status
    reason: str
    forecast: float | None
    as_of_actual: date | None  # the date of the report `actual` comes from
    reported: bool = True  # False: no usable report by as_of (无数据, 未报送)
    owed: bool = False  # unreported although enough of it is due that a report was owed




@dataclass(frozen=True)
class TaskAssessment:
    key: str
    number: str
    as_of: date
    status: Status
    color: Color
    reason: str
    indicators: tuple[IndicatorAssessment, ...]
    overdue: tuple[Milestone, ...]
    due_soon: tuple[Milestone, ...]
    done_milestones: tuple[str, ...] = ()  # keys of the milestones done by as_of

    @property
    def unreported(self) -> int:
        """How many of the task's indicators have no reported data (未报送)."""
        return sum(1 for i in self.indicators if not i.reported)

# ---------------------------------------------------------------- planning


def task_period(task: TaskSnapshot) -> tuple[date, date]:
    start = task.start or date(task.year, 1, 1)
    end = task.end or max([date(task.year, 12, 31), *(m.due for m in task.milestones)])
    return start, end


def planned_by(indicator: Indicator, as_of: date, start: date, end: date) -> float | None:
    """The value that should have been reached (or, lower-is-better, not exceeded) by as_of."""
    if indicator.accumulates:
        return _accumulation_plan(indicator, as_of, start, end)
    return _level_plan(indicator, as_of, end)


def _accumulation_plan(ind: Indicator, as_of: date, start: date, end: date) -> float:
    # Piecewise-linear through (start, 0), the checkpoints and (end, target). Checkpoints
    # outside [start, end) are ignored: from the end on the target governs.
    cps = sorted((c for c in ind.checkpoints if start <= c.due < end), key=lambda c: c.due)
    points = [(0, 0.0), *(((c.due - start).days, c.value) for c in cps), ((end - start).days, ind.target)]
    xs, values, highest = [], [], 0.0
    for x, v in points:  # a cumulative plan never goes down, whatever the data says
        highest = max(highest, v)
        xs.append(x)
        values.append(highest)
    x = (as_of - start).days
    if x < 0:
        return 0.0
    if x >= xs[-1]:
        return values[-1]
    i = bisect_right(xs, x)  # xs[i-1] <= x < xs[i]
    if xs[i - 1] == x:
        return values[i - 1]
    share = (x - xs[i - 1]) / (xs[i] - xs[i - 1])
    value = values[i - 1] + (values[i] - values[i - 1]) * share
    return min(max(value, values[i - 1]), values[i])  # no float step outside the segment


def _level_plan(ind: Indicator, as_of: date, end: date) -> float | None:
    # The checkpoint in force; the strictest one due so far, as a step once due is not relaxed.
    # A ceiling with no checkpoints (控制在2%以内) holds all year.
    strictest = min if ind.lower_is_better else max
    due = [c.value for c in ind.checkpoints if c.due <= as_of and c.due < end]
    if as_of >= end:
        return strictest([*due, ind.target])
    if due:
        return strictest(due)
    if ind.lower_is_better and not ind.checkpoints:
        return ind.target
    return None


def _usable(obs: Observation, target: float) -> float | None:
    if obs.value is not None and math.isfinite(obs.value):
        return float(obs.value)
    if obs.percent is not None and math.isfinite(obs.percent):
        return target * obs.percent / 100
    return None


def actual(indicator: Indicator, as_of: date) -> Observation | None:
    """The latest usable report on or before as_of (later reports don't count yet), with its
    value filled in from the percent of the annual plan when the figure itself is missing."""
    best, best_value = None, None
    for obs in indicator.observations:  # ties on a date: the later one in the tuple wins
        if obs.as_of <= as_of and (best is None or obs.as_of >= best.as_of):
            value = _usable(obs, indicator.target)
            if value is not None:
                best, best_value = obs, value
    return None if best is None else Observation(best.as_of, best_value, best.percent)


def forecast(indicator: Indicator, start: date, end: date, as_of: date | None = None) -> float | None:
    """Year-end value from the reports (those on or before as_of, when given).

    Cumulative: least squares through the origin (start, 0), x = days since start, at `end`.
    Otherwise the latest value, as a rate has no trend worth extrapolating.
    """
    return _forecast(indicator, start, end, as_of, actual(indicator, as_of or date.max))


def _forecast(indicator: Indicator, start: date, end: date, as_of: date | None,
              last: Observation | None) -> float | None:
    """`forecast`, given the latest report (`actual` on as_of) the caller already read."""
    if last is None:
        return None
    if not indicator.cumulative:
        return last.value
    points = [((o.as_of - start).days, _usable(o, indicator.target)) for o in indicator.observations
              if as_of is None or o.as_of <= as_of]
    points = [(x, y) for x, y in points if y is not None and x > 0]
    sxx = sum(x * x for x, _ in points)
    if not sxx:
        return last.value
    return sum(x * y for x, y in points) / sxx * (end - start).days

# ---------------------------------------------------------------- judging an indicator


def _meets(value: float, goal: float, lower_is_better: bool) -> bool:
    return value <= goal if lower_is_better else value >= goal


def _ratio(value: float, goal: float, lower_is_better: bool) -> float | None:
    if lower_is_better:
        return goal / value if value > 0 else None
    return value / goal if goal > 0 else None


def _grade(ratio: float | None, value: float, goal: float, lower: bool, policy: Policy,
           can_be_ahead: bool) -> Status:
    if ratio is None:  # a goal of 0 (or a lower-is-better value of 0): met or not, nothing between
        if can_be_ahead and value > goal:
            return Status.AHEAD
        return Status.ON_TRACK if _meets(value, goal, lower) else Status.SERIOUSLY_BEHIND
    if ratio < policy.seriously_behind_below:
        return Status.SERIOUSLY_BEHIND
    if ratio < policy.behind_below:
        return Status.BEHIND
    if can_be_ahead and ratio >= policy.ahead_from:
        return Status.AHEAD
    return Status.ON_TRACK


def assess_indicator(indicator: Indicator, as_of: date, start: date, end: date,
                     policy: Policy = POLICY) -> IndicatorAssessment:
    return _assess_indicator(indicator, actual(indicator, as_of), as_of, start, end, policy)


def _assess_indicator(indicator: Indicator, found: Observation | None, as_of: date, start: date, end: date,
                      policy: Policy) -> IndicatorAssessment:
    """`assess_indicator`, given its latest report by as_of (`actual`), which the task reads once."""
    planned = planned_by(indicator, as_of, start, end)
    # 应达9处, not 9.15处; 377台, not 377.02台: computed values to the precision of the indicator's own figures
    places = 0 if counted(indicator.unit) else decimals(
        indicator.target, *(o.value for o in indicator.observations), *(c.value for c in indicator.checkpoints))
    if indicator.accumulates:
        planned = to_precision(planned, indicator.unit, places)
    owed = False
    if found is None:
        status, ratio, reason, owed = _judge_unreported(indicator, planned, as_of, start, end, policy)
    else:
        status, ratio, reason = _judge_reported(indicator, planned, found, as_of, start, end, policy)
    return IndicatorAssessment(
        indicator.key, indicator.metric, indicator.unit, indicator.target, planned,
        None if found is None else found.value, ratio, status, reason,
        to_precision(_forecast(indicator, start, end, as_of, found), indicator.unit, places), None if found is None else found.as_of,
        reported=found is not None, owed=owed)


def _judge_unreported(ind: Indicator, planned: float | None, as_of: date, start: date, end: date,
                      policy: Policy):
    """An indicator nobody reported on is 无数据 (未报送), never a judged status: the task counts it and
    is judged on what was reported. `owed` says whether enough of it was due that a report was owed."""
    year = start.year
    if ind.accumulates:
        share = planned / ind.target if ind.target > 0 else (1.0 if planned > 0 else 0.0)
        if share < policy.not_started_after or planned <= 0:
            return (Status.NO_DATA, None,
                    f"尚无进展数据,序时进度未达目标的{fmt_percent(policy.not_started_after)},暂不评价", False)
    elif planned is None or not (as_of >= end or any(c.due <= as_of for c in ind.checkpoints)):
        # A level is owed a report only once a checkpoint or the end has passed.
        return Status.NO_DATA, None, "尚无进展数据,也无到期节点,暂不评价", False
    goal = _goal_words(ind, planned)
    return Status.NO_DATA, None, f"截至{fmt_date(as_of, year)}{goal},未报送", True


def _goal_words(ind: Indicator, goal: float) -> str:
    words = "应不超过" if ind.lower_is_better else "应达"
    return words + fmt_number(goal, ind.unit, approx=ind.accumulates)


def _judge_reported(ind, planned, found, as_of, start, end, policy):
    year, lower, value = start.year, ind.lower_is_better, found.value
    seen = f"实际{fmt_number(value, ind.unit)}(截至{fmt_date(found.as_of, year)})"
    met_target = _meets(value, ind.target, lower)
    # An accumulation, or a level to reach (签约率达到75%), is done once reached; a ceiling (控制在2%以内)
    # must hold all year, so it is done only at the end.
    if met_target and (ind.accumulates or as_of >= end or not lower):
        return Status.DONE, _ratio(value, ind.target, lower), done_phrase(value, ind.target, ind.unit, lower)
    if met_target:  # a level within its target before the end: fine, confirmed at the end
        return (Status.ON_TRACK, _ratio(value, ind.target, lower),
                f"{seen},已达到目标{fmt_number(ind.target, ind.unit)},待期末确认,达序时进度")
    if planned is None:
        return (Status.NO_DATA, None,
                f"{seen},目标{fmt_number(ind.target, ind.unit)},尚无到期节点,暂不评价")
    ratio = _ratio(value, planned, lower)
    status = _grade(ratio, value, planned, lower, policy, can_be_ahead=ind.accumulates)
    basis = "序时进度" if ind.accumulates else "节点目标"
    share = "" if ratio is None or lower else f",为{basis}的{fmt_percent(ratio)}"
    return status, ratio, f"按{basis}截至{fmt_date(as_of, year)}{_goal_words(ind, planned)},{seen}{share},{status}"


# ---------------------------------------------------------------- judging a task


def milestone_done(milestone: Milestone, task: TaskSnapshot, as_of: date) -> bool:
    """Done when marked done by as_of, or when every indicator it names has, in its latest
    report by as_of, reached its checkpoint for the milestone's date."""
    return _milestone_done(milestone, _latest_by_key(task, as_of), as_of, *task_period(task))


# An indicator's key → the indicator and its latest report by as_of (`actual`): read once per task.
LatestReports = dict[str, tuple[Indicator, Observation | None]]


def _latest_by_key(task: TaskSnapshot, as_of: date) -> LatestReports:
    return {i.key: (i, actual(i, as_of)) for i in task.indicators}


def _milestone_done(milestone: Milestone, latest: LatestReports, as_of: date, start: date, end: date) -> bool:
    if milestone.done_on is not None and milestone.done_on <= as_of:
        return True
    if not milestone.checkpoint_keys:
        return False
    return all(_reached(latest.get(k), milestone.due, start, end) for k in milestone.checkpoint_keys)


def _reached(latest: tuple[Indicator, Observation | None] | None, due: date, start: date, end: date) -> bool:
    if latest is None:
        return False  # names an indicator the task does not have: cannot be confirmed
    ind, found = latest
    on_due = [c.value for c in ind.checkpoints if c.due == due]
    goal = on_due[-1] if on_due else planned_by(ind, due, start, end)
    return found is not None and goal is not None and _meets(found.value, goal, ind.lower_is_better)


def done_milestones(task: TaskSnapshot, as_of: date) -> set[str]:
    """The keys of the milestones done by as_of: marked done, or with all checkpoints met; when the
    last step is done, the steps before it are done too (the work they led to is finished)."""
    return _done_milestones(task, _latest_by_key(task, as_of), as_of, *task_period(task))


def _done_milestones(task: TaskSnapshot, latest: LatestReports, as_of: date, start: date, end: date) -> set[str]:
    ordered = sorted(task.milestones, key=lambda m: m.due)
    done = {m.key for m in ordered if _milestone_done(m, latest, as_of, start, end)}
    if ordered and ordered[-1].key in done:
        return {m.key for m in ordered}
    return done


def assess(task: TaskSnapshot, as_of: date, policy: Policy = POLICY, *, closed: bool = False) -> TaskAssessment:
    """`closed`: the plan's period is over (a past plan judged as of its end): a step not done by then
    is late, with no grace days and nothing 即将到期."""
    start, end = task_period(task)
    found = [actual(i, as_of) for i in task.indicators]  # each indicator's latest report, read once
    results = tuple(_assess_indicator(i, f, as_of, start, end, policy) for i, f in zip(task.indicators, found))
    latest = {i.key: (i, f) for i, f in zip(task.indicators, found)}  # as `_latest_by_key`: the last of a key
    done = _done_milestones(task, latest, as_of, start, end)
    if results and all(r.status is Status.DONE for r in results):
        # Every quantity is in: the task is done, and its remaining steps are not chased.
        return TaskAssessment(task.key, task.number, as_of, Status.DONE, Status.DONE.color,
                              _all_done_words(results), results, (), (), tuple(sorted(done)))
    overdue, due_soon = [], []
    grace, warn = timedelta(days=policy.overdue_grace_days), timedelta(days=policy.warn_days)
    for m in sorted(task.milestones, key=lambda m: m.due):
        if m.key in done:
            continue
        if as_of > m.due + grace or (closed and m.due <= as_of):
            overdue.append(m)
        elif m.due <= as_of + warn and not closed:
            due_soon.append(m)
    if overdue:  # the earliest late step is the worst thing to name
        first = overdue[0]
        status, reason = Status.OVERDUE, overdue_phrase(first.due, first.text, len(overdue), task.year)
    elif results:
        status, reason = _worst_indicator(results)
    else:
        status, reason = _milestones_only(task, as_of, done)
    color = status.color
    if due_soon and color.rank < Color.YELLOW.rank:  # a step about to fall due: warn now
        soon = due_soon[0]
        color, reason = Color.YELLOW, f"{reason};{due_soon_phrase(soon.due, soon.text, as_of, task.year)}"
    return TaskAssessment(task.key, task.number, as_of, status, color, reason, results,
                          tuple(overdue), tuple(due_soon), tuple(sorted(done)))


def _all_done_words(results: tuple[IndicatorAssessment, ...]) -> str:
    if len(results) == 1:
        return f"{results[0].metric}{results[0].reason}"
    return f"全部{len(results)}项指标均已完成年度目标"


def _worst_indicator(results: tuple[IndicatorAssessment, ...]) -> tuple[Status, str]:
    # The most severe status; among equals the lowest ratio; then the plan's order. Indicators with
    # nothing to judge (no report: 未报送) never mask the judged ones; the reason counts them.
    judged = tuple(r for r in results if r.status is not Status.NO_DATA)
    unreported = [r for r in results if not r.reported]
    missing = f";{len(unreported)}项指标未报送" if unreported else ""
    if not judged:
        owed = [r for r in unreported if r.owed]
        if owed:  # nothing reported although something was due: the task has not started
            first = owed[0]
            return Status.NOT_STARTED, f"{len(unreported)}项指标均未报送,{first.metric}{first.reason.rsplit(',', 1)[0]},未开始"
        return Status.NO_DATA, results[0].reason if len(results) == 1 else f"{len(results)}项指标暂无可评价数据"
    worst = min(judged, key=lambda r: (-r.status.severity, math.inf if r.ratio is None else r.ratio))
    if worst.status is Status.DONE:  # all judged ones done, some not judgeable yet: not complete
        return Status.ON_TRACK, f"{len(judged)}项指标已完成年度目标,其余{len(results) - len(judged)}项暂无可评价数据"
    return worst.status, f"{worst.metric}:{worst.reason}{missing}"


def _milestones_only(task: TaskSnapshot, as_of: date, done_keys: set[str]) -> tuple[Status, str]:
    ms = task.milestones
    if not ms:
        return Status.NO_DATA, "无可评价的指标和时间节点"
    done = [m for m in ms if m.key in done_keys]
    if len(done) == len(ms):
        return Status.DONE, f"全部{len(ms)}个时间节点均已完成"
    if done:  # the rest are not due yet (or still in their grace days): nothing is late
        return Status.ON_TRACK, f"已完成{len(done)}个时间节点,其余未逾期,达序时进度"
    if any(m.due <= as_of for m in ms):
        return Status.NO_DATA, "到期节点尚在宽限期内,暂不评价"
    return Status.NO_DATA, "尚无到期的时间节点,暂不评价"
