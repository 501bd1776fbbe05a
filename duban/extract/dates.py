"""Deadlines and periods of the genre, placed in the plan year: 3月底前, 7月份, 年底前, 第一季度, 截至11月底, 1-11月, 上半年."""
from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_YEAR = r"(?:(?P<y>(?:19|20)\d{2})年)?"
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}

# A dated step opens with one of these (the words are dropped from the milestone's text).
STEP_DATE = re.compile(
    rf"(?:到|至|截至|截止|在)?{_YEAR}(?:"
    rf"(?P<range>(?:1[0-2]|0?[1-9])[-—~至到])?{_MONTH}月(?:(?P<d>[0-3]?\d)日|(?P<xun>[上中下])旬)?(?:底|末|份|中旬|下旬|上旬)?(?:前|之前|以前)?"
    rf"|(?P<ye>年底|年末|年内|全年|年度内)(?:前|之前)?"
    rf"|第?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前)?(?:\((?P<qm>1[0-2]|0?[1-9])月份?(?:底|末)?\))?"
    rf"|(?P<half>上半年|下半年)(?:末|底)?(?:前)?"
    rf"|前三季度"
    rf")[,,::\s]*")

# 截至11月底 / 截至2024年9月30日: a cut-off date.
_CUTOFF = re.compile(rf"(?:截至|截止到?|截止至|到){_YEAR}{_MONTH}月(?:(?P<d>[0-3]?\d)日|底|末|份)?")
# 1-11月 / 上半年 / 前三季度 / 第一季度: a reporting period, ending on its last day.
_SPAN = re.compile(
    rf"{_YEAR}(?:(?P<from>1|一)[-—~至到](?P<to>1[0-2]|[2-9]|十[一二]?|[二三四五六七八九])月"
    rf"|(?P<half>上半年|下半年)|(?P<q3>前三季度)|第?(?P<q>[一二三四])季度"
    rf"|(?<![\d-])(?P<mo>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月份(?=[^,。;]{{0,12}}(?:进展|推进情况|完成情况|工作情况)))")

_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")


def month_number(s: str) -> int:
    return int(s) if s.isdigit() else _CN_MONTH[s]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def step_due(match: re.Match, year: int | None) -> date | None:
    """The due date of a STEP_DATE match; None when the plan year is unknown."""
    y = int(match.group("y")) if match.group("y") else year
    if y is None:
        return None
    if match.group("m"):
        month = month_number(match.group("m"))
        if match.group("d"):
            day = int(match.group("d"))
            if 1 <= day <= calendar.monthrange(y, month)[1]:
                return date(y, month, day)
        return month_end(y, month)
    if match.group("ye"):
        return date(y, 12, 31)
    if match.group("q"):
        if match.group("qm"):  # 第四季度(11月份): the month refines the quarter
            return month_end(y, int(match.group("qm")))
        return month_end(y, _QUARTER[match.group("q")])
    if match.group("half"):
        return date(y, 6, 30) if match.group("half") == "上半年" else date(y, 12, 31)
    return date(y, 9, 30)  # 前三季度


def period_end(text: str, year: int | None) -> date | None:
    """The last day of the period a progress text or title reports on (截至11月底, 1-11月, 上半年)."""
    cut = _CUTOFF.search(text)
    span = _SPAN.search(text) if "月" in text or "半年" in text or "季度" in text else None  # what every span names
    m = min((x for x in (cut, span) if x), key=lambda x: x.start(), default=None)
    if m is None:
        return None
    y = int(m.group("y")) if m.group("y") else year
    if y is None:
        return None
    if m is cut:
        month = month_number(m.group("m"))
        if m.group("d") and 1 <= int(m.group("d")) <= calendar.monthrange(y, month)[1]:
            return date(y, month, int(m.group("d")))
        return month_end(y, month)
    if m.group("to"):
        return month_end(y, month_number(m.group("to")))
    if m.group("mo"):  # 2024年10月份民生实事进展情况
        return month_end(y, month_number(m.group("mo")))
    if m.group("half"):
        return date(y, 6, 30) if m.group("half") == "上半年" else date(y, 12, 31)
    if m.group("q3"):
        return date(y, 9, 30)
    return month_end(y, _QUARTER[m.group("q")])


def cutoff_date(text: str, year: int | None) -> date | None:
    """A cut-off printed in the text (`截至11月底`, `截至2024年9月30日`), or None."""
    m = _CUTOFF.search(text)
    if m is None:
        return None
    y = int(m.group("y")) if m.group("y") else year
    if y is None:
        return None
    month = month_number(m.group("m"))
    if m.group("d") and 1 <= int(m.group("d")) <= calendar.monthrange(y, month)[1]:
        return date(y, month, int(m.group("d")))
    return month_end(y, month)


def first_year(text: str) -> int | None:
    m = _YEAR_RE.search(text)
    return int(m.group(1)) if m else None


_PUBLISHED = re.compile(r"(?:成文日期|发布日期|发布时间|印发日期|发文日期|公开日期)\s*[::]?\s*\|?\s*((?:19|20)\d{2})[-/.年]\d{1,2}")


def publication_year(text: str) -> int | None:
    """The year of the page's publication metadata (`成文日期 | 2020-10-28`, `发布日期:2021-09-08`)."""
    m = _PUBLISHED.search(text)
    return int(m.group(1)) if m else None


def common_year(text: str) -> int | None:
    """The year a text mentions most (the latest on a tie): a fallback for documents without a dated title."""
    years = Counter(int(y) for y in _YEAR_RE.findall(text))
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))
