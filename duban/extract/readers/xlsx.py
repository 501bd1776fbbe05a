"""Excel (.xlsx): each non-empty sheet is one Table, merged ranges filled with their top-left value."""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings

from duban.extract.document import Cell, Document, Row, Table

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)


def read_xlsx(data: bytes, source: str) -> Document:
    import openpyxl

    with warnings.catch_warnings():  # openpyxl warns about every extension it does not support
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True, rich_text=True)
    blocks = []
    for ws in workbook.worksheets:
        cells: dict[tuple[int, int], Cell] = {}
        # ws._cells holds only the cells the file has; iter_rows would create every one in the used range.
        for (r, c), cell in getattr(ws, "_cells", {}).items():
            text = cell_text(cell.value, getattr(cell, "number_format", "General"))
            if text.strip():
                cells[(r, c)] = Cell(text, _bold(cell, text))
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        table = sheet_table(ws.title, cells, merges)
        if table is not None:
            blocks.append(table)
    return Document(source=source, format="xlsx", blocks=blocks)


def sheet_table(name: str, cells: dict[tuple[int, int], Cell], merges: list[Merge]) -> Table | None:
    """The sheet's grid as a Table: merges filled, empty rows skipped, empty edges trimmed."""
    if not cells:
        return None
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    for r1, c1, r2, c2 in merges:
        top_left = cells.get((r1, c1))
        if top_left is None:
            continue
        for r in range(r1, min(r2, last_row) + 1):
            for c in range(c1, min(c2, last_col) + 1):
                cells[(r, c)] = top_left
    first_col = min(c for _, c in cells)
    rows = []
    for r in sorted({r for r, _ in cells}):
        rows.append(Row([cells.get((r, c), Cell("")) for c in range(first_col, last_col + 1)], f"sheet {name} row {r}"))
    return Table(rows, f"sheet {name}")


_PERCENT = re.compile(r"0(?:\.(0+))?%")


def cell_text(value, number_format: str = "General") -> str:
    """A cell value as text: integral numbers without .0, percentages as shown, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        found = _PERCENT.search(number_format or "")
        if found:
            return f"{value * 100:.{len(found.group(1) or '')}f}%"
        return number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def number_text(value: int | float) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    return str(value)


def _bold(cell, text: str) -> tuple[str, ...]:
    """(text,) for a bold cell; the bold runs of a rich-text cell."""
    font = getattr(cell, "font", None)
    cell_bold = bool(font is not None and font.b)
    from openpyxl.cell.rich_text import CellRichText

    value = cell.value
    if not isinstance(value, CellRichText):
        return (text.strip(),) if cell_bold and text.strip() else ()
    pieces: list[str] = []
    current = ""
    for part in value:
        run_font = getattr(part, "font", None)
        is_bold = cell_bold if run_font is None or run_font.b is None else bool(run_font.b)
        for i, line in enumerate(str(getattr(part, "text", part)).split("\n")):
            if i:
                pieces.append(current)
                current = ""
            if is_bold:
                current += line
            elif line:
                pieces.append(current)
                current = ""
    pieces.append(current)
    return tuple(p.strip() for p in pieces if p.strip())
