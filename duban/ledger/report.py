"""The status of tasks as rows: what `duban status` prints and the pages list (one row per task)."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date

from duban import assess as A
from duban.ledger.assessment import assess_tasks, record_status_changes
from duban.ledger.models import Responsibility, Task
from duban.ledger.units import get_unit


def status_rows(*, as_of: date, year: int | None = None, plan=None, unit: str | None = None,
                status: str | None = None, policy: A.Policy = A.POLICY, record: bool = False) -> list[dict]:
    """Read only by default: `duban status` writes nothing (the writes keep the stored status current)."""
    tasks = Task.objects.select_related("plan").order_by("plan__year", "plan_id", "order")
    if year:
        tasks = tasks.filter(plan__year=year)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    if unit:
        tasks = tasks.filter(responsibilities__unit=get_unit(unit)).distinct()
    tasks = list(tasks)
    wanted = A.Status.parse(status) if status else None
    results = assess_tasks(tasks, as_of, policy)
    if record:
        record_status_changes(results, as_of)
    leads = _leads(tasks)
    rows = []
    for t in tasks:
        a = results[t.pk]
        if wanted is not None and a.status is not wanted:
            continue
        rows.append({
            "plan": str(t.plan), "plan_id": t.plan_id, "year": t.plan.year, "number": t.number,
            "title": t.title or t.content[:40], "lead_units": leads.get(t.pk, []),
            "as_of": a.as_of.isoformat(),  # the date judged: a past plan's year end
            "status": a.status.value, "status_code": a.status.code, "color": a.color.value, "reason": a.reason,
            "indicators": [{"metric": i.metric, "unit": i.unit, "target": i.target, "planned": _r(i.planned),
                            "actual": i.actual, "ratio": _r(i.ratio), "status": i.status.value,
                            "reason": i.reason, "forecast": _r(i.forecast), "reported": i.reported}
                           for i in a.indicators],
            "unreported": a.unreported,
        })
    return rows


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _leads(tasks: list[Task]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for r in (Responsibility.objects.filter(task__in=tasks, role=Responsibility.Role.LEAD)
              .select_related("unit").order_by("order")):
        out.setdefault(r.task_id, []).append(r.unit.name)
    return out


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)


def as_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["计划", "序号", "任务", "牵头单位", "截至", "状态", "原因"])
    for r in rows:
        w.writerow([r["plan"], r["number"], r["title"], "、".join(r["lead_units"]), r["as_of"], r["status"], r["reason"]])
    return buf.getvalue()


def as_table(rows: list[dict]) -> str:
    lines = []
    plan = None
    for r in rows:
        if r["plan"] != plan:
            plan = r["plan"]
            lines.append(f"\n《{plan}》 截至{r['as_of']}")
        lines.append(f"  {_pad(r['number'], 5)} {_pad(r['status'], 10)} {_pad(r['title'], 36)} {r['reason']}")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines.append("\n合计 " + str(len(rows)) + " 项:" + ",".join(f"{k}{v}项" for k, v in counts.items()))
    return "\n".join(lines).lstrip("\n")


def _pad(text: str, width: int) -> str:
    """Pad to `width` display columns (a Chinese character takes two), cutting what is too long."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out += ch
        used += w
    return out + " " * (width - used)
