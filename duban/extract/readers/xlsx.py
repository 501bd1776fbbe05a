"""Excel (.xlsx): each non-empty sheet is one Table, merged ranges filled with their top-left value."""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile

from duban.extract import limits
from duban.extract.document import Cell, Document, Row, Table

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)

# In a sheet's XML (any namespace prefix): a cell, and the ranges openpyxl fills cell by cell on loading.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_RANGE_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(mergeCell|hyperlink)\b[^>]*?\bref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
                        rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?")


def check_sheets(data: bytes, budget: limits.Budget) -> None:
    """Before openpyxl loads the workbook: the cells each sheet stores, and the cells its merged
    ranges and hyperlink ranges cover (openpyxl creates every one of them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            name = info.filename
            if not name.lower().endswith(".xml") or name.startswith(("[", "_rels/", "docProps/")):
                continue  # every part that may be a sheet, wherever the workbook's relationships put it
            with package.open(info) as f:
                xml = f.read(budget.limits.part_bytes + 1)  # the actual size, whatever the directory says
            budget.check("part_bytes", len(xml), f"({name})")
            count = 0
            for count, _ in enumerate(_CELL_TAG.finditer(xml), 1):
                if count % 65536 == 0:
                    budget.charge("cells", 65536, counter="stored cells")
                    budget.tick()
            budget.charge("cells", count % 65536, counter="stored cells")
            for m in _RANGE_REF.finditer(xml):
                kind, c1, r1, c2, r2 = m.groups()
                if c2 is None:
                    continue
                area = (abs(int(r2) - int(r1)) + 1) * (abs(_column(c2) - _column(c1)) + 1)
                if kind == b"mergeCell":
                    budget.charge("merged_cells", area)
                else:
                    budget.charge("cells", area, counter="stored cells")


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def read_xlsx(data: bytes, source: str) -> Document:
    import openpyxl

    check_sheets(data, limits.current(source))
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
    budget = limits.current(name)
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    first_col = min(c for _, c in cells)
    rows_with_text = {r for r, _ in cells}
    for r1, c1, r2, c2 in merges:  # the rows the merges add, before any is filled
        if (r1, c1) in cells and r2 > r1:
            budget.charge("merged_cells", (min(r2, last_row) - r1 + 1) * (min(c2, last_col) - c1 + 1),
                          counter="filled merges")
            rows_with_text.update(range(r1, min(r2, last_row) + 1))
    budget.charge("cells", len(rows_with_text) * (last_col - first_col + 1),
                  f"(工作表“{name}”{len(rows_with_text)} 行 × {last_col - first_col + 1} 列)")
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
        budget.tick()
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
