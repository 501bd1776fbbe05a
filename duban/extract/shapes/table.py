"""The task table: columns recognised by their header words, in any order.

序号 | 实施内容 | 牵头单位 | 协办单位 | 实施计划 (000), or 序号 | 攻坚事项 | 攻坚任务 | 领域 | 责任单位(加粗字体为牵头单位) |
实施进度计划 (004), and the many other headers cities use for the same columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from duban.extract.dates import period_end
from duban.extract.document import Line, Row, Table
from duban.extract.normalize import close_spaces
from duban.extract.shapes.assemble import TaskDraft, task_number
from duban.extract.units import LEAD_NOTE, Units, leads_by_bold, leads_by_first, leads_by_note, split_units

# Header words per column kind; the longest word found in a header decides its kind.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "title": ("攻坚事项", "事项名称", "项目名称", "任务名称", "重点事项", "实事项目", "事项", "名称"),
    "content": ("实施内容", "主要任务", "攻坚任务", "民生实事", "重点任务", "工作任务", "任务内容", "工作内容",
                "目标任务", "具体任务", "建设内容", "主要内容", "项目内容", "工作目标", "任务", "内容", "实事"),
    "domain": ("领域", "类别", "分类", "板块"),
    "lead": ("牵头单位", "牵头部门", "主责单位", "牵头责任单位", "牵头"),
    "co": ("协办单位", "配合单位", "参与单位", "协同单位", "配合部门", "参与部门", "协办部门", "协同部门", "协办", "配合"),
    "resp": ("责任单位", "责任部门", "责任主体", "实施单位", "承办单位"),
    "schedule": ("实施计划", "实施进度计划", "完成时限", "工作进度安排", "进度安排", "时间节点", "计划进度", "完成时间",
                 "进度计划", "时限要求", "时间安排", "推进计划"),
    "progress": ("进展情况", "推进情况", "完成情况", "工作进展", "落实情况", "进度情况", "进展"),
    "on_track": ("是否达序", "是否达到序时进度", "序时进度", "是否达到"),
    "note": ("备注",),
}
_BRACKET = re.compile(r"\(([^)]*)\)")
_BOLD_NOTE = re.compile(r"加粗|加黑|黑体|粗体")
_FIRST_NOTE = re.compile(r"排名第一|排在首位|第一个|首位|排第一|列第一")


@dataclass(slots=True)
class Column:
    kind: str
    index: int
    header: str
    bold_leads: bool = False
    first_leads: bool = False


@dataclass(slots=True)
class TaskTable:
    table: Table
    header_row: int
    columns: list[Column] = field(default_factory=list)

    def first(self, kind: str) -> Column | None:
        return next((c for c in self.columns if c.kind == kind), None)

    def all(self, kind: str) -> list[Column]:
        return [c for c in self.columns if c.kind == kind]


def classify_header(text: str) -> Column | None:
    raw = close_spaces(text.replace("\n", ""))
    notes = " ".join(_BRACKET.findall(raw))
    bare = _BRACKET.sub("", raw)
    best: tuple[int, str] | None = None
    for kind, words in HEADER_WORDS.items():
        for w in words:
            if w in bare and (best is None or len(w) > best[0]):
                best = (len(w), kind)
    if best is None or len(bare) > 20:
        return None
    return Column(kind=best[1], index=-1, header=raw, bold_leads=bool(_BOLD_NOTE.search(notes)),
                  first_leads=bool(_FIRST_NOTE.search(notes)))


def recognise(table: Table) -> TaskTable | None:
    """A table whose header (in its first rows) names a task column and a unit or number column."""
    for r, row in enumerate(table.rows[:4]):
        cols = []
        for i, cell in enumerate(row.cells):
            col = classify_header(cell.text)
            if col is not None and all(c.kind != col.kind or col.kind in ("progress",) for c in cols):
                col.index = i
                cols.append(col)
        kinds = {c.kind for c in cols}
        if len(cols) >= 3 and kinds & {"content", "title"} and kinds & {"lead", "resp", "co", "number"}:
            return TaskTable(table=table, header_row=r, columns=cols)
    return None


_SECTION_LINE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}(?:部分|章|篇))\S")
_PAGE_NOISE = re.compile(r"^[\s\-—–第页共/\d]*$")


def gather(tt: TaskTable, blocks: list) -> TaskTable:
    """The task table with what continues it: the next tables of the same width (a table broken by
    section lines, or by pages), the section lines becoming section rows; page numbers are skipped."""
    width = len(tt.table.rows[tt.header_row].cells)
    start = next(i for i, b in enumerate(blocks) if b is tt.table)
    rows = list(tt.table.rows)
    pending: list[Row] = []
    for b in blocks[start + 1:]:
        if isinstance(b, Table):
            if max(len(r.cells) for r in b.rows) != width:
                break
            rows += pending + b.rows
            pending = []
        elif _SECTION_LINE.match(b.text.strip()):
            pending.append(Row([_cell(b.text.strip())] + [_cell("") for _ in range(width - 1)], b.where))
        elif not _PAGE_NOISE.match(b.text):
            break
    return TaskTable(table=Table(rows, tt.table.where), header_row=tt.header_row, columns=tt.columns)


def tabulate_lines(lines: list[Line]) -> Table | None:
    """A table that arrived as one cell per line: a run of header lines, then cells in that order."""
    for i in range(len(lines)):
        j = i
        while j < len(lines) and classify_header(lines[j].text) is not None and len(lines[j].text.strip()) <= 20:
            j += 1
        width = j - i
        if width < 3:
            continue
        header = Table(rows=[Row([_cell(l.text) for l in lines[i:j]], lines[i].where)], where=lines[i].where)
        tt = recognise(header)
        if tt is None or tt.first("number") is None or tt.first("number").index != 0:
            continue
        rows, current = [], None
        expected = 1
        for line in lines[j:]:
            if task_number(line.text) == str(expected):
                current = Row([_cell(line.text)], line.where)
                rows.append(current)
                expected += 1
            elif current is not None:
                if len(current.cells) < width:
                    current.cells.append(_cell(line.text))
                else:
                    current.cells[-1].text += "\n" + line.text
        if rows:
            for row in rows:
                row.cells += [_cell("") for _ in range(width - len(row.cells))]
            return Table(rows=header.rows + rows, where=lines[i].where)
    return None


def _cell(text: str):
    from duban.extract.document import Cell

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
        if number is None and len(set(filled)) == 1 and (not number_col or not texts[number_col.index].strip()
                                                         or texts[number_col.index].strip() == filled[0]):
            section = close_spaces(filled[0])  # a row spanning the table: a section heading
            continue
        if number is None:
            if out:
                _continue_row(tt, out[-1], row, texts)
            continue
        draft = TaskDraft(number=number, where=row.where, content="", section=section)
        _fill(tt, draft, row, texts, carried, period, year)
        out.append(draft)
    return out


def _fill(tt: TaskTable, draft: TaskDraft, row: Row, texts: list[str], carried: dict[int, str],
          period: date | None, year: int | None) -> None:
    for col in tt.columns:
        text = texts[col.index]
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
        elif col.kind == "progress":
            draft.progress.append((text, period_end(col.header, year) or period))
        elif col.kind in ("lead", "co", "resp"):
            _units(col, row.cells[col.index] if col.index < len(row.cells) else None, text, draft.units, tt)
    if not draft.content and draft.title:
        draft.content = draft.title


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


def _continue_row(tt: TaskTable, draft: TaskDraft, row: Row, texts: list[str]) -> None:
    """A row without a number continues the task above (a row broken across pages)."""
    for col in tt.columns:
        text = texts[col.index].strip()
        if not text:
            continue
        if col.kind == "content":
            draft.content += "\n" + text
        elif col.kind == "schedule":
            draft.schedule += "\n" + text
        elif col.kind == "progress" and draft.progress:
            draft.progress[-1] = (draft.progress[-1][0] + "\n" + text, draft.progress[-1][1])
        elif col.kind in ("lead", "co", "resp"):
            _units(col, row.cells[col.index], text, draft.units, tt)
