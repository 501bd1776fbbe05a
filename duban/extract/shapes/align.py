"""Cells to columns by what they hold, when a row does not line up with its header.

A table that arrives one cell per paragraph loses its empty cells, a row may print one cell fewer
than the header (the merged 序号 lost), and a cell may span several paragraphs (three unit names,
numbered sub-paragraphs, a wrapped line). Each paragraph is scored against each column kind (a
person's name fits the person column, organisations a unit column, 是/否 the schedule flag, a long
sentence the task or progress column) and the best monotone assignment wins; a paragraph may open
a second pass over the columns (a sub-row: 开工建设老年大学。 / 12月底前 under the same number).
"""
from __future__ import annotations

import math
import re

from duban.extract.normalize import close_spaces
from duban.extract.units import looks_like_organisation, split_units

# A schedule flag or status cell, and what it says of the schedule (None: it does not say).
_ON_TRACK = ("是", "达序", "超序", "序时", "正常", "正常推进", "顺利推进", "按时推进", "按序推进", "有序推进", "完成任务", "超额完成",
             "已完成", "全面完成", "提前完成")
_BEHIND = ("否", "未达序", "滞后", "未完成", "未启动")
_NEUTRAL = ("加快推进", "基本完成", "推进中", "进行中", "已启动")
_STATUS = re.compile("^(?:" + "|".join(sorted(_ON_TRACK + _BEHIND + _NEUTRAL, key=len, reverse=True)) + ")$")
_DATE_WORDS = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月|季度|年底|年末|上半年|下半年|全年|年内")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:[,,、][\u4e00-\u9fff]{2,4})*$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%$")
_BARE = re.compile(r"^\d+(?:\.\d+)?$")
_CLAUSE_MARK = re.compile(r"[。,,;;]")
_SKIP = -0.4      # a column left empty
_WRAP = -2.5      # a second pass over the columns (a sub-row)


def is_status(text: str) -> bool:
    return bool(_STATUS.match(close_spaces(text)))


def on_track(text: str) -> bool | None:
    """`是`/`顺利推进` → True, `否`/`滞后` → False, anything else → None."""
    t = close_spaces(text)
    if t.startswith(_BEHIND):  # 未达序 before 达序
        return False
    if t.startswith(_ON_TRACK):
        return True
    return None


def fit(text: str, kind: str) -> float:
    """How well one paragraph fits a column of `kind` (higher is better)."""
    t = close_spaces(text)
    if not t:
        return 0.0
    long = len(t) >= 12 or bool(_CLAUSE_MARK.search(t))
    if kind in ("content", "title"):
        return 2.0 if long or len(t) >= 6 else 0.5
    if kind == "person":
        return 3.0 if _PERSON.match(t) and not _all_organisations(t) else -4.0
    if kind in ("lead", "co", "resp"):
        return 3.0 if _all_organisations(t) else -3.0
    if kind in ("schedule", "period_target"):
        dated = _DATE_WORDS.match(t) or len(_DATE_WORDS.findall(t)) >= 2 or (_DATE_WORDS.search(t) and len(t) <= 40)
        return 2.5 if dated else (0.8 if kind == "period_target" else -1.0)
    if kind == "progress":
        return 2.2 if long else (-2.0 if is_status(t) else 0.3)
    if kind == "on_track":
        return 4.0 if is_status(t) else -3.0
    if kind == "note":
        return 1.5 if long else -1.0
    if kind == "percent":
        return 4.0 if _PERCENT.match(t) else -3.0
    if kind == "done":
        return 4.0 if _BARE.match(t) else -3.0
    return 0.0  # a column the grammar ignores (联系电话, 下一步计划)


def _all_organisations(text: str) -> bool:
    names = split_units(text)
    return bool(names) and all(looks_like_organisation(n) for n in names)


# The search below costs paragraphs × columns² steps: a real row (a few dozen paragraphs, a dozen
# columns) takes thousands; a mangled file (a thousand columns of `|`) would take minutes.
MAX_STEPS = 1_000_000


def align(paragraphs: list[str], kinds: list[str]) -> list[list[str]]:
    """Paragraphs (in order) to columns (in order): for each column, the paragraphs it holds."""
    n, m = len(paragraphs), len(kinds)
    out: list[list[str]] = [[] for _ in range(m)]
    if not n or not m:
        return out
    scores = [[fit(p, k) for k in kinds] for p in paragraphs]
    if n * m * m > MAX_STEPS:  # a mangled row: each paragraph to the best column from the last one on
        j = 0
        for p, fits in zip(paragraphs, scores):
            j = max(range(j, m), key=lambda k: fits[k])
            out[j].append(p)
        return out

    # best[i][j + 1]: the best score for paragraphs[i:] when paragraph i-1 went to column j (j = -1:
    # none yet), and the column paragraph i then goes to. Filled from the last paragraph back, so
    # that no document is too long for it (a recursion would stop at ~1,000 paragraphs).
    best: list[list[tuple[float, int]]] = [[(0.0, -1)] * (m + 1) for _ in range(n + 1)]
    for j in range(-1, m):
        best[n][j + 1] = ((_SKIP * (m - 1 - j) if j >= 0 else 0.0), -1)
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(-1, m):
            top, choice = -math.inf, -1
            for k in range(max(j, 0), m):
                skipped = k - j - 1 if j >= 0 else k
                gain = scores[i][k] + _SKIP * max(skipped, 0) - (0.6 if k == j else 0.0)
                total = gain + below[k + 1][0]
                if total > top:  # the first of equal scores, as max() took it
                    top, choice = total, k
            if j >= 0:
                for k in range(j + 1):  # a sub-row: start over at an earlier column
                    gain = scores[i][k] + _WRAP + _SKIP * (m - 1 - j)
                    total = gain + below[k + 1][0]
                    if total > top:
                        top, choice = total, k
            row[j + 1] = (top, choice)
    path, j = [], -1
    for i in range(n):
        j = best[i][j + 1][1]
        path.append(j)
    for p, k in zip(paragraphs, path):
        out[k].append(p)
    return out
