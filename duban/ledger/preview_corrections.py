"""The office's corrections made in an import's preview, applied to the ledger as office corrections.

The document is stored as it is (what it says stays on record); each field the office changed in the
preview is then corrected through the correction services — audited, locked against later versions of
the document, reassessed — in the same transaction as the import. So a correction made on the preview
of a file already imported is applied too, instead of being thrown away with an "unchanged" import.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from duban.errors import InvalidInput
from duban.ledger import corrections as C
from duban.ledger.models import Indicator, Milestone, Plan, Task
from duban.ledger.units import resolve_unit


@dataclass
class TargetEdit:
    index: int | None  # the target's place in the extraction; None: an indicator the office adds
    metric: str
    value: str
    unit: str
    qualifier: str
    tracked: bool = True


@dataclass
class MilestoneEdit:
    index: int
    due: str
    text: str


@dataclass
class TaskEdit:
    """What the office changed of one extracted task (only the fields it changed)."""

    number: str
    fields: dict | None = None  # content, section, domain
    units: tuple[list[str], list[str]] | None = None  # (leads, cos)
    targets: list[TargetEdit] = field(default_factory=list)
    milestones: list[MilestoneEdit] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.units or self.targets or self.milestones)


def apply_preview_corrections(actor, plan: Plan, extraction: dict, edits: list[TaskEdit], *, today: date) -> int:
    """Apply `edits` (made on the preview of `extraction`) to the plan's tasks; the number of tasks
    corrected. Raises InvalidInput naming the task when a correction breaks a rule."""
    originals = {t.get("number"): t for t in extraction.get("tasks") or []}
    done = 0
    for edit in edits:
        if not edit:
            continue
        task = Task.objects.filter(plan=plan, number=edit.number).select_related("plan", "section").first()
        if task is None:
            raise InvalidInput(f"第{edit.number}项不在计划《{plan}》中,无法更正")
        try:
            _apply(actor, task, originals.get(edit.number) or {}, edit, today)
        except InvalidInput as e:
            raise InvalidInput(f"第{edit.number}项:{e.message}") from None
        done += 1
    return done


def _apply(actor, task: Task, original: dict, edit: TaskEdit, today: date) -> None:
    if edit.fields:
        now = {"content": task.content, "section": task.section.title if task.section else "", "domain": task.domain}
        C.correct_task(actor, task, today=today, **(now | edit.fields))
    if edit.units:
        leads, cos = edit.units
        for name in [*leads, *cos]:  # a unit the office names in the preview is the document's, as an import's are
            resolve_unit(name)
        C.correct_units(actor, task, leads=leads, cos=cos, today=today)
    targets = original.get("targets") or []
    for t in edit.targets:
        values = {"metric": t.metric, "target": t.value, "unit": t.unit, "qualifier": t.qualifier}
        if t.index is None:
            C.add_indicator(actor, task, today=today, **values)
            continue
        indicator = _indicator_for(task, targets[t.index])
        if indicator is None:
            raise InvalidInput(f"指标“{targets[t.index].get('metric') or ''}”未能对应台账中的指标,请在任务页更正")
        C.correct_indicator(actor, indicator, tracked=t.tracked, today=today, **values)
    steps = original.get("milestones") or []
    for m in edit.milestones:
        milestone = _milestone_for(task, steps[m.index])
        if milestone is None:
            raise InvalidInput("时间节点未能对应台账中的节点,请在任务页更正")
        C.correct_milestone(actor, milestone, due=m.due, text=m.text, today=today)


def _indicator_for(task: Task, target: dict) -> Indicator | None:
    """The indicator the import made of this target: the same metric and value."""
    for ind in task.indicators.order_by("order", "pk"):
        if ind.metric == (target.get("metric") or "") and ind.unit == (target.get("unit") or "") \
                and abs(ind.target - float(target.get("value") or 0)) < 1e-9:
            return ind
    return None


def _milestone_for(task: Task, step: dict) -> Milestone | None:
    due = step.get("due")
    for m in task.milestones.all():
        if m.text == (step.get("text") or "") and (due is None or m.due.isoformat() == due):
            return m
    return None
