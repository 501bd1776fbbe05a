"""Which plan task a progress task restates, and which indicator a reported value measures (pure).

Documents name the same thing a little differently each time (城镇新增就业 / 全市城镇新增就业;
开工新建改扩建中小学和幼儿园 / 推动开工中小学和幼儿园), so names are compared by shared
characters, with the unit of measure as a hard condition.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from duban.extract.lexicon import lexicon

_NOISE = set("的了和与及、,,。;:()“”《》 全市累计完成实现推动新增开展建设")


def similarity(a: str, b: str) -> float:
    """0..1: how much two short names share, ignoring filler characters."""
    a2 = "".join(ch for ch in a if ch not in _NOISE) or a
    b2 = "".join(ch for ch in b if ch not in _NOISE) or b
    if not a2 or not b2:
        return 0.0
    common = sum(min(a2.count(ch), b2.count(ch)) for ch in set(a2))
    overlap = common / min(len(a2), len(b2))
    return 0.5 * overlap + 0.5 * SequenceMatcher(None, a2, b2).ratio()


def same_unit(a: str, b: str) -> bool:
    lx = lexicon()
    return lx.unit_name(a or "") == lx.unit_name(b or "")


@dataclass(frozen=True, slots=True)
class Candidate:
    key: object
    metric: str
    unit: str
    target: float


def best_indicator(metric: str, unit: str, candidates: list[Candidate], *, value: float | None = None,
                   percent: float | None = None, threshold: float = 0.35):
    """The key of the indicator a quantity measures, or None: same unit required; the metric decides
    among several; a reported percent of plan that fits value/target settles a near tie."""
    scored = []
    for c in candidates:
        if not same_unit(unit, c.unit):
            continue
        score = similarity(metric, c.metric)
        if percent is not None and value is not None and c.target:
            fits = abs(value / c.target * 100 - percent) <= max(1.0, 0.02 * percent)
            score += 0.3 if fits else -0.1
        scored.append((score, c.key))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0], reverse=True)
    if len(scored) == 1 and scored[0][0] >= threshold * 0.5:
        return scored[0][1]
    return scored[0][1] if scored[0][0] >= threshold else None


def best_task(number: str, content: str, tasks: list[tuple[object, str, str]], *, threshold: float = 0.45):
    """The key of the plan task (key, number, content) a restated task matches, or None: the same number
    with similar content, else the most similar content."""
    same_number = [t for t in tasks if t[1] == number]
    for key, _, text in same_number:
        if similarity(content[:120], text[:120]) >= threshold:
            return key
    scored = sorted(((similarity(content[:120], text[:120]), key) for key, _, text in tasks),
                    key=lambda s: s[0], reverse=True)
    if scored and scored[0][0] >= threshold + 0.15:
        return scored[0][1]
    return None


# ---------------------------------------------------------------- the values of one report

_SENTENCE_END = "。;;!!??\n"
_CLAUSE_END = _SENTENCE_END + ",,"
# Words just before a figure in its clause that make it a plan figure, not an achievement:
# 计划新增锅炉19台, 年度目标3所, 预计年底前再建成5个, 剩余7处将于…开工.
_PLAN_WORDS = ("计划", "目标", "预计", "力争", "争取", "剩余", "将于", "拟")
MARGIN = 0.1  # two indicators whose scores are closer than this both fit: the value is ambiguous


@dataclass(frozen=True, slots=True)
class Reported:
    """A value of a report as the extraction gives it (metric, value, unit, percent)."""
    metric: str
    value: float
    unit: str
    percent: float | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one reported value goes: `key` of its indicator, or None with `reason` — no_match (no
    indicator of its unit and name), ambiguous (two fit as well), taken (another value of the report
    measures that indicator better) or plan (the sentence states it as plan); `sentence` it sits in."""
    key: object
    reason: str
    sentence: str
    candidates: tuple = ()


def _forms(value: float) -> list[str]:
    """How a figure may be printed: 4575600 → 4575600, 457.56万; 30 → 30."""
    def plain(x: float) -> str:
        text = f"{x:.4f}".rstrip("0").rstrip(".")
        return text or "0"
    out = []
    for scale, suffix in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= scale:
            out.append(plain(value / scale) + suffix)
    out.append(plain(value))
    return out


def locate(text: str, value: float, unit: str, start: int = 0) -> tuple[int, int] | None:
    """The span of the figure `value` in `text` from `start`, printed with its unit when it is (so the
    100 of 占年计划的100% is not the 100个 of the next clause); never inside a longer number."""
    for with_unit in (True, False):
        for form in _forms(value):
            pos = start
            while (i := text.find(form, pos)) >= 0:
                end = i + len(form)
                before = text[i - 1] if i > 0 else ""
                after = text[end:end + 2]
                pos = i + 1
                if before.isdigit() or before == "." or after[:1].isdigit() or (after[:1] == "." and after[1:].isdigit()):
                    continue
                if with_unit and not (unit and text.startswith(unit, end)):
                    continue
                return i, end
    return None


def _span(text: str, i: int, j: int, ends: str) -> tuple[int, int]:
    a = max(text.rfind(ch, 0, i) for ch in ends) + 1
    b = min([k for k in (text.find(ch, j) for ch in ends) if k >= 0] or [len(text)])
    return a, b


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if ch.isalnum() and not ch.isascii()]
    return {a + b for a, b in zip(chars, chars[1:])}


def _coverage(name: str, context: str) -> float:
    """The share of an indicator name's character pairs that the value's sentence contains."""
    wanted = _bigrams(name)
    return len(wanted & _bigrams(context)) / len(wanted) if wanted else 0.0


def _restates(sentence: str, target: float, unit: str) -> bool:
    return any(form + unit in sentence for form in _forms(target)) if unit else False


def _plan_figure(before: str, after: str) -> bool:
    """A figure its clause states as plan: a plan word before it and nothing done after it
    (计划新增锅炉19台; not 计划投用的5处公交场站均已完工), or a restated base (推动开工的40所…中)."""
    done = any(w in after for w in _DONE_WORDS)
    if any(w in before for w in _PLAN_WORDS) and not done:
        return True
    return before.endswith("的") and after.rstrip().endswith("中") and not done


_DONE_WORDS = ("已", "完成", "建成", "完工", "达到", "实现")


def _tells_apart(first: str, second: str, words: str) -> bool:
    """Whether the value's words name what only the first of two close indicators has, and nothing
    that only the second has (开工城市居家…: 城市 against 完善提升城市… / 改扩建农村…)."""
    a, b, seen = _bigrams(first), _bigrams(second), _bigrams(words)
    return bool((a - b) & seen) and not (b - a) & seen


def place_values(text: str, values: list[Reported], candidates: list[Candidate], *,
                 threshold: float = 0.35) -> list[Placement]:
    """Each value of one report to the indicator it measures: same unit required; scored by its metric,
    the words before it in its sentence (the indicator's name and a restated target there) and a
    percent of plan that fits value/target. A value that fits two indicators as well, or none, or only
    one that another value fits better, or that its clause states as plan, is placed nowhere: it waits
    for a person (待核实)."""
    text = text or ""
    spans: list[tuple[str, str, str, str]] = []  # (sentence, context, before and after it in its clause)
    pos = 0
    for v in values:
        found = locate(text, v.value, v.unit, pos) or locate(text, v.value, v.unit, 0)
        if found is None:
            spans.append(("", "", "", ""))
            continue
        i, j = found
        a, b = _span(text, i, j, _SENTENCE_END)
        c, d = _span(text, i, j, _CLAUSE_END)
        # The value's own words: from the previous value (or its sentence's start) to its clause's end.
        tail = re.match(r"[^\d、,,。;;]*", text[j:d]).group(0)  # up to the next figure or list item
        context = text[max(a, pos if pos <= i else a):i] + tail
        pos = j
        spans.append((text[a:b].strip(), context, text[c:i], text[j:d]))
    per_unit: dict[str, int] = {}
    for c in candidates:
        per_unit[lexicon().unit_name(c.unit or "")] = per_unit.get(lexicon().unit_name(c.unit or ""), 0) + 1
    scores: list[list[tuple[float, Candidate]]] = []
    for v, (_, context, _, _) in zip(values, spans):
        row = []
        for c in candidates:
            if not same_unit(v.unit, c.unit):
                continue
            score = similarity(v.metric, c.metric) if v.metric else 0.0
            if context:
                score = max(score, _coverage(c.metric, context) * 0.8)
                if _restates(context, c.target, c.unit):
                    score += 0.1
            if v.percent is not None and c.target:
                fits = abs(v.value / c.target * 100 - v.percent) <= max(1.0, 0.02 * v.percent)
                score += 0.3 if fits else -0.1
            if c.target and math.isclose(v.value, c.target):
                score += 0.15  # a level reported at its target (报销比例分别提高至80%、70%、60%)
            row.append((score, c))
        row.sort(key=lambda s: s[0], reverse=True)
        scores.append(row)
    out: list[Placement] = []
    choice: dict[int, tuple[object, float]] = {}
    for n, (v, row, (sentence, context, before, after)) in enumerate(zip(values, scores, spans)):
        alone = per_unit.get(lexicon().unit_name(v.unit or ""), 0) == 1
        bar = threshold * 0.5 if alone else threshold  # the task's only indicator of that unit: a weaker name will do
        fitting = tuple(c.key for s, c in row if s >= bar)
        if sentence and _plan_figure(before, after):
            out.append(Placement(None, "plan", sentence, fitting))
        elif not fitting:
            out.append(Placement(None, "no_match", sentence))
        elif (len(row) > 1 and row[1][0] >= bar and row[0][0] - row[1][0] < MARGIN
              and not _tells_apart(row[0][1].metric, row[1][1].metric, v.metric + context)):
            out.append(Placement(None, "ambiguous", sentence, fitting))
        else:
            out.append(Placement(row[0][1].key, "matched", sentence, (row[0][1].key,)))
            choice[n] = (row[0][1].key, row[0][0])
    best_for: dict[object, int] = {}
    for n, (key, score) in choice.items():  # an indicator takes the value that fits it best (the first on a tie)
        if key not in best_for or score > choice[best_for[key]][1]:
            best_for[key] = n
    for n, (key, _) in choice.items():
        if best_for[key] != n:
            out[n] = Placement(None, "taken", out[n].sentence, (key,))
    return out
