"""The ledger as of a date, as plain data (JSON-safe): what a bulletin says, frozen when it is created.

Reads the database; judges with the pure `duban.assess` through `ledger.assessment.snapshots`, so the
statuses are the ones the dashboard shows for that date. Nothing here writes.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from duban import assess as A
from duban.bulletins import summary
from duban.ledger.assessment import COUNTED_STATES, assess_tasks
from duban.ledger.models import (
    Indicator,
    Observation,
    Plan,
    ProgressReport,
    Responsibility,
    Task,
)

SCHEMA = "duban.bulletin/1"


def plan_name(plan: Plan) -> str:
    """How a bulletin names its plan: 2024年市办实事, 2023年重点工作任务; the title for other plans."""
    if plan.genre != Plan.Genre.OTHER:
        return f"{plan.year}年{plan.get_genre_display()}"
    return plan.title or f"{plan.year}年重点任务"


def collect_snapshot(plan: Plan, as_of: date, *, number: int = 0, previous: dict | None = None,
                     previous_number: int | None = None, issued_on: date | None = None, issuer: str = "") -> dict:
    """Everything a bulletin of `plan` as of `as_of` says. `previous` is the previous bulletin's
    snapshot (for what changed since); `issued_on` defaults to `as_of` (the date is a parameter)."""
    tasks = list(Task.objects.filter(plan=plan).select_related("plan", "section").order_by("order", "pk"))
    judged = assess_tasks(tasks, as_of)  # the one judgement (problems included), as the dashboard's
    units = _units([t.pk for t in tasks])
    latest = _latest_values([t.pk for t in tasks], as_of)
    reports = _latest_reports([t.pk for t in tasks], as_of)
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(task__plan=plan, tracked=True).order_by("task_id", "order", "pk"):
        indicators[ind.task_id].append(ind)
    rows = []
    for t in tasks:
        a = judged[t.pk]
        by_key = {ia.key: ia for ia in a.indicators}
        rows.append({
            "id": t.pk, "number": t.number, "section": t.section.title if t.section else "",
            "title": t.title, "content": t.content,
            "lead_units": units[t.pk]["lead"], "co_units": units[t.pk]["co"],
            "status": a.status.value, "color": a.color.value, "reason": a.reason, "unreported": a.unreported,
            "indicators": [_indicator(i, latest.get(i.pk), by_key.get(str(i.pk))) for i in indicators[t.pk]],
            "report": reports.get(t.pk),
        })
    _percent_of_linked(rows)
    return {
        "schema": SCHEMA,
        "plan": {"id": plan.pk, "name": plan_name(plan), "title": plan.title, "city": plan.city, "year": plan.year,
                 "genre": plan.genre, "genre_label": plan.get_genre_display()},
        "number": number,
        "as_of": as_of.isoformat(),
        "issued_on": (issued_on or as_of).isoformat(),
        "issuer": issuer or f"{plan.city}人民政府督查室",
        "tasks": rows,
        "counts": summary.counts(rows),
        "lagging": summary.lagging(rows),
        "ranking": summary.ranking(rows),
        "previous": None if previous is None else {"number": previous_number, "as_of": previous["as_of"]},
        "changes": summary.changes(previous, rows),
    }


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _units(task_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    out = {pk: {"lead": [], "co": []} for pk in task_ids}
    for task_id, role, name in (Responsibility.objects.filter(task_id__in=task_ids)
                                .order_by("task_id", "role", "order", "pk").values_list("task_id", "role", "unit__name")):
        out[task_id]["lead" if role == Responsibility.Role.LEAD else "co"].append(name)
    return out


def _latest_values(task_ids: list[int], as_of: date) -> dict[int, dict]:
    """Per indicator, its latest approved observation on or before as_of (as `assess.actual` picks it)."""
    out: dict[int, dict] = {}
    rows = (Observation.objects.filter(indicator__task_id__in=task_ids, report__state__in=COUNTED_STATES,
                                       report__as_of__lte=as_of)
            .order_by("report__as_of", "pk").values_list("pk", "indicator_id", "report__as_of", "value", "percent"))
    for pk, ind_id, when, value, percent in rows:
        if _finite(value) is None and _finite(percent) is None:
            continue
        out[ind_id] = {"observation": pk, "as_of": when.isoformat(), "value": _finite(value),
                       "percent": _finite(percent)}
    return out


def _latest_reports(task_ids: list[int], as_of: date) -> dict[int, dict]:
    """Per task, what its approved reports of the latest date on or before as_of say: their text and values."""
    reports = list(ProgressReport.objects.filter(task_id__in=task_ids, state__in=COUNTED_STATES, as_of__lte=as_of)
                   .order_by("task_id", "as_of", "created_at", "pk"))
    newest: dict[int, date] = {}
    for r in reports:
        newest[r.task_id] = max(newest.get(r.task_id, r.as_of), r.as_of)
    chosen = [r for r in reports if r.as_of == newest[r.task_id]]
    values = defaultdict(list)
    for o in Observation.objects.filter(report__in=[r.pk for r in chosen]).order_by("report_id", "order", "pk"):
        values[o.report_id].append({"id": o.pk, "metric": o.metric, "unit": o.unit, "value": _finite(o.value),
                                    "qualifier": o.qualifier, "percent": _finite(o.percent),
                                    "percent_reported": _finite(o.percent) is not None, "indicator": o.indicator_id})
    out: dict[int, dict] = {}
    for r in chosen:
        entry = out.setdefault(r.task_id, {"as_of": r.as_of.isoformat(), "text": "", "values": []})
        text = (r.text or "").strip()
        if text and text not in entry["text"]:
            entry["text"] = f"{entry['text']}\n{text}".strip()
        entry["values"] += values[r.pk]
    return out


def _indicator(ind: Indicator, latest: dict | None, judged: A.IndicatorAssessment | None) -> dict:
    value = latest["value"] if latest else None
    percent = latest["percent"] if latest else None
    reported = percent is not None
    if percent is None and value is not None:
        percent = _share(value, ind)
    return {"id": ind.pk, "metric": ind.metric, "unit": ind.unit, "target": ind.target, "qualifier": ind.qualifier,
            "value": value, "value_as_of": latest["as_of"] if latest else None, "percent": percent,
            "percent_reported": reported, "observation": latest["observation"] if latest else None,
            "status": judged.status.value if judged else "", "reason": judged.reason if judged else ""}


def _share(value: float, ind) -> float | None:
    """占年计划: value / target × 100, for a target to reach (not for a ceiling)."""
    target = ind["target"] if isinstance(ind, dict) else ind.target
    qualifier = ind["qualifier"] if isinstance(ind, dict) else ind.qualifier
    if not target or target <= 0 or qualifier == "<=" or value is None:
        return None
    return round(value / target * 100, 1)


def _percent_of_linked(rows: list[dict]) -> None:
    """A reported value linked to an indicator without a reported percent gets value/target × 100."""
    for t in rows:
        by_id = {i["id"]: i for i in t["indicators"]}
        for v in (t["report"] or {}).get("values", []):
            if v["percent"] is None and v["indicator"] in by_id:
                v["percent"] = _share(v["value"], by_id[v["indicator"]])
