"""Legacy Excel (.xls, BIFF) through xlrd: the same Tables as the .xlsx reader."""
from __future__ import annotations

import io

from duban.extract import limits
from duban.extract.document import Cell, Document
from duban.extract.readers.xlsx import cell_text, sheet_table


def read_xls(data: bytes, source: str) -> Document:
    import xlrd

    budget = limits.current(source)
    log = io.StringIO()  # xlrd writes its warnings to stdout by default
    # ragged_rows: each row holds the cells the file has, not padded to the widest row (a stray
    # cell in column IV would otherwise make every row 256 cells long in memory).
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=log, ragged_rows=True)
        formatted = True
    except Exception:
        book = xlrd.open_workbook(file_contents=data, formatting_info=False, logfile=log, ragged_rows=True)
        formatted = False
    blocks = []
    for sheet in book.sheets():
        cells: dict[tuple[int, int], Cell] = {}
        for r in range(sheet.nrows):
            budget.charge("cells", sheet.row_len(r), counter="stored cells")
            budget.tick()
            for c in range(sheet.row_len(r)):
                cell = sheet.cell(r, c)
                number_format, bold = "General", False
                if formatted:
                    xf = book.xf_list[cell.xf_index]
                    fmt = book.format_map.get(xf.format_key)
                    number_format = fmt.format_str if fmt is not None else "General"
                    bold = bool(book.font_list[xf.font_index].bold)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        value = cell.value
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                else:
                    value = cell.value
                text = cell_text(value, number_format)
                if text.strip():
                    cells[(r + 1, c + 1)] = Cell(text, (text.strip(),) if bold else ())
        merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", [])]
        table = sheet_table(sheet.name, cells, merges)
        if table is not None:
            blocks.append(table)
    return Document(source=source, format="xls", blocks=blocks)
