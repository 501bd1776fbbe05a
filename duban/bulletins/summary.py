"""The parts of a snapshot computed from its tasks: counts, the lagging list, the unit ranking and
what changed since the previous bulletin. Pure: plain data in, plain data out."""
from __future__ import annotations

from duban import ranking as R
from duban.assess import Status
from duban.bulletins.words import GROUPS, group_of


def counts(tasks: list[dict]) -> dict:
    out = {"total": len(tasks)} | {name: 0 for name in GROUPS}
    for t in tasks:
        out[group_of(t["status"])] += 1
    return out


def lagging(tasks: list[dict]) -> list[dict]:
    """Tasks short of the plan, the worst first (then in the plan's order)."""
    rows = [(-Status.parse(t["status"]).severity, i, t) for i, t in enumerate(tasks) if group_of(t["status"]) == "lagging"]
    return [{"task": t["id"], "number": t["number"], "content": t["content"], "lead_units": t["lead_units"],
             "status": t["status"], "reason": t["reason"]} for _, _, t in sorted(rows, key=lambda r: r[:2])]


def ranking(tasks: list[dict]) -> list[dict]:
    """Per lead unit: tasks led, how many are done / on track / lagging / without data, and its score
    and rank by the one formula (`duban.ranking`) that the /units/ page uses too."""
    by_unit: dict[str, dict] = {}
    statuses: dict[str, dict[str, int]] = {}
    for t in tasks:
        for unit in t["lead_units"]:
            row = by_unit.setdefault(unit, {"unit": unit, "led": 0, "done": 0, "on_track": 0, "lagging": 0,
                                            "no_data": 0})
            row["led"] += 1
            row[group_of(t["status"])] += 1
            counts = statuses.setdefault(unit, {})
            counts[t["status"]] = counts.get(t["status"], 0) + 1
    for unit, row in by_unit.items():
        row["score"] = R.score(statuses[unit])
    return R.rank(by_unit.values(), score_of=lambda r: r["score"], led_of=lambda r: r["led"],
                  name_of=lambda r: r["unit"], set_rank=lambda r, n: r.__setitem__("rank", n))


def changes(previous: dict | None, tasks: list[dict]) -> dict | None:
    """Status changes, new tasks and new values since the previous bulletin's snapshot."""
    if previous is None:
        return None
    before = {t["id"]: t for t in previous.get("tasks", [])}
    status, added, values = [], [], []
    for t in tasks:
        old = before.get(t["id"])
        if old is None:
            added.append({"task": t["id"], "number": t["number"], "content": t["content"]})
            continue
        if old["status"] != t["status"]:
            status.append({"task": t["id"], "number": t["number"], "content": t["content"], "from": old["status"],
                           "to": t["status"]})
        old_inds = {i["id"]: i for i in old.get("indicators", [])}
        for ind in t["indicators"]:
            if ind["value"] is None:
                continue
            was = old_inds.get(ind["id"]) or {}
            if (was.get("value"), was.get("value_as_of")) != (ind["value"], ind["value_as_of"]):
                values.append({"task": t["id"], "number": t["number"], "metric": ind["metric"], "unit": ind["unit"],
                               "before": was.get("value"), "after": ind["value"], "as_of": ind["value_as_of"],
                               "percent": ind["percent"]})
    return {"status": status, "added": added, "values": values}
