"""An audit entry's before and after as a short list of what changed (the task page's history)."""
from __future__ import annotations

from django import template

from duban.ledger.corrections import FIELD_LABELS

register = template.Library()

_MORE_LABELS = {"lead": "牵头单位", "co": "协办单位", "tracked": "纳入评价", "checkpoints": "节点目标",
                "done_on": "完成日期", "done_evidence": "完成依据", "domain_suggested": "领域为系统建议",
                "state": "状态", "as_of": "截至日期", "values": "数值"}


def _shown(value) -> str:
    if value is None or value == "":
        return "(空)"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value) or "(无)"
    if isinstance(value, dict):
        return ";".join(f"{k}:{_shown(v)}" for k, v in value.items()) or "(无)"
    return str(value)


# The ledger's own edits, whose before and after are the task's fields; other entries (a case's, a
# report's steps) say what happened in their summary, and their states are codes, not words.
_DIFFED = ("task.", "indicator.", "milestone.", "correction.")


@register.filter
def changes(entry) -> list[dict]:
    """[{label, before, after}] for each key whose value differs between before and after."""
    if not (entry.action or "").startswith(_DIFFED):
        return []
    before, after = entry.before, entry.after
    if not isinstance(before, dict) or not isinstance(after, dict) or not (before or after):
        return []
    if isinstance(before.get("units"), dict) or {"lead", "co"} & (before.keys() | after.keys()):
        before = before.get("units", before)
        after = after.get("units", after)
    out = []
    for key in [*before.keys(), *[k for k in after if k not in before]]:
        b, a = before.get(key), after.get(key)
        if b != a:
            out.append({"label": FIELD_LABELS.get(key) or _MORE_LABELS.get(key, key),
                        "before": _shown(b) if key in before else "(无)",
                        "after": _shown(a) if key in after else "(无)"})
    return out
