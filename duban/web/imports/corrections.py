"""The office's corrections to a previewed extraction: the JSON as edited in the text area, then each
inline field (title, year, a task's lead and co-operating units) that differs from what was
extracted. An inline field left as extracted never undoes an edit made in the JSON."""
from __future__ import annotations

import copy
import json
import re

_SEPARATORS = re.compile(r"[、,,;;\s]+")


def split_units(text: str) -> list[str]:
    seen: list[str] = []
    for name in _SEPARATORS.split(text or ""):
        if name and name not in seen:
            seen.append(name)
    return seen


def join_units(names) -> str:
    return "、".join(names or [])


def corrected(original: dict, post) -> tuple[dict | None, list[str]]:
    """(the extraction to store, problems) from the original extraction and the posted form."""
    raw = (post.get("extraction") or "").strip()
    if raw:
        try:
            extraction = json.loads(raw)
        except ValueError as e:
            return None, [f"JSON 格式错误(第{getattr(e, 'lineno', '?')}行第{getattr(e, 'colno', '?')}列):"
                          f"{getattr(e, 'msg', e)}"]
        if not isinstance(extraction, dict):
            return None, ["JSON 须是一个对象(duban.plan/1)"]
    else:
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
    _units(original, extraction, post)
    return extraction, problems


def _units(original: dict, extraction: dict, post) -> None:
    was = {t.get("number"): t for t in original.get("tasks") or [] if isinstance(t, dict)}
    now = {t.get("number"): t for t in extraction.get("tasks") or [] if isinstance(t, dict)}
    count = post.get("task_count", "")
    for i in range(int(count) if count.isdigit() else 0):
        number = post.get(f"t{i}-number")
        before, task = was.get(number), now.get(number)
        if before is None or task is None:
            continue
        for key, field in (("lead_units", "lead"), ("co_units", "co")):
            value = post.get(f"t{i}-{field}")
            if value is not None and split_units(value) != list(before.get(key) or []):
                task[key] = split_units(value)
