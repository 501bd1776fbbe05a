"""Writes to the ledger. Each action validates, runs in one transaction and writes an audit entry;
callers (CLI, pages, API) only parse input and call it."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from duban.core.audit import record
from duban.errors import DubanError, InvalidInput
from duban.extract.lexicon import lexicon
from duban.ledger.matching import similarity
from duban.ledger.models import (
    Indicator,
    Observation,
    Plan,
    ProgressReport,
    SourceDocument,
    Task,
)
from duban.ledger.version import bump_ledger_version

ABSURD_FACTOR = 100  # a value more than 100× the target is a typing error, not progress


def get_plan(ref: str) -> Plan:
    """A plan by its id or by the file name it was imported from."""
    ref = (ref or "").strip()
    plan = Plan.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
    if plan is None:
        source = SourceDocument.objects.filter(name=ref).order_by("-imported_at").first()
        plan = source.plans.first() if source else None
        if plan is None and source is not None:
            plan = Plan.objects.filter(tasks__reports__source=source).distinct().first()
    if plan is None:
        raise DubanError(f"找不到计划“{ref}”(可用计划编号或导入时的文件名)", code="not_found")
    return plan


def get_task(plan: Plan, number: str) -> Task:
    task = plan.tasks.filter(number=str(number).strip()).first()
    if task is None:
        raise DubanError(f"计划《{plan}》没有第{number}项任务", code="not_found")
    return task


def indicator_ref(indicator: Indicator) -> str:
    """How a form names one indicator exactly, even when two share a printed name: `#<id>`."""
    return f"#{indicator.pk}"


def find_indicator(task: Task, metric: str, unit: str | None) -> Indicator:
    """The task's indicator a value is for: by `#<id>`, by its exact name, or by a similar name."""
    indicators = list(task.indicators.all())
    if metric.startswith("#") and metric[1:].isdigit():
        found = next((i for i in indicators if i.pk == int(metric[1:])), None)
        if found is None:
            raise InvalidInput(f"第{task.number}项任务没有编号为{metric}的指标")
        return found
    exact = [i for i in indicators if i.metric == metric]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        names = "、".join(f"#{i.pk}({i.target:g}{i.unit})" for i in exact)
        raise InvalidInput(f"第{task.number}项任务有{len(exact)}个指标都叫“{metric}”,请用编号指明:{names}")
    scored = sorted(((similarity(metric, i.metric), i) for i in indicators
                     if unit is None or lexicon().unit_name(i.unit) == unit), key=lambda s: s[0], reverse=True)
    if scored and scored[0][0] >= 0.5 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1):
        return scored[0][1]
    names = "、".join(f"{i.metric}({i.unit})" for i in indicators) or "(该任务没有量化指标)"
    raise InvalidInput(f"第{task.number}项任务没有指标“{metric}”;可用:{names}")


def record_progress(actor, task: Task, as_of: date, values: list[tuple[str, str]], text: str = "", *,
                    actor_name: str = "cli", state: str = ProgressReport.State.APPROVED,
                    today: date | None = None, milestones_done=()) -> ProgressReport:
    """A progress report of `task` as of a date, with a value per named indicator; an approved one is
    counted at once: the task is reassessed as of `today` (the report's date when not given), and the
    milestones it says are done (`milestones_done`: ids or `milestones.DoneClaim`s) are marked done.

    Refused, with nothing written: a date outside the plan year, an indicator the task does not
    have, a unit other than the indicator's, a negative or absurd value."""
    from duban.ledger.milestones import mark_reported, validate_claims
    from duban.ledger.workflow import (
        validate_progress,  # one validator for the CLI, the pages and the API
    )

    claims = validate_claims(task, as_of, milestones_done)
    rows = validate_progress(task, as_of, values, text, milestones=bool(claims))
    with transaction.atomic():
        report = ProgressReport.objects.create(task=task, as_of=as_of, text=text, state=state,
                                               submitted_by=actor if getattr(actor, "pk", None) else None,
                                               milestones_done=claims)
        for order, (indicator, value) in enumerate(rows):
            Observation.objects.create(report=report, indicator=indicator, metric=indicator.metric,
                                       unit=indicator.unit, value=value,
                                       percent=round(value / indicator.target * 100, 1) if indicator.target else None,
                                       order=order)
        record(actor, actor_name, "progress.add", report, task=task,
               after={"as_of": as_of, "text": text, "values": {i.metric: v for i, v in rows}, "state": state,
                      "milestones_done": claims},
               summary=f"第{task.number}项 截至{as_of} 进展:" + "、".join(f"{i.metric}{v:g}{i.unit}" for i, v in rows)
               + (f";报告完成时间节点{len(claims)}个" if claims else ""))
        if state == ProgressReport.State.APPROVED:
            from duban.ledger.assessment import reassess

            mark_reported(actor, report, today=today or as_of, actor_name=actor_name)
            reassess([task.pk], today or as_of)
        bump_ledger_version()
    return report
