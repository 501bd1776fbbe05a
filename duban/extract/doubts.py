"""Doubt made visible: where an extracted plan looks wrong, say so in `findings` (the import preview
shows them beside the task), instead of publishing a status the document may contradict.

Each check is a plain function over the built tasks; each finding names the task and where it is.
"""
from __future__ import annotations

import re

from duban.extract.numbers import Quantity
from duban.extract.plan import Finding, Plan, Task
from duban.extract.units import looks_like_organisation

# A metric that starts or ends with a word that never does so in a name: a fragment of a sentence.
_BAD_START = re.compile(r"^[的和及与了等、,.;:()]")
_BAD_END = re.compile(r"[的和与等、,(]$")


def review(plan: Plan) -> list[Finding]:
    """All doubts about `plan`'s tasks, in document order."""
    out: list[Finding] = []
    counts = [len(t.targets) for t in plan.tasks]
    typical = median(counts) if counts else 0
    for task in plan.tasks:
        out += many_targets(task, typical)
        out += fragmentary_metrics(task)
        out += doubtful_units(task)
        out += unmatched_values(task)
    return out


def median(values: list[int]) -> float:
    """statistics.median, without importing the statistics module (and fractions, decimal, random) at start-up."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def many_targets(task: Task, typical: float) -> list[Finding]:
    """Far more targets than its neighbours: often two tasks glued together, or a table misread."""
    if len(task.targets) >= max(8, 3 * typical + 3):
        return [Finding("many_targets", f"本项识别出{len(task.targets)}个指标,远多于其他事项(通常{typical:g}个),"
                        "可能把几项任务或表格内容合在了一起", task.number, task.where)]
    return []


def _fragment(q: Quantity) -> bool:
    metric = q.metric.strip()
    return not metric or bool(_BAD_START.search(metric) or _BAD_END.search(metric)) or metric.isdigit()


def fragmentary_metrics(task: Task) -> list[Finding]:
    out = []
    quantities = list(task.targets) + [q for m in task.milestones for q in m.targets]
    for q in quantities:
        if _fragment(q):
            name = q.metric or "(空)"
            out.append(Finding("metric_fragment", f"指标名称「{name}」不完整({q.literal}),请核对", task.number, task.where))
    return out


def doubtful_units(task: Task) -> list[Finding]:
    return [Finding("unit_not_organisation", f"「{u}」不像单位名称(可能是人名或残缺),请核对", task.number, task.where)
            for u in task.lead_units + task.co_units if not looks_like_organisation(u)]


def unmatched_values(task: Task) -> list[Finding]:
    """A progress value whose unit no target of the task shares: the ledger cannot link it by itself."""
    if not task.targets:
        return []
    units = {q.unit for q in task.targets}
    out = []
    for p in task.progress:
        for v in p.values:
            if v.unit in units or v.unit == "" or (v.unit == "%" and v.percent is not None):
                continue
            out.append(Finding("unmatched_value", f"进展数值「{v.literal}」与本项任何指标的单位都不对应,请核对",
                               task.number, task.where))
    return out
