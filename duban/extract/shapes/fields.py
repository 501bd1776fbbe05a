"""Inline labelled fields of a run-on paragraph: `… 分管领导:陈某 责任单位:区住建局 协办单位:… 推进情况:…`.

Each field is printed after a gap; a unit field's value ends at the next gap (what follows a gap
and no label is a field's tail: in a progress report, a flattened district table).
"""
from __future__ import annotations

import re

PERSON_LABELS = ("分管领导", "牵头领导", "责任领导", "分管副区长", "分管副市长", "分管副县长", "分管区领导", "分管市领导",
                 "项目责任人", "责任人", "联系人", "联系电话", "监督电话", "监督科室")
UNIT_LABELS = ("牵头单位", "责任单位", "配合单位", "协办单位", "参与单位", "协同单位", "牵头部门", "责任部门", "配合部门",
               "主责单位")
PROGRESS_LABELS = ("实际完成情况", "推进情况", "进展情况", "完成情况", "工作进展", "落实情况")
_ALL = sorted(PERSON_LABELS + UNIT_LABELS + PROGRESS_LABELS, key=len, reverse=True)
_FIELD = re.compile(r"\s+(?=(?:" + "|".join(_ALL) + r")\s*[::])")
_UNIT_FIELD = re.compile(r"^(?:" + "|".join(UNIT_LABELS) + r")\s*[::]\s*")
# A gap inside a unit value that is no list separator's: the value ends there.
_VALUE_GAP = re.compile(r"(?<![、,,;;:：])\s+(?![、,,;;])")


def split_fields(text: str) -> list[str]:
    """The pieces of `text` split before each inline label, with a unit field's tail apart."""
    out: list[str] = []
    for piece in _FIELD.split(text.strip()):
        m = _UNIT_FIELD.match(piece)
        gap = _VALUE_GAP.search(piece, m.end()) if m else None
        if gap:
            out += [piece[:gap.start()], piece[gap.end():]]
        else:
            out.append(piece)
    return [p for p in out if p.strip()]


def is_person_field(text: str) -> bool:
    return any(text.startswith(label) for label in PERSON_LABELS)
