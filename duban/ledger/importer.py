"""`duban import`: a document → the ledger, all or nothing, idempotent, audited.

A plan document creates or updates its Plan (a new version prints what changed). A progress
document links to the plan of the same city, year and genre (task by number and content, each
value to the indicator it measures); with no plan in the ledger, the tasks and targets it restates
become the plan.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from duban.core.audit import record
from duban.errors import UnreadableDocument
from duban.extract import limits
from duban.extract.pipeline import extract_document
from duban.extract.readers import MAX_BYTES, read_bytes
from duban.ledger.assessment import reassess
from duban.ledger.genre import city_of, genre_of
from duban.ledger.matching import Candidate, Reported, best_task, place_values
from duban.ledger.models import (
    Finding,
    Observation,
    PendingValue,
    Plan,
    ProgressReport,
    SourceDocument,
    Task,
)
from duban.ledger.sync import TaskSync, plan_numbers
from duban.ledger.trend import forget_trend
from duban.ledger.version import bump_ledger_version


@dataclass
class ImportSummary:
    source: str
    outcome: str  # created, updated, unchanged, progress
    plan: str = ""
    plan_id: int | None = None
    tasks: int = 0
    units: int = 0
    indicators: int = 0
    milestones: int = 0
    progress_values: int = 0
    pending: int = 0  # progress values no single indicator takes: 待核实 in the review queue
    findings: int = 0
    changes: list[str] = field(default_factory=list)
    corrected: int = 0  # tasks the office corrected in the preview

    def line(self) -> str:
        verb = {"created": "新建计划", "updated": "更新计划", "unchanged": "已导入过,未改变",
                "progress": "导入进展"}[self.outcome]
        if self.outcome == "unchanged":
            return f"{self.source}: {verb}" + (f",更正{self.corrected}项任务" if self.corrected else "")
        return (f"{self.source}: {verb}《{self.plan}》 {self.tasks}项任务, {self.units}个单位, {self.indicators}个指标, "
                f"{self.milestones}个时间节点, {self.progress_values}个进展数值"
                + (f"(其中{self.pending}个待核实)" if self.pending else "") + f", {self.findings}条待核实")


def import_file(path: str | Path, *, actor=None, actor_name: str = "cli", year: int | None = None,
                today: date | None = None) -> ImportSummary:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise UnreadableDocument(path.name, "文件不存在", code="not_found") from None
    if size > MAX_BYTES:
        raise UnreadableDocument(path.name, f"文件过大({size / 1e6:.1f} MB),上限为 {MAX_BYTES // 2**20} MB",
                                 code="too_large")
    return import_bytes(path.read_bytes(), path.name, actor=actor, actor_name=actor_name, year=year, today=today)


def import_bytes(data: bytes, name: str, *, actor=None, actor_name: str = "cli", year: int | None = None,
                 today: date | None = None) -> ImportSummary:
    sha = hashlib.sha256(data).hexdigest()
    if SourceDocument.objects.filter(sha256=sha).exists():
        return ImportSummary(source=name, outcome="unchanged")
    with limits.reading(name):  # one budget (and wall-time limit) for reading and extracting
        document = read_bytes(data, name)
        extraction = extract_document(document, year=year).as_json()
    preamble = "\n".join(b.text for b in document.lines()[:30])
    return store_extraction(extraction, data=data, fmt=document.format, actor=actor, actor_name=actor_name,
                            context_text=preamble, today=today)


def store_extraction(extraction: dict, *, data: bytes, fmt: str, actor=None, actor_name: str = "cli",
                     context_text: str = "", today: date | None = None) -> ImportSummary:
    """Store an extraction (possibly corrected by a person) with its source bytes, in one transaction,
    and reassess the plan's tasks as of `today` (the caller's date; the local date when not given), so
    the stored statuses are current the moment the import is done."""
    sha = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        src = SourceDocument.objects.create(
            name=extraction["source"], sha256=sha, size=len(data), format=fmt, content=data,
            extraction=extraction, imported_by=actor_name)
        city = city_of(extraction.get("title") or "", default=settings.CITY)
        genre = genre_of((extraction.get("title") or "") + "\n" + context_text)
        if extraction.get("kind") == "progress" and not _has_schedule(extraction):
            summary, tasks_by_number = _store_progress(extraction, src, city, genre)
        else:  # a plan, or a plan table that also carries progress columns (a ledger export)
            summary, tasks_by_number = _store_plan(extraction, src, city, genre, today or timezone.localdate())
            summary.progress_values = sum(_store_report(task, entry, src)
                                          for number, task in tasks_by_number.items()
                                          for entry in _task_data(extraction, number).get("progress") or [])
        summary.pending = PendingValue.objects.filter(report__source=src).count()
        _store_findings(extraction, src, summary, tasks_by_number)
        record(actor, actor_name, "import", src, after=_counts(summary), summary=summary.line())
        if summary.plan_id is not None:
            reassess(list(Task.objects.filter(plan_id=summary.plan_id).values_list("pk", flat=True)),
                     today or timezone.localdate())
        forget_trend()  # the tasks counted (new, retired, back) may differ on every day
        bump_ledger_version()
    return summary


_CUTOFF = re.compile(r"^截至[^,,。]{1,16}[,,]")


def _without_cutoff(text: str) -> str:
    """A report's words without the 截至…, that a restatement may add in front."""
    return _CUTOFF.sub("", text or "", count=1)


def _has_schedule(extraction: dict) -> bool:
    return any(t.get("milestones") for t in extraction.get("tasks") or [])


def _task_data(extraction: dict, number: str) -> dict:
    numbers = plan_numbers(extraction["tasks"])
    return extraction["tasks"][numbers.index(number)]


def _counts(s: ImportSummary) -> dict:
    return {k: getattr(s, k) for k in ("outcome", "plan_id", "tasks", "units", "indicators", "milestones",
                                       "progress_values", "pending", "findings")} | {"changes": s.changes}


def _store_plan(extraction: dict, src: SourceDocument, city: str, genre: str, today: date):
    year, title = extraction["year"], extraction.get("title") or ""
    plan = (Plan.objects.filter(city=city, year=year, genre=genre, title=title).first()
            or (title and Plan.objects.filter(city=city, year=year, genre=genre, title="").first()) or None)
    created = plan is None
    if created:
        plan = Plan.objects.create(city=city, year=year, genre=genre, title=title, source=src)
    else:
        plan.title, plan.source = title or plan.title, src
        plan.save()
    sync = TaskSync(plan, today)
    numbers = plan_numbers(extraction["tasks"])
    seen = []
    for order, (number, tdata) in enumerate(zip(numbers, extraction["tasks"])):
        seen.append(sync.task(number, tdata, order, with_schedule=True))
    if not created:
        sync.retire_tasks_except(seen)
    for task, message in sync.disagreements:  # the document against the office's corrections: for the office
        Finding.objects.create(source=src, plan=plan, task=task, code="correction_disagrees", message=message)
    summary = _summary(src, "created" if created else "updated", plan, seen,
                       sync.changes + [m for _, m in sync.disagreements])
    return summary, dict(zip(numbers, seen))


def _store_progress(extraction: dict, src: SourceDocument, city: str, genre: str):
    year = extraction["year"]
    plan = (Plan.objects.filter(city=city, year=year, genre=genre).exclude(tasks=None)
            .order_by("-title").first())
    restated = plan is None
    if restated:  # no plan in the ledger: the tasks and targets the report restates become the plan
        plan = Plan.objects.create(city=city, year=year, genre=genre, title="", source=src)
    sync = TaskSync(plan)
    plan_tasks = [(t, t.number, t.content) for t in plan.tasks.all()]
    touched: list[Task] = []
    values = 0
    by_number: dict[str, Task] = {}
    for order, (number, tdata) in enumerate(zip(plan_numbers(extraction["tasks"]), extraction["tasks"])):
        task = sync.task(number, tdata, order, with_schedule=False) if restated else \
            best_task(number, tdata["content"], plan_tasks)
        if task is None:
            Finding.objects.create(source=src, plan=plan, code="no_task_match", where=tdata.get("where", ""),
                                   message=f"进展中的第{number}项无法对应到计划《{plan}》的任务")
            continue
        touched.append(task)
        by_number[number] = task
        for entry in tdata.get("progress") or []:
            values += _store_report(task, entry, src)
    summary = _summary(src, "progress", plan, touched, sync.changes)
    summary.progress_values = values
    return summary, by_number


def _store_report(task: Task, entry: dict, src: SourceDocument) -> int:
    as_of = date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None
    if as_of is None:
        return 0
    text = entry.get("text", "")
    same_day = ProgressReport.objects.filter(task=task, as_of=as_of).exclude(source=src).values_list("text", flat=True)
    if any(_without_cutoff(t) == _without_cutoff(text) for t in same_day):
        return 0  # the same report restated by another document (a ledger export): stored once
    # A new version of the same published report replaces the old one's values.
    ProgressReport.objects.filter(task=task, as_of=as_of, source__name=src.name).delete()
    report = ProgressReport.objects.create(task=task, as_of=as_of, text=entry.get("text", ""), source=src,
                                           state=ProgressReport.State.APPROVED)
    candidates = [Candidate(i, i.metric, i.unit, i.target) for i in task.indicators.all()]
    values = entry.get("values") or []
    placed = place_values(text, [Reported(v["metric"], v["value"], v["unit"], v.get("percent")) for v in values],
                          candidates)
    observations, pending = [], []
    for order, (v, where) in enumerate(zip(values, placed)):
        fields = {"report": report, "metric": v["metric"], "unit": v["unit"], "value": v["value"],
                  "qualifier": v.get("qualifier", "="), "percent": v.get("percent"), "order": order}
        if where.key is not None:
            observations.append(Observation(indicator=where.key, **fields))
        else:  # not an actual: the office assigns it or discards it (待核实)
            pending.append(PendingValue(task=task, sentence=where.sentence or text[:500], reason=where.reason,
                                        candidates=[c.pk for c in where.candidates], **fields))
    Observation.objects.bulk_create(observations)
    PendingValue.objects.bulk_create(pending)
    return len(values)


def _summary(src, outcome, plan, tasks, changes) -> ImportSummary:
    from duban.ledger.models import Indicator, Milestone, Responsibility

    ids = [t.pk for t in tasks]
    return ImportSummary(
        source=src.name, outcome=outcome, plan=str(plan), plan_id=plan.pk, tasks=len(ids),
        units=Responsibility.objects.filter(task_id__in=ids).values("unit").distinct().count(),
        indicators=Indicator.objects.filter(task_id__in=ids).count(),
        milestones=Milestone.objects.filter(task_id__in=ids).count(), changes=changes)


def _store_findings(extraction: dict, src, summary: ImportSummary, tasks_by_number: dict) -> None:
    plan = Plan.objects.filter(pk=summary.plan_id).first()
    rows = [Finding(source=src, plan=plan, task=tasks_by_number.get(f.get("task") or ""), code=f["code"],
                    message=f["message"], where=f.get("where", "")) for f in extraction.get("findings") or []]
    Finding.objects.bulk_create(rows)
    summary.findings = Finding.objects.filter(source=src).count()
