"""Hostile documents: a few kilobytes that describe gigabytes (issue 12's table, and more).

Each builder writes one file into a folder and returns its path; `BOMBS` names them with the words
the refusal must contain. Built by hand (zip parts, PDF objects) so that no library's writer stops
at its own limits.

    python -m tests.extract.bombs /tmp/bombs     # writes every bomb there and prints their sizes
"""
from __future__ import annotations

import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
{overrides}
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/>
</Relationships>"""
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _zip(out: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out


def _xlsx(out: Path, sheet_xml: str) -> Path:
    return _zip(out, {
        "[Content_Types].xml": _CONTENT_TYPES.format(overrides=(
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')),
        "_rels/.rels": _ROOT_RELS.format(main="xl/workbook.xml"),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_SHEET_NS}" '
                            f'xmlns:r="{_REL_NS}"><sheets><sheet name="计划" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet_xml,
    })


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def merged_xlsx(folder: Path) -> Path:
    """Merged ranges over millions of cells, each under a filled top-left cell (a few KB)."""
    rows, merges = [], []
    for i in range(40):
        r = 1 + i * 25_000
        rows.append(f'<row r="{r}">{_text_cell(f"A{r}", f"任务{i}")}{_text_cell(f"B{r}", "市教育局")}</row>')
        merges.append(f'<mergeCell ref="A{r}:{_column(200)}{r + 24_999}"/>')
    last = 40 * 25_000
    rows.append(f'<row r="{last}">{_text_cell(f"{_column(200)}{last}", "完")}</row>')
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SHEET_NS}"><dimension ref="A1:{_column(200)}{last}"/>'
           f'<sheetData>{"".join(rows)}</sheetData><mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells></worksheet>')
    return _xlsx(folder / "merged.xlsx", xml)


def wide_sparse_xlsx(folder: Path) -> Path:
    """2,000 rows with a cell in column A and one in the sheet's last column (XFD)."""
    rows = "".join(f'<row r="{r}">{_text_cell(f"A{r}", f"任务{r}")}{_text_cell(f"XFD{r}", "x")}</row>'
                   for r in range(1, 2001))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>'
    return _xlsx(folder / "wide-sparse.xlsx", xml)


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(out: Path, body: str) -> Path:
    return _zip(out, {
        "[Content_Types].xml": _CONTENT_TYPES.format(overrides=(
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>')),
        "_rels/.rels": _ROOT_RELS.format(main="word/document.xml"),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>',
    })


def docx_grid_spans(folder: Path) -> Path:
    """A table whose cells each span 1,000 grid columns, 50 cells a row, 200 rows (~60 KB)."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>任务</w:t></w:r></w:p></w:tc>'
    rows = "".join(f"<w:tr>{cell * 50}</w:tr>" for _ in range(200))
    return _docx(folder / "grid-spans.docx", f"<w:p><w:r><w:t>2024年重点任务</w:t></w:r></w:p><w:tbl>{rows}</w:tbl>")


def nested_spans_html(folder: Path) -> Path:
    """2,000 <span>s nested in one another (12 KB)."""
    body = "<span>任" * 2000 + "</span>" * 2000
    return _html(folder / "nested-spans.html", body)


def nested_bold_html(folder: Path) -> Path:
    """8,000 nested <b>, each with a little text (120 KB)."""
    body = "<b>重点任务" * 8000 + "</b>" * 8000
    return _html(folder / "nested-bold.html", body)


def table_spans_html(folder: Path) -> Path:
    """A table whose cells each span 1,000 rows and 1,000 columns."""
    row = "<tr>" + '<td rowspan="1000" colspan="1000">任务</td>' * 20 + "</tr>"
    return _html(folder / "table-spans.html", f"<table>{row * 20}</table>")


def _html(out: Path, body: str) -> Path:
    out.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>计划</title></head><body>{body}</body></html>',
                   "utf-8")
    return out


def pdf_flate_stream(folder: Path, size: int = 500 * 1024 * 1024) -> Path:
    """A one-page PDF whose content stream inflates to 500 MB (~500 KB on disk)."""
    out = folder / "flate-500mb.pdf"
    if out.exists():
        return out
    z = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = b"".join(z.compress(chunk) for _ in range(size // len(chunk))) + z.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    data = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    out.write_bytes(bytes(data))
    return out


def lying_docx(folder: Path) -> Path:
    """A .docx whose document.xml (60 MB inflated, 60 KB packed) declares 1,000 bytes in the zip
    directory and its local header: zipfile stops at the declared size, and the CRC fails."""
    import struct

    body = "<w:p><w:r><w:t>" + "任" * 20_000_000 + "</w:t></w:r></w:p>"
    out = _docx(folder / "lying-sizes.docx", body)
    data = bytearray(out.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, 1000)  # uncompressed size, central directory
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, 1000)  # and in the local header
        at = data.find(b"PK\x01\x02", at + 4)
    out.write_bytes(bytes(data))
    return out


def many_members_zip(folder: Path) -> Path:
    """A .xlsx of 20,000 empty members (the directory alone would take zipfile's memory)."""
    out = folder / "many-members.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(20_000):
            z.writestr(f"xl/media/{i}.bin", b"")
    return out


# name -> (builder, words the refusal names)
BOMBS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "merged-xlsx": (merged_xlsx, "表格合并单元格超过"),
    "wide-sparse-xlsx": (wide_sparse_xlsx, "表格单元格数"),
    "docx-grid-spans": (docx_grid_spans, "表格列数"),
    "nested-spans-html": (nested_spans_html, "网页标签嵌套层数超过"),
    "nested-bold-html": (nested_bold_html, "网页标签嵌套层数超过"),
    "table-spans-html": (table_spans_html, "表格"),
    "pdf-flate-500mb": (pdf_flate_stream, "PDF 数据流解压后的大小超过"),
    "many-members-xlsx": (many_members_zip, "压缩包内的文件数超过"),
}


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "bombs")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (build, _) in BOMBS.items():
        path = build(folder)
        print(f"{name}: {path} {path.stat().st_size / 1024:.1f} KB")
