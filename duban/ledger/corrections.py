"""The office's corrections of a task, on the task page: content, section, domain, lead and co-units,
indicators (and whether each is tracked at all), milestones, and a milestone marked done.

Each is one action: the office's permission, validation, one transaction, an audit entry with before
and after, reassessment of the task as of `today`, the ledger version bumped. Each corrected field is
remembered in the row's `corrected` ({field: {"value", "document"}}), so a new version of the
document keeps it and says where the two disagree (see `ledger.sync`).
"""
from __future__ import annotations

import math
from datetime import date

from django.db import transaction

from duban.core.audit import record
from duban.core.inputs import parse_amount
from duban.errors import InvalidInput
from duban.ledger.assessment import reassess
from duban.ledger.models import Indicator, Milestone, Responsibility, Section, Task
from duban.ledger.units import find_unit
from duban.ledger.version import bump_ledger_version
from duban.people.roles import can_manage, require

MAX_CONTENT = 5000
QUALIFIERS = dict(Indicator.Qualifier.choices)


def lock(obj, field: str, *, value, document) -> None:
    """Remember that `field` of `obj` is the office's (or an approved change's), not the document's:
    `value` is the correction, `document` what the document said (kept from the first correction)."""
    corrected = dict(obj.corrected or {})
    was = corrected.get(field)
    corrected[field] = {"value": _plain(value), "document": was["document"] if was else _plain(document)}
    obj.corrected = corrected


def _plain(v):
    return v.isoformat() if isinstance(v, date) else v


def _office(actor) -> None:
    require(can_manage(actor), "只有督查室可以更正台账")


def _done(actor, task: Task, action: str, obj, before: dict, after: dict, summary: str, today: date) -> None:
    record(actor, "", action, obj, task=task, before=before, after=after, summary=f"第{task.number}项 {summary}")
    reassess([task.pk], today)
    bump_ledger_version()


# ---------------------------------------------------------------- the task itself


def correct_task(actor, task: Task, *, content: str, section: str, domain: str, today: date) -> Task:
    """The task's content, the section (部分) it sits under, its domain (领域)."""
    _office(actor)
    content, section, domain = (content or "").strip(), (section or "").strip(), (domain or "").strip()
    if not content:
        raise InvalidInput("任务内容不能为空")
    if len(content) > MAX_CONTENT or len(section) > 300 or len(domain) > 100:
        raise InvalidInput(f"内容不超过{MAX_CONTENT}字,部分不超过300字,领域不超过100字")
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = {"content": task.content, "section": task.section.title if task.section else "",
                  "domain": task.domain}
        after = {"content": content, "section": section, "domain": domain}
        if task.domain_suggested:  # saving the task page confirms (or changes) a suggested domain
            before["domain_suggested"], after["domain_suggested"] = True, False
        if before == after:
            return task
        for field in ("content", "domain", "section"):
            if before[field] != after[field] or (field == "domain" and task.domain_suggested):
                said = "" if field == "domain" and task.domain_suggested else before[field]  # a suggestion is no document's
                lock(task, field, value=after[field], document=said)
        task.content, task.domain, task.domain_suggested = content, domain, False
        if before["section"] != section:
            task.section = (Section.objects.get_or_create(
                plan=task.plan, title=section, defaults={"order": task.plan.sections.count()})[0] if section else None)
        task.save()
        changed = "、".join(n for f, n in (("content", "内容"), ("section", "部分"), ("domain", "领域"))
                           if before[f] != after[f]) or "确认领域"
        _done(actor, task, "task.correct", task, before, after, f"更正{changed}", today)
    return task


def _units(names, role: str) -> list:
    out = []
    for name in names:
        name = "".join((name or "").split())
        if not name:
            continue
        unit = find_unit(name)
        if unit is None:
            raise InvalidInput(f"未知单位“{name}”:请从单位列表中选择(新单位请先导入或由管理员添加)")
        if unit not in out:
            out.append(unit)
    if role == "lead" and not out:
        raise InvalidInput("至少要有一个牵头单位")
    return out


def correct_units(actor, task: Task, *, leads: list[str], cos: list[str], today: date) -> Task:
    """The task's lead units and co-operating units, by name (a unit that leads is not also a co-unit)."""
    _office(actor)
    lead_units = _units(leads, "lead")
    co_units = [u for u in _units(cos, "co") if u not in lead_units]
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        current = list(task.responsibilities.select_related("unit").order_by("role", "order"))
        before = {"lead": [r.unit.name for r in current if r.role == Responsibility.Role.LEAD],
                  "co": [r.unit.name for r in current if r.role == Responsibility.Role.CO]}
        after = {"lead": [u.name for u in lead_units], "co": [u.name for u in co_units]}
        if before == after:
            return task
        notes = {r.unit_id: r.scope_note for r in current}
        task.responsibilities.all().delete()
        Responsibility.objects.bulk_create(
            [Responsibility(task=task, unit=u, role=Responsibility.Role.LEAD, order=i,
                            scope_note=notes.get(u.pk, "")) for i, u in enumerate(lead_units)]
            + [Responsibility(task=task, unit=u, role=Responsibility.Role.CO, order=i,
                              scope_note=notes.get(u.pk, "")) for i, u in enumerate(co_units)])
        lock(task, "units", value=after, document=before)
        task.save(update_fields=["corrected"])
        _done(actor, task, "task.units", task, before, after,
              f"更正责任单位:牵头 {'、'.join(after['lead'])}" + (f";协办 {'、'.join(after['co'])}" if after["co"] else ""),
              today)
    return task


# ---------------------------------------------------------------- indicators


def _indicator_values(metric: str, target: str, unit: str, qualifier: str) -> dict:
    metric, unit = (metric or "").strip(), (unit or "").strip()
    if not metric or len(metric) > 200:
        raise InvalidInput("指标名称不能为空,且不超过200字")
    if len(unit) > 20:
        raise InvalidInput("计量单位不超过20字")
    if qualifier not in QUALIFIERS:
        raise InvalidInput("限定须为 ≥、≤、≈ 或 =")
    amount = parse_amount(str(target or ""))
    if amount.value < 0 or not math.isfinite(amount.value):
        raise InvalidInput("目标值不能为负")
    if amount.unit and unit and amount.unit != unit:
        raise InvalidInput(f"目标值的单位“{amount.unit}”与计量单位“{unit}”不一致")
    return {"metric": metric, "target": amount.value, "unit": unit or (amount.unit or ""), "qualifier": qualifier}


def _describe_indicator(i: Indicator) -> dict:
    return {"metric": i.metric, "target": i.target, "unit": i.unit, "qualifier": i.qualifier, "tracked": i.tracked}


def correct_indicator(actor, indicator: Indicator, *, metric: str, target: str, unit: str, qualifier: str,
                      tracked: bool, today: date) -> Indicator:
    """An indicator's name, target, unit and qualifier, and whether it is tracked (an untracked one —
    a subsidy standard, a fragment — is not judged)."""
    _office(actor)
    values = _indicator_values(metric, target, unit, qualifier) | {"tracked": bool(tracked)}
    with transaction.atomic():
        ind = Indicator.objects.select_for_update().select_related("task").get(pk=indicator.pk)
        before = _describe_indicator(ind)
        if before == values:
            return ind
        for field, value in values.items():
            if before[field] != value:
                lock(ind, field, value=value, document=before[field])
                setattr(ind, field, value)
        ind.higher_is_better = ind.qualifier != "<="
        ind.save()
        _done(actor, ind.task, "indicator.correct", ind, before, values,
              f"更正指标“{before['metric']}”" + ("" if values["tracked"] else "(不纳入评价)"), today)
    return ind


def add_indicator(actor, task: Task, *, metric: str, target: str, unit: str, qualifier: str,
                  today: date) -> Indicator:
    """An indicator the document did not state (kept by every new version: it is the office's)."""
    _office(actor)
    values = _indicator_values(metric, target, unit, qualifier)
    with transaction.atomic():
        from duban.ledger.sync import is_cumulative

        ind = Indicator.objects.create(task=task, **values, higher_is_better=values["qualifier"] != "<=",
                                       cumulative=is_cumulative(values["metric"], values["unit"], task.content),
                                       order=task.indicators.count(), corrected={"added": {"value": True,
                                                                                           "document": None}})
        _done(actor, task, "indicator.add", ind, {}, values, f"新增指标“{values['metric']}”", today)
    return ind


# ---------------------------------------------------------------- milestones


def _due(task: Task, text: str) -> date:
    try:
        due = date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("截止日期应写作 YYYY-MM-DD") from None
    if not date(task.plan.year, 1, 1) <= due <= date(task.plan.year + 1, 12, 31):
        raise InvalidInput(f"截止日期 {due} 不在计划年度 {task.plan.year} 年(或次年)内")
    return due


def correct_milestone(actor, milestone: Milestone, *, due: str, text: str, checkpoints: dict | None = None,
                      today: date) -> Milestone:
    """A milestone's due date and words; `checkpoints` {indicator id: value text} sets what each
    indicator should reach by it (an empty text removes that checkpoint)."""
    _office(actor)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("节点内容不能为空")
    with transaction.atomic():
        m = Milestone.objects.select_for_update().select_related("task__plan").get(pk=milestone.pk)
        new_due = _due(m.task, due)
        before = {"due": m.due, "text": m.text, "checkpoints": _checkpoints_of(m)}
        for field, value in (("due", new_due), ("text", text)):
            if getattr(m, field) != value:
                lock(m, field, value=value, document=getattr(m, field))
                setattr(m, field, value)
        m.save()
        if checkpoints is not None:
            _set_checkpoints(m, checkpoints)
        after = {"due": m.due, "text": m.text, "checkpoints": _checkpoints_of(m)}
        if after != before:
            _done(actor, m.task, "milestone.correct", m, before, after, f"更正时间节点“{text[:30]}”", today)
    return m


def _checkpoints_of(m: Milestone) -> dict:
    """{indicator: value} as the history shows it: the indicator's name (with its unit), and its id
    only when two indicators of the task print the same."""
    rows = list(m.checkpoints.select_related("indicator").order_by("indicator__order", "indicator_id"))
    names = [c.indicator.metric + (f"({c.indicator.unit})" if c.indicator.unit else "") for c in rows]
    return {(n if names.count(n) == 1 else f"{n}#{c.indicator_id}"): c.value for n, c in zip(names, rows)}


def _set_checkpoints(m: Milestone, wanted: dict) -> None:
    from duban.ledger.models import Checkpoint

    own = {i.pk: i for i in m.task.indicators.all()}
    for key, text in wanted.items():
        ind = own.get(int(key)) if str(key).isdigit() else None
        if ind is None:
            raise InvalidInput(f"第{m.task.number}项任务没有编号为{key}的指标")
        text = (text or "").strip()
        if not text:
            Checkpoint.objects.filter(milestone=m, indicator=ind).delete()
            continue
        value = parse_amount(text).value
        Checkpoint.objects.update_or_create(milestone=m, indicator=ind, defaults={"value": value})
    if wanted:
        lock(m, "checkpoints", value=True, document=None)
        m.save(update_fields=["corrected"])


def complete_milestone(actor, milestone: Milestone, *, done_on: date, evidence: str, today: date) -> Milestone:
    """The office marks a milestone done on a date, with the evidence it rests on (a report, a
    document, an inspection); the task is reassessed and leaves 逾期 when this was its late step."""
    from duban.ledger.milestones import mark_done

    _office(actor)
    return mark_done(actor, milestone, done_on=done_on, evidence=evidence, today=today)


def reopen_milestone(actor, milestone: Milestone, *, reason: str, today: date) -> Milestone:
    _office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请写明撤销完成的理由")
    with transaction.atomic():
        m = Milestone.objects.select_for_update().select_related("task").get(pk=milestone.pk)
        before = {"done_on": m.done_on, "done_evidence": m.done_evidence}
        m.done_on, m.done_evidence = None, ""
        m.save(update_fields=["done_on", "done_evidence"])
        _done(actor, m.task, "milestone.reopen", m, before, {"done_on": None, "reason": reason},
              f"时间节点“{m.text[:30]}”撤销完成:{reason[:60]}", today)
    return m


def remove_indicator(actor, indicator: Indicator, *, today: date) -> None:
    """An indicator that is no indicator at all, removed. One with reported values is kept (its
    history would lose them): it can be set 不纳入评价 instead. A document's indicator stays removed
    in every new version of the document (the task remembers its name and unit)."""
    _office(actor)
    with transaction.atomic():
        ind = Indicator.objects.select_for_update().select_related("task").get(pk=indicator.pk)
        if ind.observations.exists():
            raise InvalidInput(f"指标“{ind.metric}”已有填报数值,不能删除;如不需跟踪,请取消“纳入评价”")
        task = Task.everything.select_for_update().get(pk=ind.task_id)
        before = _describe_indicator(ind)
        if "added" not in (ind.corrected or {}):
            said = {"metric": _said_of(ind, "metric"), "unit": _said_of(ind, "unit")}
            removed = list((task.corrected or {}).get("removed_indicators", {}).get("value") or [])
            if said not in removed:
                removed.append(said)
            task.corrected = dict(task.corrected or {}) | {"removed_indicators": {"value": removed, "document": None}}
            task.save(update_fields=["corrected"])
        ind.delete()
        _done(actor, task, "indicator.remove", task, before, {}, f"删除指标“{before['metric']}”", today)


def _said_of(obj, field: str):
    lock_ = (obj.corrected or {}).get(field)
    return lock_["document"] if lock_ else getattr(obj, field)


# ---------------------------------------------------------------- a new version against a correction

FIELD_LABELS = {"content": "内容", "section": "所属部分", "domain": "领域", "units": "责任单位",
                "metric": "指标名称", "target": "目标值", "unit": "计量单位", "qualifier": "限定",
                "due": "节点日期", "text": "节点内容"}


def _rows_of(task: Task) -> list:
    return [task, *Indicator.objects.filter(task=task).order_by("order", "pk"),
            *Milestone.objects.filter(task=task).order_by("due", "order")]


def disputes(task: Task, rows: list | None = None) -> list[dict]:
    """Where a new version of the document says something else than the office's correction (or an
    approved change): {obj, kind, field, label, value, document}, for the office to decide. `rows`:
    the task, its indicators and milestones when the caller has read them."""
    out = []
    for obj in rows if rows is not None else _rows_of(task):
        for field, lock_ in (obj.corrected or {}).items():
            if isinstance(lock_, dict) and lock_.get("disputed"):
                kind = {Task: "task", Indicator: "indicator", Milestone: "milestone"}[type(obj)]
                where = {"task": "", "indicator": f"指标“{getattr(obj, 'metric', '')}”",
                         "milestone": f"{getattr(obj, 'due', '') or '未定'}节点"}[kind]
                out.append({"obj": obj, "kind": kind, "field": field, "where": where,
                            "label": FIELD_LABELS.get(field, field), "value": lock_.get("value"),
                            "document": lock_.get("document")})
    return out


def _disputed(obj, field: str) -> dict:
    lock_ = (obj.corrected or {}).get(field)
    if not (isinstance(lock_, dict) and lock_.get("disputed")):
        raise InvalidInput("该项已处理,或新版本文件与更正并无分歧")
    return lock_


def decide_dispute(actor, obj, field: str, *, take_document: bool, today: date):
    """The office keeps its correction (the dispute is closed, the correction stays locked) or takes
    what the new version of the document says (the field gets it and follows the document again)."""
    _office(actor)
    model = type(obj)
    with transaction.atomic():
        obj = model._base_manager.select_for_update().get(pk=obj.pk)
        task = obj if isinstance(obj, Task) else Task.everything.get(pk=obj.task_id)
        lock_ = _disputed(obj, field)
        corrected = dict(obj.corrected)
        if not take_document:
            corrected[field] = {"value": lock_["value"], "document": lock_["document"]}
            obj.corrected = corrected
            obj.save(update_fields=["corrected"])
            record(actor, "", "correction.keep", obj, task=task, before={field: lock_["document"]},
                   after={field: lock_["value"]},
                   summary=f"第{task.number}项 保留更正的{FIELD_LABELS.get(field, field)}(新版本文件为"
                           f"“{_shown(lock_['document'])}”)")
        else:
            del corrected[field]
            obj.corrected = corrected
            before = _apply_document(obj, field, lock_["document"])
            record(actor, "", "correction.take", obj, task=task, before={field: before},
                   after={field: lock_["document"]},
                   summary=f"第{task.number}项 {FIELD_LABELS.get(field, field)}采用新版本文件:"
                           f"“{_shown(before)}”→“{_shown(lock_['document'])}”")
            reassess([task.pk], today)
            bump_ledger_version()
        if not disputes(task):
            task.findings.filter(code="correction_disagrees", resolved=False).update(resolved=True)
    return obj


def _apply_document(obj, field: str, said):
    """Set `field` of `obj` to what the document says; returns what it was."""
    if isinstance(obj, Task) and field == "units":
        from duban.ledger.units import resolve_unit

        current = list(obj.responsibilities.select_related("unit").order_by("role", "order"))
        before = {"lead": [r.unit.name for r in current if r.role == Responsibility.Role.LEAD],
                  "co": [r.unit.name for r in current if r.role == Responsibility.Role.CO]}
        obj.responsibilities.all().delete()
        seen: set[int] = set()
        for role, names in ((Responsibility.Role.LEAD, said.get("lead") or []),
                            (Responsibility.Role.CO, said.get("co") or [])):
            for i, name in enumerate(names):
                unit = resolve_unit(name)
                if unit.pk not in seen:
                    seen.add(unit.pk)
                    Responsibility.objects.create(task=obj, unit=unit, role=role, order=i)
        obj.save(update_fields=["corrected"])
        return before
    if isinstance(obj, Task) and field == "section":
        before = obj.section.title if obj.section else ""
        obj.section = (Section.objects.get_or_create(plan=obj.plan, title=said,
                                                     defaults={"order": obj.plan.sections.count()})[0]
                       if said else None)
        obj.save()
        return before
    before = getattr(obj, field)
    value = date.fromisoformat(said) if field == "due" and said else said
    setattr(obj, field, value)
    if isinstance(obj, Indicator):
        obj.higher_is_better = obj.qualifier != "<="
    obj.save()
    return before


def _shown(value) -> str:
    from duban.ledger.sync import _shown as shown

    return shown(value)
