"""Numbers, dates and phrases written the way 督办 reports write them.

Pure helpers for `duban.assess`: 17万人, 1.65万个, 36.61万人, 9.15处, 88.2%, 6月30日.
"""
from __future__ import annotations

import math
import re
from datetime import date

# Units that already carry a scale (万元, 亿元, 千瓦) or are ratios: never rescale them,
# or 15万 of 万元 would read 15万万元.
_SCALED_UNIT = re.compile(r"^(万|亿|千|百|%|‰)")
_SCALES = ((100_000_000, "亿"), (10_000, "万"))
# "3月底前," / "12月31日前," / "年底前," at the head of a milestone: the reason already names the date.
_DEADLINE_HEAD = re.compile(r"^\s*(\d{1,2}月(底|末|上旬|中旬|下旬|\d{1,2}日)?|年底|年内)前?[,,、:: ]*")
_LABEL_MAX = 24
# Units of continuous quantities (lengths, areas, money, energy, ratios): anything else is a count of
# things (所, 处, 个, 台, 人 …), whose planned and forecast values are whole numbers.
_CONTINUOUS = re.compile(r"^(万|亿|千|百)|^(%|‰|百分点|个百分点|平方公里|平方千米|平方米|平米|㎡|立方米|公顷|公里|千米|米|亩|"
                         r"千瓦时|千瓦|兆瓦|吨|标准箱|TEU|元|美元|平方)$")


def counted(unit: str) -> bool:
    """Whether a unit counts things (所, 处, 台): 9.15处 is not a quantity anyone can build."""
    return bool(unit) and not _CONTINUOUS.search(unit)


def decimals(*figures: float | None) -> int:
    """How many decimals the given figures are printed with (at most two): 494.3 → 1, 450万 → 0."""
    most = 0
    for x in figures:
        if x is None or not math.isfinite(x):
            continue
        text = f"{x:.6f}".rstrip("0").rstrip(".")
        most = max(most, len(text.split(".")[1]) if "." in text else 0)
    return min(most, 2)


def to_precision(x: float | None, unit: str, places: int = 2) -> float | None:
    """A computed (planned, forecast) value to the unit's precision: whole things; else the decimals
    its indicator's own figures are printed with (`places`, see `decimals`), at most two."""
    if x is None or not math.isfinite(x):
        return x
    if counted(unit) or places <= 0:
        return float(math.floor(x + 0.5))
    return round(x, min(places, 2))


def plain(x: float, decimals: int = 2) -> str:
    """4.50 → 4.5, 17.0 → 17, -0.0 → 0: no trailing zeros, no float noise."""
    if not math.isfinite(x):
        return "—"
    text = f"{round(x, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_number(x: float, unit: str = "", *, approx: bool = False) -> str:
    """A quantity with its unit: 170000 人 → 17万人, 366100 → 36.61万人, 12345 → 12345.

    Exact values (targets, reports) take 万/亿 only when that loses nothing (at most two
    decimals); approximate ones (a planned or forecast value) always read in 万/亿 once large.
    """
    if math.isfinite(x) and not _SCALED_UNIT.match(unit or ""):
        for scale, suffix in _SCALES:
            if abs(x) >= scale:
                scaled = x / scale
                if approx or math.isclose(round(scaled, 2), scaled, rel_tol=0, abs_tol=1e-9):
                    return plain(scaled) + suffix + unit
    return plain(x, 2 if approx else 4) + unit


def fmt_percent(ratio: float) -> str:
    """0.88235 → 88.2%, 1.15 → 115%."""
    return plain(ratio * 100, 1) + "%"


def fmt_date(d: date, year: int | None = None) -> str:
    """6月30日; the year is named only when it is not the plan year (2025年3月31日)."""
    head = "" if year == d.year else f"{d.year}年"
    return f"{head}{d.month}月{d.day}日"


def milestone_label(text: str) -> str:
    """The milestone's words without its deadline head, shortened: “完成招标”."""
    label = _DEADLINE_HEAD.sub("", text or "", count=1).strip().rstrip("。;;,,") or (text or "").strip()
    return label if len(label) <= _LABEL_MAX else label[:_LABEL_MAX] + "…"


# ---------------------------------------------------------------- phrases of a reason


def done_phrase(value: float, target: float, unit: str, lower_is_better: bool) -> str:
    """已完成年度目标(36.61万人/35万人,104.6%); a ceiling: (1.5%,目标不超过2%)."""
    if lower_is_better:
        return f"已完成年度目标({fmt_number(value, unit)},目标不超过{fmt_number(target, unit)})"
    share = f",{fmt_percent(value / target)}" if target > 0 else ""
    return f"已完成年度目标({fmt_number(value, unit)}/{fmt_number(target, unit)}{share})"


def overdue_phrase(due: date, text: str, count: int, year: int) -> str:
    """3月31日节点“完成招标”已逾期未完成; with more: …“完成招标”等2个节点已逾期未完成."""
    more = f"等{count}个节点" if count > 1 else ""
    return f"{fmt_date(due, year)}节点“{milestone_label(text)}”{more}已逾期未完成"


def due_soon_phrase(due: date, text: str, as_of: date, year: int) -> str:
    """4月20日节点“完成招标”将于10日后到期 (今日到期; 已过期3日,处于宽限期内)."""
    days = (due - as_of).days
    when = f"将于{days}日后到期" if days > 0 else "今日到期" if days == 0 else f"已过期{-days}日,处于宽限期内"
    return f"{fmt_date(due, year)}节点“{milestone_label(text)}”{when}"
