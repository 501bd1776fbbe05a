"""The task table: columns recognised by their header words, in any order.

序号 | 实施内容 | 牵头单位 | 协办单位 | 实施计划 (000), or 序号 | 攻坚事项 | 攻坚任务 | 领域 | 责任单位(加粗字体为牵头单位) |
实施进度计划 (004), and the many other headers cities use for the same columns. Rows as real tables
print them: continuation rows without a number (the merged 序号 cell lost), rows one cell short,
a row continued on the next page, a unit bracket inside the task cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from duban.extract.dates import period_end
from duban.extract.document import Cell, Line, Row, Table
from duban.extract.labels import last_unit_bracket
from duban.extract.normalize import close_spaces
from duban.extract.shapes.align import align, fit, is_status, on_track
from duban.extract.shapes.assemble import ProgressDraft, TaskDraft, task_number
from duban.extract.shapes.headers import Column, classify_header, period_label
from duban.extract.units import (
    LEAD_NOTE,
    Units,
    leads_by_bold,
    leads_by_first,
    leads_by_note,
    parse_roles,
    split_units,
)

# Kinds a table has at most one column of; a second one is kept for alignment but read as nothing.
_SINGLE = ("number", "title", "content", "domain", "lead", "co", "resp", "schedule", "percent", "done")
_BARE_FIGURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")
_PERCENT_CELL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_SECTION_LINE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}(?:部分|章|篇))\S")
_CLASS_HEADING = re.compile(r"^\S{2,16}类(?:\(\S{1,8}\))?$")
_PAGE_NOISE = re.compile(r"^[\s\-—–第页共/\d]*$")


@dataclass(slots=True)
class TaskTable:
    table: Table
    header_row: int
    columns: list[Column] = field(default_factory=list)

    def first(self, kind: str) -> Column | None:
        return next((c for c in self.columns if c.kind == kind), None)

    def all(self, kind: str) -> list[Column]:
        return [c for c in self.columns if c.kind == kind]

    @property
    def width(self) -> int:
        return len(self.table.rows[self.header_row].cells)


def header_columns(texts: list[str]) -> list[Column]:
    """Every header cell's column (an unknown one is kept as `ignore`, so that cells still align)."""
    cols: list[Column] = []
    for i, text in enumerate(texts):
        col = classify_header(text) if text.strip() else None
        if col is None:
            col = Column(kind="ignore", index=i, header=close_spaces(text))
        elif col.kind in _SINGLE and any(c.kind == col.kind for c in cols):
            col.kind = "ignore"  # 全年目标任务 beside 主要任务: the first task column is the task
        col.index = i
        cols.append(col)
    return cols


def recognise(table: Table) -> TaskTable | None:
    """A table whose header (in its first rows, below any metadata rows) names a task column and a
    unit or number column; or 序号 with a unit or schedule column, the longest texts being the tasks."""
    for r, row in enumerate(table.rows[:8]):
        cols = header_columns(row.texts)
        known = [c for c in cols if c.kind != "ignore"]
        kinds = {c.kind for c in known}
        if len(known) >= 3 and kinds & {"content", "title"} and kinds & {"lead", "resp", "co", "number"}:
            return _settled(_two_row_header(TaskTable(table=table, header_row=r, columns=cols)))
        if len(known) >= 2 and "number" in kinds and kinds & {"lead", "resp", "co", "schedule"}:
            longest = _longest_column(table, r, cols)
            if longest is not None:
                longest.kind = "content"
                return _settled(TaskTable(table=table, header_row=r, columns=cols))
    return None


def _two_row_header(tt: TaskTable) -> TaskTable:
    """A header of two rows (责任单位 spanning 牵头单位 | 配合单位 below it): the lower row names the columns."""
    if tt.header_row + 1 >= len(tt.table.rows):
        return tt
    below = tt.table.rows[tt.header_row + 1].texts
    classified = [(i, classify_header(t)) for i, t in enumerate(below) if t.strip()]
    named = [(i, col) for i, col in classified if col is not None]
    if not named or len(named) < len(classified) or any(col.kind == "number" for _, col in named):
        return tt
    cols = list(tt.columns)
    for i, col in named:
        if i < len(cols):
            col.index = i
            cols[i] = col
    kinds = [c.kind for c in cols]
    for k, c in enumerate(cols):  # a kind named twice keeps its first column
        if c.kind in _SINGLE and c.kind in kinds[:k]:
            c.kind = "ignore"
    return TaskTable(table=tt.table, header_row=tt.header_row + 1, columns=cols)


def _settled(tt: TaskTable) -> TaskTable:
    title = tt.first("title")
    if tt.first("content") is None and title is not None:
        title.kind = "content"  # a name column alone is the task column (实事项目名称)
    return tt


def _longest_column(table: Table, r: int, cols: list[Column]) -> Column | None:
    lengths = {c.index: 0 for c in cols if c.kind == "ignore"}
    for row in table.rows[r + 1:r + 30]:
        for i in lengths:
            if i < len(row.cells):
                lengths[i] += len(row.cells[i].text.strip())
    if not lengths or max(lengths.values()) == 0:
        return None
    best = max(lengths, key=lambda i: lengths[i])
    return next(c for c in cols if c.index == best)


def gather(tt: TaskTable, blocks: list) -> TaskTable:
    """The task table with what continues it: the next tables of the same width (a table broken by
    section lines, or by pages), the section lines becoming section rows; page numbers are skipped.
    A document cut in the middle of a row ends in a line that continues the task column."""
    width = tt.width
    start = next(i for i, b in enumerate(blocks) if b is tt.table)
    rows = list(tt.table.rows)
    pending: list[Row] = []
    for k, b in enumerate(blocks[start + 1:], start=start + 1):
        if isinstance(b, Table):
            if max(len(r.cells) for r in b.rows) != width:
                break
            rows += pending + b.rows
            pending = []
        elif _SECTION_LINE.match(b.text.strip()):
            pending.append(Row([_cell(b.text.strip())] + [_cell("") for _ in range(width - 1)], b.where))
        elif k == len(blocks) - 1 and b.text.strip() and not pending and "|" not in b.text:
            rows.append(Row([_cell(b.text.strip())] + [_cell("") for _ in range(width - 1)], b.where))
        elif not _PAGE_NOISE.match(b.text):
            break
    return TaskTable(table=Table(rows, tt.table.where), header_row=tt.header_row, columns=tt.columns)


def tabulate_lines(lines: list[Line]) -> Table | None:
    """A table that arrived one cell per line (or per paragraph): a run of short header lines
    starting at 序号, then rows that each open with a task number, their cells aligned by content."""
    texts = [_cell_text(line.text) for line in lines]
    for i in range(len(lines)):
        col = classify_header(texts[i]) if len(texts[i]) <= 20 else None
        if col is None or col.kind != "number":
            continue
        j = i + 1
        while j < len(lines) and len(texts[j]) <= 12 and task_number(texts[j]) is None \
                and not re.search(r"[。;;]", texts[j]):
            j += 1
        header = [texts[k] for k in range(i, j)]
        cols = header_columns(header)
        if sum(1 for c in cols if c.kind != "ignore") < 3 or not {c.kind for c in cols} & {"content", "title"}:
            continue
        rows = _rows_by_number(lines[j:], texts[j:], cols)
        if rows:
            head = Row([_cell(h) for h in header], lines[i].where)
            return Table(rows=[head] + rows, where=lines[i].where)
    return None


def _cell_text(text: str) -> str:
    """`徐国江 |` → `徐国江`; `||` (an empty cell closing a row) → ``."""
    return text.strip().rstrip("|").strip()


def _rows_by_number(lines: list[Line], texts: list[str], cols: list[Column]) -> list[Row]:
    """Rows opened by task numbers in sequence (from any number: a paged table starts at 41)."""
    groups: list[tuple[Line, list[str]]] = []
    expected = None
    for line, text in zip(lines, texts):
        n = task_number(text) if text else None
        if n is not None and not n.isdigit():  # a sub-item (1.1): rows open at the whole numbers
            n = None
        if n is not None and (expected is None or int(n) in (expected, expected + 1)):
            groups.append((line, [text]))
            expected = int(n) + 1
        elif groups and text:
            groups[-1][1].append(text)
    rows = []
    kinds = [c.kind for c in cols[1:]]
    for line, paragraphs in groups:
        cells = align(_joined(paragraphs[1:]), kinds)
        rows.append(Row([_cell(paragraphs[0])] + [_cell("\n".join(c)) for c in cells], line.where))
    return rows


def _joined(paragraphs: list[str]) -> list[str]:
    """A paragraph ending in 、 goes on in the next one (嘉善县政府、 / 长三角发展办)."""
    out: list[str] = []
    for p in paragraphs:
        if out and out[-1].rstrip().endswith(("、", ",")):
            out[-1] += p
        else:
            out.append(p)
    return out


def _cell(text: str) -> Cell:
    return Cell(text=text)


def drafts(tt: TaskTable, period: date | None, year: int | None) -> list[TaskDraft]:
    out: list[TaskDraft] = []
    section: str | None = None
    number_col = tt.first("number")
    carried: dict[int, str] = {}
    header = [close_spaces(t) for t in tt.table.rows[tt.header_row].texts]
    for row in tt.table.rows[tt.header_row + 1:]:
        texts = row.texts + [""] * (max(c.index for c in tt.columns) + 1 - len(row.cells))
        if [close_spaces(t) for t in row.texts] == header:
            continue  # the header again (a table split across pages)
        filled = [t.strip() for t in texts if t.strip()]
        if not filled:
            continue
        number = task_number(texts[number_col.index]) if number_col else str(len(out) + 1)
        if number is None and _is_section_row(row, texts, filled, number_col):
            section = close_spaces(filled[0])
            continue
        if number is None:
            if out:
                _continue_row(tt, out[-1], row, _shifted(tt, texts, number_col), period, year)
            continue
        draft = TaskDraft(number=number, where=row.where, content="", section=section)
        _fill(tt, draft, row, _aligned(tt, texts, number_col, len(row.cells)), carried, period, year)
        out.append(draft)
    return out


def _is_section_row(row: Row, texts: list[str], filled: list[str], number_col: Column | None) -> bool:
    """A heading row: one text spanning the table (a merged cell, printed in every cell), or a lone
    first cell that looks like a heading (一、…, (二)…, …类); other text there continues a task."""
    if len(set(filled)) != 1:
        return False
    first = close_spaces(texts[number_col.index if number_col else 0])
    if len(filled) > 1:
        return True
    return bool(first) and first == close_spaces(filled[0]) and bool(
        _SECTION_LINE.match(first) or _CLASS_HEADING.match(first))


def _aligned(tt: TaskTable, texts: list[str], number_col: Column | None, printed: int) -> list[str]:
    """A numbered row printed with fewer cells than its header: its cells placed by what they hold."""
    width = tt.width
    used = len(texts)
    while used and not texts[used - 1].strip():
        used -= 1
    if printed >= width or used >= width or number_col is None or number_col.index != 0 or used < 2:
        return texts
    kinds = [c.kind for c in tt.columns[1:]]
    if all(fit(t, k) >= 0 for t, k in zip(texts[1:used], kinds)):
        return texts  # a row cut short (the document stops mid-row): its cells are where they are
    cells = align([t for t in texts[1:used]], kinds)
    return [texts[0]] + ["\n".join(c) for c in cells]


def _shifted(tt: TaskTable, texts: list[str], number_col: Column | None) -> list[str]:
    """A continuation row whose first cell holds text: the merged 序号 cell was lost and the cells
    moved one to the left."""
    if number_col is None or number_col.index != 0 or not texts[0].strip():
        return texts
    body = texts[:]
    while body and not body[-1].strip():
        body.pop()
    if len(body) < len(texts):
        return [""] + body + [""] * (len(texts) - len(body) - 1)
    kinds = [c.kind for c in tt.columns[1:]]
    return [""] + ["\n".join(c) for c in align([t for t in body if t.strip()], kinds)]


def _fill(tt: TaskTable, draft: TaskDraft, row: Row, texts: list[str], carried: dict[int, str],
          period: date | None, year: int | None) -> None:
    progress: list[ProgressDraft] = []
    for col in tt.columns:
        text = texts[col.index] if col.index < len(texts) else ""
        if col.kind == "domain":  # a merged domain cell is printed once for the rows it spans
            text = text.strip() or carried.get(col.index, "")
            carried[col.index] = text
        if col.kind == "content":
            draft.content = (draft.content + "\n" + text) if draft.content else text
        elif col.kind == "title":
            draft.title = close_spaces(text).lstrip("*＊★☆").strip() or None
        elif col.kind == "domain":
            draft.domain = close_spaces(text) or None
        elif col.kind == "schedule":
            draft.schedule += ("\n" if draft.schedule else "") + text
        elif col.kind == "period_target" and text.strip():
            draft.schedule += ("\n" if draft.schedule else "") + f"{period_label(col.header)}:{text.strip()}"
        elif col.kind in ("progress", "done"):
            entry = _progress_cell(text, col, period, year)
            if entry is not None:
                progress.append(entry)
        elif col.kind in ("lead", "co", "resp"):
            _units(col, row.cells[col.index] if col.index < len(row.cells) else None, text, draft.units, tt)
    _status_and_percent(tt, texts, progress)
    draft.progress.extend(progress)
    _units_in_content(draft, tt)
    if not draft.content and draft.title:
        draft.content = draft.title


def _progress_cell(text: str, col: Column, period: date | None, year: int | None) -> ProgressDraft | None:
    as_of = period_end(col.header, year) or period
    if as_of is None and year and re.search(r"年度|全年", col.header):
        as_of = date(year, 12, 31)  # 年度完成情况: the whole year
    if _BARE_FIGURE.match(text):  # a completion column: 4385 is the achieved value
        return ProgressDraft(text=text.strip(), as_of=as_of, values=[(float(text), None)])
    if col.kind == "done":
        return None  # a 完成值 column that restates the progress text's figures: read from the text
    if is_status(text):  # 顺利推进 in a 目标完成情况 column: a status, not progress
        return ProgressDraft(text="", as_of=as_of, on_track=on_track(text))
    return ProgressDraft(text=text, as_of=as_of) if text.strip() else None


def _status_and_percent(tt: TaskTable, texts: list[str], progress: list[ProgressDraft]) -> None:
    """The 是否达序 / 说明 / 完成率 cells of a row go with its progress entries."""
    status = [texts[c.index] for c in tt.all("on_track") if c.index < len(texts) and texts[c.index].strip()]
    notes = [texts[c.index] for c in tt.all("note") if c.index < len(texts) and texts[c.index].strip()]
    pct = next((texts[c.index] for c in tt.all("percent") if c.index < len(texts)), "")
    status_only = [p for p in progress if not p.text]
    for p in status_only:
        progress.remove(p)
    target = progress[-1] if progress else None
    if target is None:
        return
    if status:
        target.on_track = on_track(status[0])
    elif status_only:
        target.on_track = status_only[0].on_track
    if notes:
        target.note = close_spaces(notes[0])
    m = _PERCENT_CELL.match(pct)
    if target.values and m:
        value, _ = target.values[-1]
        target.values[-1] = (value, float(m.group(1)))
        target.text = f"{target.text} | {pct.strip()}"


def _units_in_content(draft: TaskDraft, tt: TaskTable) -> None:
    """`建成…平台。(责任单位:市应急局、市城管局)` in the task cell: the units, and the content without them."""
    draft.content = close_spaces(draft.content)  # a wrapped cell may break 责任单\n位
    m = last_unit_bracket(draft.content)
    if m is None:
        return
    found = parse_roles(m.group(1))
    if found is None:
        return
    if not draft.units.leads and not draft.units.co:
        draft.units.add(found.leads, found.co)
    after = draft.content[m.end():]
    draft.content = (draft.content[:m.start()] + after.lstrip("。")).rstrip()
    if after.startswith("。") and not draft.content.endswith("。"):
        draft.content += "。"  # 建成…平台(责任单位:…)。: the sentence keeps its full stop


def _units(col: Column, cell, text: str, units: Units, tt: TaskTable) -> None:
    if col.kind == "lead":
        units.add(split_units(text), [])
    elif col.kind == "co":
        units.add([], split_units(text))
    elif tt.first("lead") is not None:
        units.add([], split_units(text))  # 责任单位 beside a 牵头单位 column: co-operating units
    elif LEAD_NOTE.search(text):
        found = leads_by_note(text)
        units.add(found.leads, found.co)
    elif col.bold_leads and cell is not None and cell.bold:
        found = leads_by_bold(text, cell.bold)
        units.add(found.leads, found.co)
    elif col.bold_leads or col.first_leads:
        found = leads_by_first(text)
        units.add(found.leads, found.co)
    else:
        units.add(split_units(text), [])
    units.settle()


def _continue_row(tt: TaskTable, draft: TaskDraft, row: Row, texts: list[str],
                  period: date | None, year: int | None) -> None:
    """A row without a number continues the task above (a sub-item row, a row broken across pages)."""
    progress: list[ProgressDraft] = []
    for col in tt.columns:
        text = texts[col.index].strip() if col.index < len(texts) else ""
        if not text:
            continue
        if col.kind == "content":
            draft.content += "\n" + text
        elif col.kind in ("schedule", "period_target"):
            label = f"{period_label(col.header)}:" if col.kind == "period_target" else ""
            draft.schedule += "\n" + label + text
        elif col.kind in ("progress", "done"):
            entry = _progress_cell(text, col, period, year)
            if entry is not None:
                progress.append(entry)
        elif col.kind in ("lead", "co", "resp"):
            _units(col, row.cells[col.index] if col.index < len(row.cells) else None, text, draft.units, tt)
    _status_and_percent(tt, texts, progress)
    for entry in progress:
        same = next((p for p in draft.progress if p.as_of == entry.as_of and (p.values is None) == (entry.values is None)),
                    None)
        if same is None:
            draft.progress.append(entry)
        elif entry.values is not None:
            same.values = (same.values or []) + entry.values
            same.text = f"{same.text};{entry.text}"
        else:
            same.text += "\n" + entry.text
