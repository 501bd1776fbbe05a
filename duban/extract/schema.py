"""A structural check of `duban.plan/1` objects (what `duban extract` prints and the API accepts)."""
from __future__ import annotations

import re

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUALIFIERS = {">=", "<=", "~", "="}


def plan_problems(obj) -> list[str]:
    """Everything wrong with `obj` as a duban.plan/1 object; empty when it is valid."""
    out: list[str] = []
    if not isinstance(obj, dict):
        return ["not an object"]
    if obj.get("schema") != "duban.plan/1":
        out.append("schema is not duban.plan/1")
    for key, kind in (("source", str), ("tasks", list)):
        if not isinstance(obj.get(key), kind):
            out.append(f"{key} missing or not {kind.__name__}")
    if obj.get("title") is not None and not isinstance(obj["title"], str):
        out.append("title is not a string")
    if obj.get("year") is not None and not isinstance(obj["year"], int):
        out.append("year is not an integer")
    if obj.get("kind") not in ("plan", "progress"):
        out.append("kind is neither plan nor progress")
    for i, t in enumerate(obj.get("tasks") or []):
        out += [f"tasks[{i}]: {p}" for p in _task_problems(t)]
    return out


def _task_problems(t) -> list[str]:
    if not isinstance(t, dict):
        return ["not an object"]
    out = []
    if not isinstance(t.get("number"), str) or not re.fullmatch(r"\d+(?:\.\d+)*", t["number"]):
        out.append("number is not digits")
    if not isinstance(t.get("content"), str):
        out.append("content is not a string")
    for key in ("section", "title", "domain"):
        if t.get(key) is not None and not isinstance(t[key], str):
            out.append(f"{key} is not a string")
    for key in ("lead_units", "co_units"):
        if not isinstance(t.get(key), list) or not all(isinstance(u, str) and u for u in t[key]):
            out.append(f"{key} is not a list of names")
    out += _quantities(t.get("targets"), "targets")
    for m in t.get("milestones") or []:
        if m.get("due") is not None and not _DATE.match(str(m["due"])):
            out.append("milestone due is not a date")
        out += _quantities(m.get("targets"), "milestone targets")
    for p in t.get("progress") or []:
        if p.get("as_of") is not None and not _DATE.match(str(p["as_of"])):
            out.append("progress as_of is not a date")
        out += _quantities(p.get("values"), "progress values", percent=True)
    return out


def _quantities(items, where: str, *, percent: bool = False) -> list[str]:
    if not isinstance(items, list):
        return [f"{where} is not a list"]
    out = []
    for q in items:
        if not isinstance(q, dict) or not isinstance(q.get("value"), (int, float)) or isinstance(q.get("value"), bool):
            out.append(f"{where}: value is not a number")
        elif not isinstance(q.get("unit"), str) or q.get("qualifier") not in _QUALIFIERS:
            out.append(f"{where}: unit or qualifier malformed")
        elif percent and q.get("percent") is not None and not isinstance(q["percent"], (int, float)):
            out.append(f"{where}: percent is not a number")
    return out
