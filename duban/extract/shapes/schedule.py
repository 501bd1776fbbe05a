"""A schedule cell or paragraph → dated milestones: `3月底前,…。 6月底前,…。 此后,每半年…`."""
from __future__ import annotations

import re
from datetime import date

from duban.extract import meaning
from duban.extract.dates import STEP_DATE, month_end, step_due
from duban.extract.normalize import close_spaces
from duban.extract.numbers import find_quantities
from duban.extract.plan import Milestone

# An undated step (此后,每半年…) ends the dated one before it and is no milestone.
_UNDATED = re.compile(r"(?:此后|之后|以后|其后|此外|今后|每年|每半年|每季度|每月|长期|常态化)")
_BOUNDARY = "。;;\n\t "
# Where a step can open: the first character after a boundary (or of the text) that is none.
_STEP_START = re.compile(f"(?<![^{re.escape(_BOUNDARY)}])[^{re.escape(_BOUNDARY)}]")


def milestones(text: str, year: int | None) -> tuple[list[Milestone], bool]:
    """The dated steps of `text`, and whether any date could not be placed (no plan year)."""
    starts: list[tuple[int, re.Match | None]] = []
    for start in _STEP_START.finditer(text):
        i = start.start()
        m = STEP_DATE.match(text, i)
        if m and (m.group("m") or m.group("ye") or m.group("q") or m.group("half") or "三季度" in m.group(0)):
            starts.append((i, m))
        elif _UNDATED.match(text, i):
            starts.append((i, None))
    out: list[Milestone] = []
    unplaced = False
    for k, (_, m) in enumerate(starts):
        if m is None:
            continue
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        step = close_spaces(text[m.end():end]).rstrip(";;,, ")
        due = step_due(m, year)
        unplaced |= due is None
        out.append(Milestone(due=due, text=step, targets=meaning.targets(step, find_quantities(step))))
    return out, unplaced


# A dated clause inside a task's own text: 区财政局于2022年8月底前拨付首批资金.
_DATED_CLAUSE = re.compile(
    r"(?:于|在|到)?(?:(?P<y>(?:19|20)\d{2})年)?(?:(?P<m>1[0-2]|0?[1-9])月(?:底|末|份)?|(?P<ye>年底|年末))(?:前|之前|以前)")


def dated_clauses(text: str, year: int | None) -> list[Milestone]:
    """The dated clauses of a task's text, as milestones (for a task with no schedule of its own):
    the clause up to `;` (or its sentence, with the `。`), without the date words."""
    out: list[Milestone] = []
    if "前" not in text:  # every dated clause ends 前, 之前 or 以前
        return out
    for m in _DATED_CLAUSE.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        if y is None:
            continue
        due = month_end(y, int(m.group("m"))) if m.group("m") else date(y, 12, 31)
        start = max(text.rfind(ch, 0, m.start()) for ch in "。;;") + 1
        ends = [i for i in (text.find(";", m.end()), text.find(";", m.end())) if i >= 0]
        full = text.find("。", m.end())
        end = min(ends + ([full + 1] if full >= 0 else []), default=len(text))
        step = close_spaces(text[start:m.start()] + text[m.end():end]).lstrip(",, ")
        out.append(Milestone(due=due, text=step, targets=meaning.targets(step, find_quantities(step))))
    return out
