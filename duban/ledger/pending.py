"""The values of reports that wait for a person (待核实): the office assigns each to the indicator it
measures, or discards it. Each decision is one action: permission, validation, one transaction with an
audit entry, reassessment of the task and a new ledger version.

The state change is a guarded update (`state=pending` in the filter), so of two people deciding the
same value at once exactly one decides it; the other gets a conflict.
"""
from __future__ import annotations

from datetime import date

from django.db import transaction

from duban.assess_format import fmt_number
from duban.core.audit import record
from duban.errors import Conflict, InvalidInput
from duban.extract.lexicon import lexicon
from duban.ledger.assessment import reassess
from duban.ledger.models import Indicator, Observation, PendingValue, ProgressReport
from duban.ledger.version import bump_ledger_version
from duban.people.roles import can_review, require

State = PendingValue.State


def waiting(task_ids: list[int] | None = None):
    """The values still to decide, oldest report first."""
    rows = PendingValue.objects.filter(state=State.PENDING, task__retired_on__isnull=True)
    if task_ids is not None:
        rows = rows.filter(task_id__in=task_ids)
    return rows.select_related("task__plan", "report").order_by("report__as_of", "report_id", "order")


def _claim(value: PendingValue, new_state: str, **fields) -> PendingValue:
    updated = PendingValue.objects.filter(pk=value.pk, state=State.PENDING).update(state=new_state, **fields)
    if updated != 1:
        raise Conflict("该数值已被他人处理,请刷新后重试")
    return PendingValue.objects.select_related("task__plan", "report").get(pk=value.pk)


def _label(v: PendingValue) -> str:
    return f"“{v.metric or '(未命名)'}”{fmt_number(v.value, v.unit)}"


def assign_value(actor, value: PendingValue, indicator: Indicator, *, today: date, note: str = "") -> Observation:
    """The value becomes the report's actual of `indicator` (of the same task and unit). A value the
    report already gave that indicator goes back to the queue in its place (reason: taken)."""
    require(can_review(actor), "只有督查室或审核员可以核实进展数值")
    if indicator.task_id != value.task_id:
        raise InvalidInput(f"指标“{indicator.metric}”不属于第{value.task.number}项任务")
    if value.unit and lexicon().unit_name(indicator.unit or "") != lexicon().unit_name(value.unit):
        raise InvalidInput(f"数值的单位“{value.unit}”与指标“{indicator.metric}”的单位“{indicator.unit or '无'}”不同")
    with transaction.atomic():
        current = _claim(value, State.ASSIGNED, indicator=indicator, decided_by=_user(actor), decided_on=today,
                         note=note.strip())
        report: ProgressReport = current.report
        displaced = list(Observation.objects.filter(report=report, indicator=indicator))
        for old in displaced:  # the value it had is not lost: it waits in the queue instead
            PendingValue.objects.create(
                report=report, task=current.task, metric=old.metric, unit=old.unit, value=old.value,
                qualifier=old.qualifier, percent=old.percent, order=old.order, reason=PendingValue.Reason.TAKEN,
                candidates=[indicator.pk], sentence=current.sentence)
            old.delete()
        observation = Observation.objects.create(
            report=report, indicator=indicator, metric=current.metric, unit=current.unit or indicator.unit,
            value=current.value, qualifier=current.qualifier, percent=current.percent, order=current.order)
        PendingValue.objects.filter(pk=current.pk).update(observation=observation)
        record(actor, "", "value.assign", current, task=current.task,
               before={"state": State.PENDING, "observations": [{"indicator": indicator.pk, "value": o.value}
                                                                  for o in displaced]},
               after={"state": State.ASSIGNED, "indicator": indicator.pk, "value": current.value, "note": note},
               summary=f"第{current.task.number}项 截至{report.as_of} 的数值{_label(current)}"
                       f"核实为指标“{indicator.metric}”的进展")
        if report.state == ProgressReport.State.APPROVED:
            reassess([current.task_id], today)
        bump_ledger_version()
    return observation


def discard_value(actor, value: PendingValue, *, today: date, note: str = "") -> PendingValue:
    """The value measures none of the task's indicators: it stays with its report, counted nowhere."""
    require(can_review(actor), "只有督查室或审核员可以核实进展数值")
    with transaction.atomic():
        current = _claim(value, State.DISCARDED, decided_by=_user(actor), decided_on=today, note=note.strip())
        record(actor, "", "value.discard", current, task=current.task, before={"state": State.PENDING},
               after={"state": State.DISCARDED, "note": note},
               summary=f"第{current.task.number}项 截至{current.report.as_of} 的数值{_label(current)}"
                       f"不对应任何指标,已舍弃" + (f":{note.strip()}" if note.strip() else ""))
        reassess([current.task_id], today)
        bump_ledger_version()
    return current


def _user(actor):
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
