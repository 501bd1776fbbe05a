"""The reporting workflow: a unit reports progress with evidence, the office (or a reviewer) approves
or returns it, the unit revises a returned report; the office imports documents after a preview.

Every function here is one action: it checks the actor may do it, validates, writes in one
transaction with an audit entry, and raises a DubanError with a Chinese message otherwise. The date
is a parameter (`today`): nothing here reads the clock.

A report's `version` guards against lost updates: the caller says which version it saw, and the
update is `filter(pk=…, version=seen).update(…, version=F("version") + 1)`, so of two concurrent
reviews exactly one changes the row; the other gets a conflict.
"""
from __future__ import annotations

import hashlib
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from duban.core.audit import record
from duban.core.inputs import parse_amount
from duban.errors import Conflict, DubanError, InvalidInput
from duban.extract.lexicon import lexicon
from duban.ledger.assessment import reassess
from duban.ledger.milestones import mark_reported, validate_claims
from duban.ledger.models import Evidence, Indicator, Observation, Plan, ProgressReport, SourceDocument, Task
from duban.ledger.services import ABSURD_FACTOR, find_indicator
from duban.ledger.signals import report_reviewed
from duban.ledger.uploads import check_uploads as _check_evidence
from duban.ledger.uploads import discard, store_uploads
from duban.ledger.uploads import upload_problems as evidence_problems  # noqa: F401
from duban.people.models import Role
from duban.people.roles import can_import, can_report, can_review, require, role_of, unit_of

State = ProgressReport.State

CONFLICT_MESSAGE = "该进展已被他人修改,请刷新后重试"
EDITABLE_STATES = (State.SUBMITTED, State.RETURNED)


# ---------------------------------------------------------------- validation (shared with services)


def validate_progress(task: Task, as_of: date, values: list[tuple[str, str]], text: str, *,
                      milestones: bool = False) -> list[tuple[Indicator, float]]:
    """The indicator and value of each (metric, amount text) pair, or InvalidInput: a date outside the
    plan year, an indicator the task does not have, a unit other than the indicator's, a negative or
    absurd value, an indicator given twice, a report with neither values nor text (nor, when
    `milestones`, a milestone it says is done).

    `services.record_progress` validates with this too: one set of rules for every way in."""
    year = task.plan.year
    if not date(year, 1, 1) <= as_of <= date(year, 12, 31):
        raise InvalidInput(f"截至日期 {as_of} 不在计划年度 {year} 年内")
    if not values and not (text or "").strip() and not milestones:
        raise InvalidInput("进展既没有数值也没有文字")
    rows = []
    for metric, amount_text in values:
        amount = parse_amount(amount_text)
        indicator = find_indicator(task, metric.strip(), amount.unit)
        if amount.unit is not None and amount.unit != lexicon().unit_name(indicator.unit):
            raise InvalidInput(f"指标“{indicator.metric}”的计量单位是“{indicator.unit}”,不是“{amount.unit}”")
        if amount.value < 0:
            raise InvalidInput(f"指标“{indicator.metric}”的数值不能为负")
        if indicator.target and amount.value > ABSURD_FACTOR * indicator.target:
            raise InvalidInput(f"指标“{indicator.metric}”的数值 {amount.value:g} 超过目标 {indicator.target:g} 的"
                                 f"{ABSURD_FACTOR}倍,请核对")
        rows.append((indicator, amount.value))
    if len({i.pk for i, _ in rows}) != len(rows):
        raise InvalidInput("同一指标填了两次")
    return rows


# ---------------------------------------------------------------- progress


def submit_progress(actor, task: Task, as_of: date, values: list[tuple[str, str]], text: str, files=(), *,
                    today: date | None = None, milestones_done=()) -> ProgressReport:
    """A unit's progress report of `task`: `submitted` for review when a unit's reporter makes it,
    `approved` at once when the office does (then the task is reassessed as of `today`, or as of the
    report's date when the caller gives none). `milestones_done`: the milestones the report says are
    done (ids or `milestones.DoneClaim`s); they are marked done when the report is approved."""
    require(can_report(actor, task), "只能填报本单位负责的任务")
    claims = validate_claims(task, as_of, milestones_done)
    rows = validate_progress(task, as_of, values, text, milestones=bool(claims))
    uploads = _check_evidence(files)
    state = State.APPROVED if role_of(actor) == Role.OFFICE else State.SUBMITTED
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(task=task, as_of=as_of, text=text, state=state,
                                                   submitted_by=actor, milestones_done=claims)
            _observe(report, rows)
            evidence = _store_evidence(report, uploads, stored)
            record(actor, "", "progress.submit", report, task=task,
                   after=_describe(report, rows, evidence),
                   summary=f"第{task.number}项 截至{as_of} 填报进展({report.get_state_display()}):" + _values_line(rows)
                   + _claims_line(claims))
            if state == State.APPROVED:
                mark_reported(actor, report, today=today or as_of)
                reassess([task.pk], today or as_of)
    except BaseException:
        _discard(stored)
        raise
    return report


def review_progress(actor, report: ProgressReport, *, approve: bool, reason: str = "", expected_version: int,
                    today: date) -> ProgressReport:
    """Approve (the report then counts: the task is reassessed as of `today`) or return it with a reason."""
    require(can_review(actor), "只有督查室或审核员可以审核进展")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput("退回须填写退回理由")
    new_state = State.APPROVED if approve else State.RETURNED
    with transaction.atomic():
        # The guarded update comes first: of two reviews of one version exactly one changes the row, and
        # on SQLite a transaction that starts by writing waits for the lock instead of failing on upgrade.
        updated = (ProgressReport.objects.filter(pk=report.pk, version=expected_version, state=State.SUBMITTED)
                   .update(state=new_state, review_note=reason, version=F("version") + 1))
        if updated != 1:
            _refuse(report, expected_version, "只有待审核的进展可以审核,该进展{state}")
        current = ProgressReport.objects.select_related("task__plan").get(pk=report.pk)
        task = current.task
        verb = "审核通过" if approve else "退回"
        record(actor, "", "progress.approve" if approve else "progress.return", current, task=task,
               before={"state": State.SUBMITTED, "version": expected_version},
               after={"state": new_state, "version": expected_version + 1, "review_note": reason},
               summary=f"第{task.number}项 截至{current.as_of} 的进展{verb}" + (f":{reason}" if reason else ""))
        if approve:
            mark_reported(actor, current, today=today)  # the milestones it says are done, each audited
            reassess([task.pk], today)
        report_reviewed.send(sender=ProgressReport, report=current, actor=actor, approved=approve, reason=reason,
                             today=today)
    report.refresh_from_db()
    return report


def may_revise(actor, report: ProgressReport) -> bool:
    """The office, or a reporter of the unit that made the report (its submitter's unit)."""
    if not can_report(actor, report.task):
        return False
    if role_of(actor) == Role.OFFICE:
        return True
    by = report.submitted_by
    return by is not None and (by.pk == actor.pk or (unit_of(by) is not None and unit_of(by) == unit_of(actor)))


def revise_progress(actor, report: ProgressReport, *, values: list[tuple[str, str]], text: str,
                    expected_version: int, files=(), today: date | None = None,
                    as_of: date | None = None, milestones_done=None) -> ProgressReport:
    """The reporting unit corrects its submitted or returned report: values and text replaced, new
    evidence added, the report submitted for review again. `as_of` stays unless given, and so do the
    milestones it says are done unless `milestones_done` is given; `today` is accepted for symmetry
    (a revised report is unapproved, so nothing is reassessed)."""
    require(may_revise(actor, report), "只能修改本单位填报的进展")
    task = report.task
    as_of = as_of or report.as_of
    claims = validate_claims(task, as_of, report.milestones_done if milestones_done is None else milestones_done)
    rows = validate_progress(task, as_of, values, text, milestones=bool(claims))
    uploads = _check_evidence(files, already=report.evidence.count())
    current = _current(report, expected_version)
    if current.state not in EDITABLE_STATES:
        raise InvalidInput(f"该进展{current.get_state_display()},不能再修改")
    before = _describe(current, [(o.indicator, o.value) for o in current.observations.all()],
                       list(current.evidence.all())) | {"review_note": current.review_note}
    stored: list[str] = []
    try:
        with transaction.atomic():
            updated = (ProgressReport.objects.filter(pk=current.pk, version=expected_version,
                                                     state__in=EDITABLE_STATES)
                       .update(as_of=as_of, text=text, state=State.SUBMITTED, review_note="",
                               milestones_done=claims, version=F("version") + 1))
            if updated != 1:  # changed since it was read above
                _refuse(report, expected_version, "该进展{state},不能再修改")
            current.refresh_from_db()
            current.observations.all().delete()
            _observe(current, rows)
            _store_evidence(current, uploads, stored)
            record(actor, "", "progress.revise", current, task=task, before=before,
                   after=_describe(current, rows, list(current.evidence.all())),
                   summary=f"第{task.number}项 截至{as_of} 的进展修改后重新提交:" + _values_line(rows)
                   + _claims_line(claims))
    except BaseException:
        _discard(stored)
        raise
    report.refresh_from_db()
    return report


def _current(report: ProgressReport, expected_version: int) -> ProgressReport:
    current = ProgressReport.objects.select_related("task__plan").filter(pk=report.pk).first()
    if current is None:
        raise DubanError("该进展已不存在", code="not_found")
    if current.version != expected_version:
        raise Conflict(CONFLICT_MESSAGE)
    return current


def _refuse(report: ProgressReport, expected_version: int, wrong_state: str) -> None:
    """Why a guarded update changed no row: gone, changed meanwhile (a conflict), or in the wrong state."""
    current = _current(report, expected_version)
    raise InvalidInput(wrong_state.format(state=current.get_state_display()))


def _observe(report: ProgressReport, rows: list[tuple[Indicator, float]]) -> None:
    Observation.objects.bulk_create([
        Observation(report=report, indicator=indicator, metric=indicator.metric, unit=indicator.unit, value=value,
                    percent=round(value / indicator.target * 100, 1) if indicator.target else None, order=order)
        for order, (indicator, value) in enumerate(rows)])


def _store_evidence(report: ProgressReport, uploads: list, stored: list[str]) -> list[Evidence]:
    return store_uploads(lambda **kw: Evidence(report=report, **kw), uploads, stored)


_discard = discard


def _describe(report: ProgressReport, rows, evidence) -> dict:
    return {"as_of": report.as_of, "text": report.text, "state": report.state,
            "values": {i.metric if i is not None else "?": v for i, v in rows},
            "evidence": [{"name": e.name, "sha256": e.sha256, "size": e.size} for e in evidence],
            "milestones_done": list(report.milestones_done or [])}


def _values_line(rows) -> str:
    return "、".join(f"{i.metric}{v:g}{i.unit}" for i, v in rows) or "(仅文字)"


def _claims_line(claims: list[dict]) -> str:
    return f";报告完成时间节点{len(claims)}个" if claims else ""


# ---------------------------------------------------------------- import


def preview_import(actor, data: bytes, name: str, *, year: int | None = None) -> dict:
    """What a document would import, as a `duban.plan/1` dict; nothing is written.
    An unreadable file raises UnreadableDocument with the reader's Chinese reason. The document is
    read in a worker process with a time and memory limit (duban/extract/isolated.py), so that a
    hostile one cannot hold up the server's other requests."""
    from duban.extract.isolated import extract_isolated

    require(can_import(actor), "只有督查室可以导入文档")
    return extract_isolated(data, name, year=year).plan


def extraction_problems(extraction) -> list[str]:
    """What keeps a (hand-corrected) extraction from being stored."""
    from duban.extract.schema import plan_problems

    problems = plan_problems(extraction)
    if problems:
        return problems
    if not isinstance(extraction.get("year"), int) or not 1990 <= extraction["year"] <= 2100:
        problems.append("未能确定年度,请填写计划年度")
    if not extraction["tasks"]:
        problems.append("没有识别出任何任务")
    numbers = [t["number"] for t in extraction["tasks"]]
    if len(set(numbers)) != len(numbers) and extraction.get("kind") == "plan":
        twice = sorted({n for n in numbers if numbers.count(n) > 1}, key=lambda n: [int(p) for p in n.split(".")])
        problems.append("任务序号重复:" + "、".join(twice))
    return problems


def confirm_import(actor, extraction: dict, data: bytes, fmt: str, *, context_text: str | None = None,
                   today: date | None = None, corrections: list | tuple = ()):
    """Store a previewed extraction with its source bytes, then apply the office's corrections made in
    the preview (`corrections`: TaskEdit, see preview_corrections) — all in one transaction; returns the
    ImportSummary. A document imported before is not stored twice (outcome `unchanged`), but the
    corrections made on its preview are applied all the same."""
    from duban.ledger.importer import ImportSummary, store_extraction
    from duban.ledger.preview_corrections import apply_preview_corrections

    require(can_import(actor), "只有督查室可以导入文档")
    problems = extraction_problems(extraction)
    if problems:
        raise InvalidInput("导入内容有误:" + ";".join(problems[:10]))
    edits = [e for e in corrections if e]
    sha = hashlib.sha256(data).hexdigest()
    today = today or date.today()
    with transaction.atomic():
        known = SourceDocument.objects.filter(sha256=sha).first()
        if known is None:
            if context_text is None:  # the plan's genre is told by the title and the document's opening lines
                from duban.extract.isolated import extract_isolated

                context_text = extract_isolated(data, extraction["source"], plan=False).preamble
            try:
                summary = store_extraction(extraction, data=data, fmt=fmt, actor=actor, actor_name="",
                                           context_text=context_text, today=today)
            except IntegrityError:
                known = SourceDocument.objects.filter(sha256=sha).first()  # stored meanwhile by another request
                if known is None:
                    raise
        if known is not None:
            summary = ImportSummary(source=extraction["source"], outcome="unchanged")
        if edits:
            plan = _plan_of(known, extraction) if known is not None else Plan.objects.get(pk=summary.plan_id)
            if plan is None:
                raise InvalidInput("找不到此文件导入的计划,请在任务页更正")
            summary.plan_id = plan.pk
            summary.corrected = apply_preview_corrections(actor, plan, extraction, edits, today=today)
    return summary


def _plan_of(source: SourceDocument, extraction: dict):
    """The plan a file already imported went into: the plan it is the source of, or its year and title."""
    return (source.plans.first()
            or Plan.objects.filter(year=extraction.get("year"), title=extraction.get("title") or "").first())
