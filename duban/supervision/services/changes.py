"""调整 / 延期申请: a lead unit's reporter asks to change an indicator's target or a milestone's due
date; the office approves (the new value applies to the ledger, the task is reassessed) or rejects,
with a reason. The original is kept on the request, so `original_target(indicator)` and
`original_due(milestone)` can show it beside the adjusted value (pages, the public portal).
"""
from __future__ import annotations

import math
from datetime import date

from django.db import transaction

from duban.assess_format import fmt_number
from duban.core.audit import record
from duban.core.inputs import parse_amount
from duban.errors import DubanError, InvalidInput
from duban.ledger.assessment import reassess
from duban.ledger.corrections import lock
from duban.ledger.models import Indicator, Milestone, Task
from duban.people.models import Role
from duban.people.roles import require, role_of, unit_of
from duban.supervision.models import ChangeRequest, Notification
from duban.supervision.services.access import is_office, lead_units, name_of, office_users, unit_reporters
from duban.supervision.services.cases import Conflict
from duban.supervision.services.notify import notify

MAX_REASON = 2000
Kind = Notification.Kind
State = ChangeRequest.State


def get_change(pk) -> ChangeRequest:
    row = ChangeRequest.objects.select_related("task", "indicator", "milestone", "unit").filter(pk=pk).first()
    if row is None:
        raise DubanError(f"找不到调整申请{pk}", code="not_found")
    return row


def pending_changes():
    return ChangeRequest.objects.filter(state=State.PENDING).select_related("task", "unit")


def changes_for_task(task: Task):
    return task.change_requests.all()

# ---------------------------------------------------------------- asking


def request_change(actor, *, indicator: Indicator | None = None, milestone: Milestone | None = None,
                   new_value: float | str | None = None, new_due: date | None = None, reason: str,
                   today: date) -> ChangeRequest:
    """Ask to change an indicator's target (`indicator`, `new_value`: 400 or "35万") or a milestone's
    due date (`milestone`, `new_due`), by a reporter of one of the task's lead units. One pending
    request per indicator or milestone at a time."""
    if (indicator is None) == (milestone is None):
        raise InvalidInput("调整申请须且只能针对一个指标或一个时间节点")
    task = (indicator or milestone).task
    unit = unit_of(actor)
    require(role_of(actor) == Role.REPORTER and unit is not None and unit.pk in {u.pk for u in lead_units(task)},
            f"只有第{task.number}项牵头单位的填报员可以申请调整")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请写明申请理由")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"申请理由不能超过{MAX_REASON}字")
    target = indicator or milestone
    if target.change_requests.filter(state=State.PENDING).exists():
        raise DubanError("该指标或节点已有待审核的调整申请", code="exists")
    if indicator is not None:
        fields = _target_fields(indicator, new_value)
    else:
        fields = _due_fields(milestone, new_due, today)
    with transaction.atomic():
        row = ChangeRequest.objects.create(task=task, unit=unit, requested_by=actor, requested_on=today,
                                           reason=reason, indicator=indicator, milestone=milestone, **fields)
        record(actor, "", "change.request", row, task=task, after=_describe(row),
               summary=f"第{task.number}项 申请{row.get_kind_display()}:{row.subject} "
                       f"{row.original_display}→{row.requested_display}")
        notify(office_users(), Kind.CHANGE, f"{unit.name}申请{row.get_kind_display()}(第{task.number}项 {row.subject}:"
               f"{row.original_display}→{row.requested_display}),请审核", link=row.path(), today=today)
    return row


def _target_fields(indicator: Indicator, new_value) -> dict:
    if isinstance(new_value, str):
        amount = parse_amount(new_value.strip())
        if amount.unit not in (None, indicator.unit):
            raise InvalidInput(f"计量单位应为“{indicator.unit}”")
        new_value = amount.value
    if not isinstance(new_value, (int, float)) or isinstance(new_value, bool) or not math.isfinite(new_value):
        raise InvalidInput("请填写新的目标值")
    if new_value < 0:
        raise InvalidInput("目标值不能为负")
    if float(new_value) == indicator.target:
        raise InvalidInput("新的目标值与现有目标相同")
    return {"kind": ChangeRequest.Kind.TARGET, "subject": indicator.metric[:300],
            "original_value": indicator.target, "requested_value": float(new_value)}


def _due_fields(milestone: Milestone, new_due, today: date) -> dict:
    if not isinstance(new_due, date):
        raise InvalidInput("请填写新的截止日期")
    if milestone.done_on is not None:
        raise InvalidInput("该时间节点已完成,无需调整")
    if new_due == milestone.due:
        raise InvalidInput("新的截止日期与现有日期相同")
    if new_due < today:
        raise InvalidInput("新的截止日期不能早于申请日期")
    return {"kind": ChangeRequest.Kind.DUE, "subject": (milestone.text or str(milestone.due))[:300],
            "original_due": milestone.due, "requested_due": new_due}

# ---------------------------------------------------------------- deciding


def decide_change(actor, request: ChangeRequest, *, approve: bool, reason: str = "", today: date) -> ChangeRequest:
    """The office approves (the new value applies; the task is reassessed as of `today`) or rejects
    (a reason is required). Refused when the value changed since the request was made."""
    require(is_office(actor), "只有督查室可以审核调整申请")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput("驳回时须写明理由")
    with transaction.atomic():
        if not ChangeRequest.objects.filter(pk=request.pk, state=State.PENDING).update(
                state=State.APPROVED if approve else State.REJECTED, decided_by=actor, decided_on=today,
                decision_reason=reason):
            raise DubanError("该申请已审核过,不能再次审核", code="invalid_transition")
        request.refresh_from_db()
        if approve:
            _apply(request)
        verb = "批准" if approve else "驳回"
        record(actor, "", f"change.{'approve' if approve else 'reject'}", request, task=request.task,
               before={"state": State.PENDING}, after={"state": request.state, "reason": reason, **_describe(request)},
               summary=f"第{request.task.number}项 {verb}{request.get_kind_display()}:{request.subject} "
                       f"{request.original_display}→{request.requested_display}" + (f"。{reason}" if reason else ""))
        notify(unit_reporters(request.unit), Kind.CHANGE,
               f"第{request.task.number}项{request.get_kind_display()}申请已{verb}" + (f":{reason}" if reason else ""),
               link=request.path(), today=today)
        if approve:
            reassess([request.task_id], today)
    return request


def _apply(request: ChangeRequest) -> None:
    if request.kind == ChangeRequest.Kind.TARGET:
        if request.indicator_id is None:
            raise DubanError("该指标已被删除,不能批准", code="not_found")
        indicator = Indicator.objects.filter(pk=request.indicator_id, target=request.original_value).first()
        if indicator is None:
            raise Conflict("申请后该指标目标已被修改,请驳回后重新申请")
        indicator.target = request.requested_value  # kept by a new version of the document
        lock(indicator, "target", value=request.requested_value, document=request.original_value)
        indicator.save(update_fields=["target", "corrected"])
        return
    if request.milestone_id is None:
        raise DubanError("该时间节点已被删除,不能批准", code="not_found")
    milestone = Milestone.objects.filter(pk=request.milestone_id, due=request.original_due).first()
    if milestone is None:
        raise Conflict("申请后该节点日期已被修改,请驳回后重新申请")
    milestone.due = request.requested_due
    lock(milestone, "due", value=request.requested_due, document=request.original_due)
    milestone.save(update_fields=["due", "corrected"])


def _describe(row: ChangeRequest) -> dict:
    return {"kind": row.kind, "subject": row.subject, "original_value": row.original_value,
            "requested_value": row.requested_value, "original_due": row.original_due,
            "requested_due": row.requested_due, "unit": row.unit.name, "requested_by": name_of(row.requested_by)}

# ---------------------------------------------------------------- the original beside the adjusted


def original_target(indicator: Indicator) -> float | None:
    """The target before its first approved change, or None when it was never changed."""
    return original_targets([indicator.pk]).get(indicator.pk)


def original_due(milestone: Milestone) -> date | None:
    """The due date before its first approved change, or None when it was never changed (a
    milestone first given a date by a change had none: then this is None too — see `was_changed`)."""
    return original_dues([milestone.pk]).get(milestone.pk)


def original_targets(indicator_ids) -> dict[int, float]:
    """For a page of indicators at once: {indicator id: original target} of the changed ones."""
    out: dict[int, float] = {}
    for pk, value in (ChangeRequest.objects.filter(indicator_id__in=list(indicator_ids), state=State.APPROVED)
                      .order_by("decided_on", "id").values_list("indicator_id", "original_value")):
        out.setdefault(pk, value)
    return out


def original_dues(milestone_ids) -> dict[int, date | None]:
    out: dict[int, date | None] = {}
    for pk, value in (ChangeRequest.objects.filter(milestone_id__in=list(milestone_ids), state=State.APPROVED)
                      .order_by("decided_on", "id").values_list("milestone_id", "original_due")):
        out.setdefault(pk, value)
    return out


def was_changed(obj: Indicator | Milestone) -> bool:
    """Whether an approved change altered this indicator's target or milestone's date."""
    return obj.change_requests.filter(state=State.APPROVED).exists()


def adjusted_words(indicator: Indicator) -> str:
    """“400个(原目标300个)” when the target was adjusted, else the target alone."""
    now = fmt_number(indicator.target, indicator.unit)
    before = original_target(indicator)
    return now if before is None else f"{now}(原目标{fmt_number(before, indicator.unit)})"
