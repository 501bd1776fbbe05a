"""Builders for ledger rows with readable defaults, so a test of a rule needs no seed file:

    plan = make_plan(year=2024)
    task = make_task(plan, "3", lead="市卫生健康委", indicators=[("新增托位", 6000, "个")],
                     milestones=[(date(2024, 10, 31), "全面完成")])
    make_report(task, date(2024, 6, 30), {"新增托位": 3500})
    office, edu = make_user("office"), make_user("edu", "reporter", unit="市教育局")

Each builder writes through the ORM only what the rule under test needs; actions (`record_progress`,
`submit_progress` …) are then called on them as on imported data.
"""
from __future__ import annotations

from datetime import date

from duban.ledger.models import (
    Checkpoint,
    Indicator,
    Milestone,
    Observation,
    Plan,
    ProgressReport,
    Responsibility,
    Task,
)
from duban.ledger.units import resolve_unit


def make_plan(*, year: int = 2024, genre: str = Plan.Genre.PRACTICAL, title: str = "", city: str = "青岛市") -> Plan:
    return Plan.objects.create(city=city, year=year, genre=genre, title=title or f"{year}年市办实事")


def make_indicator(task: Task, metric: str, target: float, unit: str = "个", *, qualifier: str = ">=",
                   cumulative: bool = True, order: int | None = None) -> Indicator:
    return Indicator.objects.create(task=task, metric=metric, target=target, unit=unit, qualifier=qualifier,
                                    higher_is_better=qualifier != "<=", cumulative=cumulative,
                                    order=task.indicators.count() if order is None else order)


def make_milestone(task: Task, due: date, text: str, *, checkpoints: dict[str, float] | None = None) -> Milestone:
    m = Milestone.objects.create(task=task, due=due, text=text, order=task.milestones.count())
    for metric, value in (checkpoints or {}).items():
        Checkpoint.objects.create(indicator=task.indicators.get(metric=metric), milestone=m, value=value)
    return m


def make_task(plan: Plan, number: str = "1", *, content: str = "", lead: str | list[str] = "市教育局",
              co: list[str] = (), domain: str = "", indicators: list[tuple] = (),
              milestones: list[tuple] = ()) -> Task:
    """A task with its units, its indicators (metric, target[, unit]) and milestones (due, text)."""
    task = Task.objects.create(plan=plan, number=number, order=plan.tasks.count(), domain=domain,
                               content=content or f"第{number}项任务")
    leads = [lead] if isinstance(lead, str) else list(lead)
    for role, names in ((Responsibility.Role.LEAD, leads), (Responsibility.Role.CO, list(co))):
        for i, name in enumerate(names):
            Responsibility.objects.create(task=task, unit=resolve_unit(name), role=role, order=i)
    for spec in indicators:
        make_indicator(task, *spec)
    for due, text in milestones:
        make_milestone(task, due, text)
    return task


def make_report(task: Task, as_of: date, values: dict[str, float] | None = None, *, text: str = "",
                state: str = ProgressReport.State.APPROVED, milestones_done: list[Milestone] = ()) -> ProgressReport:
    """A report with a value per indicator metric and the milestones it says are done (stored as is:
    no validation, no reassessment)."""
    report = ProgressReport.objects.create(task=task, as_of=as_of, text=text or "进展", state=state,
                                           milestones_done=[{"id": m.pk, "done_on": as_of.isoformat(), "evidence": ""}
                                                            for m in milestones_done])
    for order, (metric, value) in enumerate((values or {}).items()):
        ind = task.indicators.get(metric=metric)
        Observation.objects.create(report=report, indicator=ind, metric=metric, unit=ind.unit, value=value,
                                   percent=round(value / ind.target * 100, 1) if ind.target else None, order=order)
    return report


PASSWORD = "duban-builder-password-1"


def make_user(username: str, role: str = "office", *, unit: str | None = None):
    """An account of a role (a reporter of `unit`), with a known password (`PASSWORD`). Tests that log
    in many users set a quick hasher (settings.PASSWORD_HASHERS) to keep Argon2's cost out of them."""
    from duban.people.services import add_user

    if unit:
        resolve_unit(unit)
    return add_user(username, role, unit=unit, password=PASSWORD)[0]


def make_plan_with(year: int = 2024, tasks: list[dict] = ()) -> tuple[Plan, list[Task]]:
    """A plan and its tasks in one call: each dict gives `make_task`'s keywords (and `number`)."""
    plan = make_plan(year=year)
    return plan, [make_task(plan, str(spec.pop("number", i + 1)), **spec) for i, spec in enumerate(map(dict, tasks))]
