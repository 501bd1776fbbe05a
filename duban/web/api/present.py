"""Model rows → the API's dicts (the response schemas validate them on the way out)."""
from __future__ import annotations

import math
from collections import defaultdict

from duban import assess as A
from duban.errors import DubanError
from duban.ledger.milestones import claims_of
from duban.ledger.models import ProgressReport, Responsibility, Task


def status_of(text: str) -> A.Status | None:
    if not text:
        return None
    try:
        return A.Status.parse(text)
    except DubanError:
        return None


def status_fields(text: str, color: str = "") -> dict:
    status = status_of(text)
    return {"status": text or None, "status_code": status.code if status else None,
            "color": color or (status.color.value if status else None)}


def number(x: float | None) -> float | None:
    """JSON has no NaN or infinity."""
    return None if x is None or not math.isfinite(x) else x


def lead_names(task_ids) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for task_id, name in (Responsibility.objects.filter(task_id__in=list(task_ids), role=Responsibility.Role.LEAD)
                          .order_by("task_id", "order", "pk").values_list("task_id", "unit__name")):
        out[task_id].append(name)
    return out


def task_items(tasks: list[Task]) -> list[dict]:
    """TaskItem dicts; tasks should come with select_related("plan", "section")."""
    leads = lead_names(t.pk for t in tasks)
    return [task_item(t, leads.get(t.pk, [])) for t in tasks]


def task_item(t: Task, leads: list[str]) -> dict:
    return {"id": t.pk, "plan": t.plan_id, "year": t.plan.year, "number": t.number,
            "title": t.title or t.content[:40], "domain": t.domain,
            "section": t.section.title if t.section_id else None, "lead_units": leads,
            **status_fields(t.status, t.status_color), "assessed_on": t.assessed_on}


def checkpoints(indicator) -> list[dict]:
    return [{"milestone": c.milestone_id, "due": c.milestone.due, "value": c.value, "qualifier": c.qualifier}
            for c in indicator.checkpoints.all()]


def indicator(i) -> dict:
    """IndicatorOut; prefetch checkpoints__milestone."""
    return {"id": i.pk, "metric": i.metric, "unit": i.unit, "target": i.target, "qualifier": i.qualifier,
            "qualifier_label": i.get_qualifier_display(), "higher_is_better": i.higher_is_better,
            "cumulative": i.cumulative, "implied": i.implied, "checkpoints": checkpoints(i)}


def report(r: ProgressReport, *, public: bool) -> dict:
    """ProgressOut; prefetch observations (and evidence), select task and submitted_by.
    The public form leaves out who reported, the review note and the evidence."""
    out = {"id": r.pk, "task": r.task_id, "task_number": r.task.number, "plan": r.task.plan_id, "as_of": r.as_of,
           "text": r.text, "state": r.state, "state_label": r.get_state_display(), "version": r.version,
           "created_at": r.created_at,
           "values": [{"indicator": o.indicator_id, "metric": o.metric, "unit": o.unit, "value": number(o.value),
                       "percent": number(o.percent)} for o in r.observations.all()],
           "milestones_done": [{"milestone": c.milestone, "done_on": c.done_on or r.as_of,
                                "evidence": "" if public else c.evidence} for c in claims_of(r)]}
    if not public:
        out["submitted_by"] = r.submitted_by.get_username() if r.submitted_by_id else None
        out["review_note"] = r.review_note
        out["evidence"] = [{"name": e.name, "size": e.size, "content_type": e.content_type} for e in r.evidence.all()]
    return out
