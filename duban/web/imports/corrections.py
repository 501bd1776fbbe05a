"""The office's corrections on an import's preview, read from the form of each task: the plan's title
and year (which decide the plan, so they change what is stored), and per task its content, section,
domain, units, targets and milestones (which become office corrections of the stored tasks: audited,
kept by later versions of the document). A field left as extracted is no correction."""
from __future__ import annotations

import copy
import re

from duban.ledger.preview_corrections import MilestoneEdit, TargetEdit, TaskEdit

_SEPARATORS = re.compile(r"[、,,;;\s]+")
QUALIFIERS = {">=": "≥", "<=": "≤", "~": "≈", "=": "="}


def split_units(text: str) -> list[str]:
    seen: list[str] = []
    for name in _SEPARATORS.split(text or ""):
        if name and name not in seen:
            seen.append(name)
    return seen


def join_units(names) -> str:
    return "、".join(names or [])


def amount_text(value) -> str:
    """A target's value as the form shows it: 35000, 2.5 (no trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, "f").rstrip("0").rstrip(".")
    return str(value)


def corrected(original: dict, post) -> tuple[dict, list[TaskEdit], list[str]]:
    """(the extraction to store, the office's task corrections, problems) from the posted preview form."""
    extraction = copy.deepcopy(original)
    problems: list[str] = []
    title = post.get("title")
    if title is not None and title.strip() != (original.get("title") or ""):
        extraction["title"] = title.strip() or None
    year = (post.get("year") or "").strip()
    if year != str(original.get("year") or ""):
        if re.fullmatch(r"\d{4}", year):
            extraction["year"] = int(year)
        else:
            problems.append("年度须为四位数字,如 2023")
    edits = []
    if original.get("kind") != "progress":  # a progress report's tasks are the plan's: corrected on its pages
        for i, task in enumerate(original.get("tasks") or []):
            if isinstance(task, dict) and post.get(f"t{i}-number") == task.get("number"):
                edit = _task_edit(i, task, post)
                if edit:
                    edits.append(edit)
    return extraction, edits, problems


def _changed(post, key: str, was) -> str | None:
    value = post.get(key)
    if value is None:
        return None
    value = value.strip()
    return value if value != (was or "").strip() else None


def _task_edit(i: int, task: dict, post) -> TaskEdit:
    p = f"t{i}-"
    edit = TaskEdit(number=task["number"])
    fields = {}
    for name in ("content", "section", "domain"):
        value = _changed(post, p + name, task.get(name))
        if value is not None:
            fields[name] = value
    edit.fields = fields or None
    leads, cos = post.get(p + "lead"), post.get(p + "co")
    if leads is not None and cos is not None:
        lead_names, co_names = split_units(leads), split_units(cos)
        if (lead_names, co_names) != (list(task.get("lead_units") or []), list(task.get("co_units") or [])):
            edit.units = (lead_names, co_names)
    for j, target in enumerate(task.get("targets") or []):
        q = f"{p}q{j}-"
        if post.get(q + "metric") is None:
            continue
        now = {"metric": post.get(q + "metric", "").strip(), "value": post.get(q + "value", "").strip(),
               "unit": post.get(q + "unit", "").strip(), "qualifier": post.get(q + "qualifier", "="),
               "tracked": post.get(q + "tracked") == "on"}
        was = {"metric": target.get("metric") or "", "value": amount_text(target.get("value")),
               "unit": target.get("unit") or "", "qualifier": target.get("qualifier") or "=", "tracked": True}
        if now != was:
            edit.targets.append(TargetEdit(index=j, **now))
    new = f"{p}qnew-"
    if (post.get(new + "metric") or "").strip() or (post.get(new + "value") or "").strip():
        edit.targets.append(TargetEdit(index=None, metric=post.get(new + "metric", "").strip(),
                                       value=post.get(new + "value", "").strip(),
                                       unit=post.get(new + "unit", "").strip(),
                                       qualifier=post.get(new + "qualifier", "=")))
    for j, step in enumerate(task.get("milestones") or []):
        m = f"{p}m{j}-"
        due, text = post.get(m + "due"), post.get(m + "text")
        if due is None or text is None:
            continue
        if (due.strip(), text.strip()) != ((step.get("due") or ""), (step.get("text") or "").strip()):
            edit.milestones.append(MilestoneEdit(index=j, due=due.strip(), text=text.strip()))
    return edit
