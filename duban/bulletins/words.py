"""How a bulletin writes things: quantities, percentages, dates, periods, and the status groups.

Pure. Quantities are written the way the progress reports write them (36.61万人, 23.02亿元,
43686个): 万/亿 only when that loses nothing; percentages with at most one decimal (104.6%, 134%).
"""
from __future__ import annotations

import math
import re
from datetime import date

from duban.assess import Status
from duban.assess_format import fmt_number, plain
from duban.extract.dates import month_end
from duban.ranking import POINTS, SCORING_NOTE  # noqa: F401 - re-exported for the renderers

# 进展顺利 = on track or ahead; 滞后 = every judged status short of the plan.
DONE = (Status.DONE,)
ON_TRACK = (Status.AHEAD, Status.ON_TRACK)
LAGGING = (Status.BEHIND, Status.NOT_STARTED, Status.SERIOUSLY_BEHIND, Status.OVERDUE)
NO_DATA = (Status.NO_DATA,)

GROUPS = {"done": DONE, "on_track": ON_TRACK, "lagging": LAGGING, "no_data": NO_DATA}

# A unit's score: one formula for the bulletins and the /units/ page, in duban.ranking (POINTS, SCORING_NOTE).

QUALIFIER_AFTER = {">=": "以上", "<=": "以内", "~": "左右"}


def group_of(status: str) -> str:
    s = Status.parse(status)
    return next(name for name, members in GROUPS.items() if s in members)


def amount(value: float | None, unit: str = "", qualifier: str = "=") -> str:
    """366100 人 → 36.61万人; ≈ 19310000 元 → 约1931万元; 2000 人 ≥ → 2000人以上."""
    if value is None or not math.isfinite(value):
        return "—"
    text = fmt_number(value, unit or "")
    if qualifier == "~":
        return "约" + text
    if qualifier == ">=":
        return text + "以上"
    if qualifier == "<=":
        return text + "以内"
    return text


def target(value: float, unit: str, qualifier: str) -> str:
    """The annual target as the plan states it: 35万人以上, 2%以内, 35项左右."""
    return fmt_number(value, unit or "") + QUALIFIER_AFTER.get(qualifier, "")


def percent(p: float | None) -> str | None:
    """104.6 → 104.6%, 134.0 → 134%; None stays None."""
    if p is None or not math.isfinite(p):
        return None
    return plain(p, 1) + "%"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def short_date(d: date, year: int) -> str:
    """11月30日; the year only when it is not the plan year."""
    return (f"{d.year}年" if d.year != year else "") + f"{d.month}月{d.day}日"


def period(as_of: date, year: int) -> str:
    """The reporting period a date closes: 1-11月 (a month's end), 截至11月15日 (any other day)."""
    if as_of.year == year and as_of == month_end(as_of.year, as_of.month):
        return "1月" if as_of.month == 1 else f"1-{as_of.month}月"
    return f"截至{short_date(as_of, year)}"


def as_of_phrase(as_of: date, year: int) -> str:
    """截至11月底 / 截至11月15日: how a progress text opens."""
    if as_of.year == year and as_of == month_end(as_of.year, as_of.month):
        return f"截至{as_of.month}月底"
    return f"截至{short_date(as_of, year)}"


def series_label(year: int | None, n: int | None) -> str:
    """2024年第3期 in the office's yearly series; 未编号 before the bulletin is issued."""
    return f"{year}年第{n}期" if n and year else (f"第{n}期" if n else "未编号")


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (the (一)(二) of a second level)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[((][一二三四五六七八九十]+[))]|\d+[、.．])\s*")


def without_numbering(heading: str) -> str:
    """一、实施创新驱动发展战略 → 实施创新驱动发展战略 (the bulletin numbers its own levels)."""
    return _NUMBERING.sub("", heading, count=1) or heading


def item_label(i: int) -> str:
    """(1) (2) … : the fourth level, under a task's 1."""
    return f"({i})"


def shorten(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"
