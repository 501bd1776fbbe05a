"""What a figure means (shared/spec/interchange.md): the ledger judges tasks by these, so meaning comes
before recall.

- A progress value is an achievement: a figure that restates the plan (`推动开工的40所…中`,
  `计划新增锅炉19台`, `年度目标3所`) or one still to come (`剩余7处将于12月下旬开工`,
  `451个厢房正在加紧制作`) is no value; a clause that gives only a share (`已完成年度任务的72%`,
  `已进场施工,完成30%`) is one % value with that percent; a breakdown table counts its achieved row's total.
- A standard is no target: the amount of a subsidy and who pays what share (`按照二孩500元…进行补助`,
  `各补助50%`); a raised standard counts at its new level only (`由1000元提高至3000元` → 3000).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from duban.extract.numbers import Quantity

_CLAUSE_END = ",,;;。:!?\n"
# In a progress clause: a figure still to come, or in the making.
_FUTURE = re.compile(r"在建|在施|正在|将于|将在|将要|即将|拟|预计|计划于|剩余|尚未|尚需|待|争取|力争|有望")
# Before a figure in a progress clause: the plan restated.
_PLAN_BEFORE = re.compile(r"计划|排定|目标|任务为|任务是|下达")
_DONE_AFTER = re.compile(r"已|均已|全部|完工|建成|完成")
# `推动开工的40所中小学和幼儿园中`: the set among which the achievement is counted.
_AMONG = re.compile(r"的[^,,;;。]*中$")
_SUBSIDY = re.compile(r"补助|补贴|津贴|资助|奖补|补偿|报销标准|收费标准|补助标准|补贴标准")
_RAISE = re.compile(r"提高|提升|上调|增加|增至|达到|调整为|调整至")
# `由1000元提高至3000元`: the figure after 由 is the baseline.
_FROM = re.compile(r"由$|从$")
_SHARE_ONLY = re.compile(r"(?:^|(?<=[,,;;。]))(?P<lead>[已累计共总体整体目前现已经]*)完成(?P<pct>\d+(?:\.\d+)?)%")
_BREAKDOWN_ROW = re.compile(r"实际完成\s*(\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)+)")


_CLAUSE_MARK = re.compile("[" + re.escape(_CLAUSE_END) + "]")


def clause_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause around a figure: (its text before the figure, its text after)."""
    marks = _clause_marks(text)
    before = bisect_left(marks, start)  # the marks before the figure
    a = marks[before - 1] + 1 if before else 0
    after = bisect_left(marks, end)
    b = marks[after] if after < len(marks) else len(text)
    return text[a:start], text[end:b]


@lru_cache(maxsize=8)  # a text's figures are judged one after another: its marks are found once
def _clause_marks(text: str) -> list[int]:
    return [m.start() for m in _CLAUSE_MARK.finditer(text)]


def is_achievement(text: str, q: Quantity) -> bool:
    """Whether a figure of a progress text is what had been achieved (not the plan, not the future)."""
    before, after = clause_of(text, q.start, q.end)
    if _FUTURE.search(before) or _FUTURE.search(after):
        return False
    if _PLAN_BEFORE.search(before) and "已" not in before and not _DONE_AFTER.search(after):
        return False  # 计划新增锅炉19台 (but 计划投用的5处公交场站均已完工 is done)
    if _AMONG.search(before + q.literal + after):
        return False
    return not _FROM.search(before)


def is_standard(text: str, q: Quantity) -> bool:
    """Whether a figure is a policy's standard (a subsidy amount, a cost share), no target."""
    before, after = clause_of(text, q.start, q.end)
    if _FROM.search(before) and _RAISE.match(after.lstrip("元%")):
        return True  # the baseline of a raised standard
    if q.unit not in ("元", "%"):
        return False
    clause = before + q.literal + after
    if not _SUBSIDY.search(clause):
        return False
    return not _RAISE.search(before)


def targets(text: str, found: list[Quantity]) -> list[Quantity]:
    """The quantities of a task's text that are targets (standards left out)."""
    return [q for q in found if not is_standard(text, q)]


def achievements(text: str, found: list[Quantity]) -> list[Quantity]:
    """The quantities of a progress text that are achievements, with the share-only clauses and the
    totals of a breakdown table."""
    table = breakdown_totals(text)
    if table is not None:
        return table
    kept = [q for q in found if q.unit == "%" or not is_standard(text, q)]
    kept = [q for q in kept if is_achievement(text, q)]
    for q in kept:
        if q.unit == "%" and q.percent is None and _is_share_only(text, q):
            q.percent = q.value
    return kept


def _is_share_only(text: str, q: Quantity) -> bool:
    """`已进场施工,完成30%` / `已完成年度目标任务的55%`: a share of the whole task, not of a named sub-work."""
    for m in _SHARE_ONLY.finditer(text):
        if m.start("pct") == q.start:
            return True
    return q.metric.endswith(("任务", "计划", "目标")) and q.literal.endswith("%")


def breakdown_totals(text: str) -> list[Quantity] | None:
    """A flattened district table (`鄞州 海曙 … 合计 年度目标 2 5 1 2 10 实际完成 1 2 0 3 6`): only the
    achieved rows count, and of them only the total when the table has one."""
    rows = list(_BREAKDOWN_ROW.finditer(text))
    if not rows or ("合计" not in text and "总计" not in text):
        return None
    out = []
    for m in rows:
        total = m.group(1).split()[-1]
        out.append(Quantity(metric="实际完成(合计)", value=float(total), unit="", qualifier="=",
                            start=m.end() - len(total), end=m.end(), literal=total))
    return out
