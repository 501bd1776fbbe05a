"""A TaskDraft (the raw parts a shape found) → a Task, with its quantities, milestones, units and progress."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from duban.extract import meaning
from duban.extract.dates import cutoff_date, period_end
from duban.extract.labels import NEXT_STEPS, PROGRESS_FIELD
from duban.extract.normalize import close_spaces
from duban.extract.numbers import (
    Quantity,
    chinese_to_number,
    find_quantities,
    unexplained_numbers,
)
from duban.extract.plan import Finding, Progress, Task
from duban.extract.shapes.schedule import dated_clauses, milestones
from duban.extract.units import Units


@dataclass(slots=True)
class ProgressDraft:
    """One progress cell or paragraph, before its quantities are read."""

    text: str
    as_of: date | None = None          # from a column header (1-11月推进情况) or the document
    values: list[tuple[float, float | None]] | None = None  # bare completion figures and their percents
    on_track: bool | None = None       # a 是否达序 / 进展状态 column
    note: str | None = None            # a 说明 / 备注 column


@dataclass(slots=True)
class TaskDraft:
    number: str
    where: str
    content: str
    section: str | None = None
    title: str | None = None
    domain: str | None = None
    units: Units = field(default_factory=Units)
    schedule: str = ""
    progress: list[ProgressDraft] = field(default_factory=list)


@dataclass(slots=True)
class Context:
    year: int | None
    period_end: date | None  # the document's reporting date (its title's 1-11月, 上半年 …)
    findings: list[Finding]
    dated_clauses: bool = True  # False when the document's tasks have schedules (a schedule wins)


_TASK_NUMBER = re.compile(
    r"\s*第?\s*[(（]?\s*(\d{1,4}(?:\.\d{1,3})*|[一二三四五六七八九十百]{1,4})\s*[)）]?\s*[件项条个]?\s*[.、．:]?\s*")


def task_number(raw: str) -> str | None:
    """`1`, `1.`, `第1件`, `(一)`, `一` → digits; None when the cell is no number."""
    m = _TASK_NUMBER.fullmatch(raw)
    if not m:
        return None
    n = m.group(1)
    if n[0].isdigit():
        return n
    value = chinese_to_number(n)
    return str(int(value)) if value else None




def _progress(entry: ProgressDraft, task: Task, ctx: Context, where: str) -> Progress | None:
    text = PROGRESS_FIELD.sub("", entry.text)
    if ":" in text:  # the next steps are a labelled field, and a label ends in a colon
        text = NEXT_STEPS.sub("", text)
    text = close_spaces(text)
    if not text and entry.values is None:
        return None
    # The text's own cut-off (截至4月10日) wins; then the column's period, the document's, and a
    # period the text merely mentions (已完成第一季度结对仪式 is no report date when the title has one).
    as_of = cutoff_date(text, ctx.year) or entry.as_of or ctx.period_end or period_end(text, ctx.year)
    if as_of is None:
        ctx.findings.append(Finding("no_as_of", "进展情况没有截至日期", task.number, where))
    if entry.values is not None:  # bare completion figures: the achieved values, unit ""
        values = [Quantity(metric=task.title or task.content[:20], value=v, unit="", qualifier="=", start=0, end=0,
                           literal=str(v), percent=p) for v, p in entry.values]
    else:
        values = meaning.achievements(text, find_quantities(text, percents=True))
    return Progress(as_of=as_of, text=text, values=values, on_track=entry.on_track, note=entry.note)


def build_task(draft: TaskDraft, ctx: Context) -> Task:
    content = close_spaces(draft.content)
    task = Task(number=draft.number, content=content, where=draft.where, section=draft.section,
                title=draft.title, domain=close_spaces(draft.domain) if draft.domain else None,
                lead_units=list(draft.units.leads), co_units=list(draft.units.co))
    task.targets = meaning.targets(content, find_quantities(content))
    for context in unexplained_numbers(content, task.targets):
        ctx.findings.append(Finding("unknown_number", f"未能识别的数字:「{context}」", task.number, draft.where))
    if draft.schedule.strip():
        task.milestones, unplaced = milestones(draft.schedule, ctx.year)
        if unplaced:
            ctx.findings.append(Finding("no_year", "时间节点没有年份,无法确定日期(可用 --year 指定计划年度)",
                                        task.number, draft.where))
    elif ctx.dated_clauses:  # no schedule of its own: the dated clauses of its text are its milestones
        task.milestones = dated_clauses(content, ctx.year)
    for entry in draft.progress:
        progress = _progress(entry, task, ctx, draft.where)
        if progress is not None:
            task.progress.append(progress)
    if not task.lead_units and not task.co_units:
        ctx.findings.append(Finding("no_unit", "未找到责任单位", task.number, draft.where))
    return task
