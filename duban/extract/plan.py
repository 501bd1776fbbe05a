"""The `duban.plan/1` data classes and their JSON (see shared/spec/interchange.md)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from duban.extract.numbers import Quantity

SCHEMA = "duban.plan/1"


@dataclass(slots=True)
class Finding:
    """Something the extractor could not place, for a person to review; never an abort."""

    code: str      # no_unit, no_year, no_tasks, unknown_number, …
    message: str   # in Chinese, for the reviewer
    task: str | None
    where: str

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message, "task": self.task, "where": self.where}

    def as_line(self, source: str) -> str:
        from duban.extract.where import where_zh

        task = f" 第{self.task}项" if self.task else ""
        return f"{source} {where_zh(self.where)}{task}:{self.message}"


@dataclass(slots=True)
class Milestone:
    due: date | None
    text: str
    targets: list[Quantity] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"due": self.due.isoformat() if self.due else None, "text": self.text,
                "targets": [q.as_json() for q in self.targets]}


@dataclass(slots=True)
class Progress:
    as_of: date | None
    text: str
    values: list[Quantity] = field(default_factory=list)
    on_track: bool | None = None  # the document's own schedule flag (是否达序), beside the ledger's judgement
    note: str | None = None       # its 说明 / 备注 column

    def as_json(self) -> dict:
        out: dict = {"as_of": self.as_of.isoformat() if self.as_of else None, "text": self.text,
               "values": [q.as_json(with_percent=True) for q in self.values]}
        if self.on_track is not None:
            out["on_track"] = self.on_track
        if self.note:
            out["note"] = self.note
        return out


@dataclass(slots=True)
class Task:
    number: str
    content: str
    where: str
    section: str | None = None
    title: str | None = None
    domain: str | None = None
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    targets: list[Quantity] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "number": self.number, "section": self.section, "title": self.title, "content": self.content,
            "domain": self.domain, "lead_units": self.lead_units, "co_units": self.co_units,
            "targets": [q.as_json() for q in self.targets],
            "milestones": [m.as_json() for m in self.milestones],
            "progress": [p.as_json() for p in self.progress],
            "where": self.where,
        }


@dataclass(slots=True)
class Plan:
    source: str
    title: str | None = None
    year: int | None = None
    kind: str = "plan"  # "plan" or "progress"
    tasks: list[Task] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "schema": SCHEMA, "source": self.source, "title": self.title, "year": self.year,
            "kind": self.kind, "tasks": [t.as_json() for t in self.tasks],
            "findings": [f.as_json() for f in self.findings],
        }
