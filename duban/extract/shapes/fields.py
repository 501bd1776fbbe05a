"""Inline labelled fields of a run-on paragraph: `… 分管领导:陈某 责任单位:区住建局 协办单位:… 推进情况:…`.

Each field is printed after a gap; a unit field's value ends at the next gap (what follows a gap
and no label is a field's tail: in a progress report, a flattened district table).
"""
from __future__ import annotations

import re

from duban.extract.labels import INLINE_FIELD, UNIT_FIELD

# A gap inside a unit value that is no list separator's: the value ends there.
_VALUE_GAP = re.compile(r"(?<![、,,;;:：])\s+(?![、,,;;])")


def split_fields(text: str) -> list[str]:
    """The pieces of `text` split before each inline label, with a unit field's tail apart."""
    out: list[str] = []
    text = text.strip()
    for piece in INLINE_FIELD.split(text) if ":" in text else [text]:  # every label ends in a colon
        m = UNIT_FIELD.match(piece)
        gap = _VALUE_GAP.search(piece, m.end()) if m else None
        if gap:
            out += [piece[:gap.start()], piece[gap.end():]]
        else:
            out.append(piece)
    return [p for p in out if p.strip()]
