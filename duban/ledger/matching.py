"""Which plan task a progress task restates, and which indicator a reported value measures (pure).

Documents name the same thing a little differently each time (城镇新增就业 / 全市城镇新增就业;
开工新建改扩建中小学和幼儿园 / 推动开工中小学和幼儿园), so names are compared by shared
characters, with the unit of measure as a hard condition.
"""
from __future__ import annotations

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
