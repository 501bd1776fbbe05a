"""A schedule cell or paragraph → dated milestones: `3月底前,…。 6月底前,…。 此后,每半年…`."""
from __future__ import annotations

import re

from duban.extract.dates import STEP_DATE, step_due
from duban.extract.normalize import close_spaces
from duban.extract import meaning
from duban.extract.numbers import find_quantities
from duban.extract.plan import Milestone

# An undated step (此后,每半年…) ends the dated one before it and is no milestone.
_UNDATED = re.compile(r"(?:此后|之后|以后|其后|此外|今后|每年|每半年|每季度|每月|长期|常态化)")
_BOUNDARY = "。;;\n\t "


def milestones(text: str, year: int | None) -> tuple[list[Milestone], bool]:
    """The dated steps of `text`, and whether any date could not be placed (no plan year)."""
    starts: list[tuple[int, re.Match | None]] = []
    for i in range(len(text)):
        if i and text[i - 1] not in _BOUNDARY:
            continue
        if text[i] in _BOUNDARY:
            continue
        m = STEP_DATE.match(text, i)
        if m and (m.group("m") or m.group("ye") or m.group("q") or m.group("half") or "三季度" in m.group(0)):
            starts.append((i, m))
        elif _UNDATED.match(text, i):
            starts.append((i, None))
    out: list[Milestone] = []
    unplaced = False
    for k, (i, m) in enumerate(starts):
        if m is None:
            continue
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        step = close_spaces(text[m.end():end])
        due = step_due(m, year)
        unplaced |= due is None
        out.append(Milestone(due=due, text=step, targets=meaning.targets(step, find_quantities(step))))
    return out, unplaced
