"""What a new case on a task should say and whom it goes to: the indicator that lags most (its
words make the title) and the lead unit most likely responsible for it.

A task often has several lead units each for a part of it (task 14 of 2024: 市红十字会 for the AED,
市消防救援支队 for the fire stations), so the first lead is not the answer: the unit whose name
shares the most words with the lagging part is; with no such word, the lead in the same position
as the indicator (documents list the units in the order of the parts); else the first lead."""
from __future__ import annotations

from datetime import date
from itertools import pairwise

from duban.assess import Status
from duban.ledger.models import Responsibility, Task, Unit

# what every unit name has and says nothing about what it does
_GENERIC = set("市区县省委局办厅会中心支队总队管理服务发展改革建设城乡和与及")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return {a + b for a, b in pairwise(chars) if not (a in _GENERIC and b in _GENERIC)}


def _core(name: str) -> str:
    for prefix in ("市", "区", "县"):
        if name.startswith(prefix):
            name = name[1:]
    return name


def affinity(unit_name: str, text: str) -> int:
    """How many two-character words of the unit's name (without 市) appear in `text`."""
    return len(_bigrams(_core(unit_name)) & _bigrams(text))


def leads_of(task: Task) -> list[Unit]:
    return [r.unit for r in task.responsibilities.filter(role=Responsibility.Role.LEAD)
            .select_related("unit").order_by("order")]


def lagging_indicator(task: Task, as_of: date):
    """The task's indicator that lags most on `as_of` (an IndicatorAssessment), None when none lags."""
    from duban.ledger.assessment import assess_tasks

    result = assess_tasks([task], as_of).get(task.pk)
    if result is None:
        return None
    lagging = [i for i in result.indicators if i.status.severity >= Status.BEHIND.severity]
    return min(lagging, key=lambda i: (-i.status.severity, i.ratio if i.ratio is not None else 0.0), default=None)


def likely_lead(task: Task, text: str = "", metric: str = "") -> Unit | None:
    """The lead unit most likely responsible for `metric` (or, without one, for `text`)."""
    leads = leads_of(task)
    if len(leads) <= 1:
        return leads[0] if leads else None
    words = metric or text
    scores = [affinity(u.name, words) for u in leads]
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return leads[scores.index(best)]
    if metric:
        metrics = list(task.indicators.order_by("order", "pk").values_list("metric", flat=True))
        if metric in metrics and len(metrics) == len(leads):
            return leads[metrics.index(metric)]
    return leads[0]


def case_title(task: Task, indicator=None) -> str:
    """关于第14项“开工建设城镇消防站”严重滞后的督办: named by the lagging part, not the whole task."""
    if indicator is not None:
        return f"关于第{task.number}项“{indicator.metric}”{indicator.status.value}的督办"
    label = task.title or task.content
    label = label if len(label) <= 40 else label[:40] + "…"
    return f"关于第{task.number}项“{label}”{task.status or '滞后'}的督办"
