"""PDF through pdfplumber: ruled tables per page, the text outside them as lines, in reading order.

A table that runs over a page break is one Table: when a page opens with a table of the same
width as the table the previous page ended with, its rows are appended (a repeated header row
is dropped).
"""
from __future__ import annotations

import io
import re
import zlib

from duban.errors import DocumentLimitExceeded, UnreadableDocument
from duban.extract import limits
from duban.extract.document import Cell, Document, Line, Row, Table

# Lines a page break may leave between the two halves of a table: page numbers.
_PAGE_FURNITURE = re.compile(r"[\s\-—–_·/|()()第页共.\d]*|[Pp]age\s*\d+(\s*(of|/)\s*\d+)?")
_CID = re.compile(r"\(cid:\d+\)")


def read_pdf(data: bytes, source: str) -> Document:
    try:
        return _read_pdf(data, source)
    except UnreadableDocument:
        raise
    except Exception as exc:
        refusal = _limit_in(exc)  # pdfplumber wraps what pdfminer raises, our refusals too
        if refusal is not None:
            raise refusal from None
        raise


def _read_pdf(data: bytes, source: str) -> Document:
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    install_stream_limits()
    budget = limits.current(source)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if _is_password_error(exc):
            raise UnreadableDocument(source, "PDF 已加密,需要密码才能打开", code="corrupt") from None
        raise
    for n, _ in enumerate(PDFPage.create_pages(pdf.doc), 1):  # counted before pdfplumber makes each a Page
        budget.check("pages", n)
        budget.tick()
    blocks: list = []
    open_table: Table | None = None  # the last table, while only page furniture follows it
    with pdf:
        for p, page in enumerate(pdf.pages, start=1):
            budget.tick()
            items = _page_items(page)
            page.close()
            starts_page = True
            for top, kind, payload in items:
                if kind == "line":
                    blocks.append(Line(payload, f"page {p} line {top}"))
                    if open_table is not None and not _PAGE_FURNITURE.fullmatch(payload):
                        open_table = None
                    starts_page = False
                    continue
                t, rows = payload
                table_rows = [Row([Cell(c or "") for c in row], f"page {p} table {t} row {r}")
                              for r, row in enumerate(rows, start=1) if any((c or "").strip() for c in row)]
                if not table_rows:
                    continue
                width = len(table_rows[0].cells)
                if starts_page and open_table is not None and len(open_table.rows[0].cells) == width:
                    if table_rows[0].texts == open_table.rows[0].texts:
                        table_rows = table_rows[1:]  # the header, repeated on the new page
                    open_table.rows.extend(table_rows)
                else:
                    open_table = Table(table_rows, f"page {p} table {t}")
                    blocks.append(open_table)
                starts_page = False
    text = "".join(b.text if isinstance(b, Line) else "".join("".join(r.texts) for r in b.rows) for b in blocks)
    if not text.strip():
        raise UnreadableDocument(source, "PDF 没有文字层(可能是扫描件)", code="no_text")
    if len("".join(_CID.findall(text))) > len(text) / 2:
        raise UnreadableDocument(source, "PDF 的文字无法提取(字体缺少编码信息)", code="no_text")
    return Document(source=source, format="pdf", blocks=blocks)


def _page_items(page) -> list[tuple]:
    """("line", text) and ("table", (number, rows)) items of one page, top to bottom.

    A line item's first field is its line number on the page once sorted; a table's, its top.
    """
    tables = []
    for found in sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0])):
        rows = found.extract()
        if max((len(row) for row in rows), default=0) >= 2:  # a one-column "table" is a frame around text
            tables.append((found.bbox, rows))
    boxes = [bbox for bbox, _ in tables]

    def outside(obj) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    placed: list[tuple[float, int, str, object]] = []
    for t, (bbox, rows) in enumerate(tables, start=1):
        placed.append((bbox[1], 0, "table", (t, rows)))
    for line in text_page.extract_text_lines(return_chars=False):
        if line["text"].strip():
            placed.append((line["top"], 1, "line", line["text"]))
    placed.sort(key=lambda item: (item[0], item[1]))
    items: list[tuple] = []
    line_no = 0
    for _, _, kind, payload in placed:
        if kind == "line":
            line_no += 1
            items.append((line_no, kind, payload))
        else:
            items.append((0, kind, payload))
    return items


def _is_password_error(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        if "password" in type(exc).__name__.lower() or "encrypt" in type(exc).__name__.lower():
            return True
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _limit_in(exc: BaseException | None) -> DocumentLimitExceeded | None:
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, DocumentLimitExceeded):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


# ------------------------------------------------------------------ pdfminer, bounded
#
# pdfminer decodes a stream whole (zlib.decompress, LZW and run-length into memory) and draws every
# character and path of a page into objects. The hooks below make each decoder stop at the stream
# limit and the document's remaining allowance, and count what a page draws, against the open budget.
# They change nothing for a document within the limits.


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        d = _BoundedDecompressor()
        out = d.decompress(data)
        if not d.eof:  # truncated or corrupt: what zlib.decompress would refuse
            raise zlib.error("incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args) -> _BoundedDecompressor:
        return _BoundedDecompressor(*args)


class _BoundedDecompressor:
    def __init__(self, *args):
        self._d = zlib.decompressobj(*args)
        self._budget = limits.current()
        self._cap = min(self._budget.limits.pdf_stream_bytes, self._budget.remaining("pdf_expanded_bytes"))
        self._out = 0

    @property
    def eof(self) -> bool:
        return self._d.eof

    def decompress(self, data: bytes) -> bytes:
        out = self._d.decompress(data, self._cap - self._out + 1)
        self._out += len(out)
        if self._out > self._cap or self._d.unconsumed_tail:
            limit = "pdf_stream_bytes" if self._cap == self._budget.limits.pdf_stream_bytes else "pdf_expanded_bytes"
            raise self._budget.refuse(limit)
        return out


def _bounded_lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = limits.current()
    cap = min(budget.limits.pdf_stream_bytes, budget.remaining("pdf_expanded_bytes"))
    out, size = [], 0
    for piece in LZWDecoder(io.BytesIO(data)).run():
        size += len(piece)
        if size > cap:
            raise budget.refuse("pdf_stream_bytes")
        out.append(piece)
    return b"".join(out)


def _bounded_rldecode(data: bytes) -> bytes:
    """Run-length decoding (PDF 1.4, 3.3.4), as pdfminer's but into bytes and within the limit."""
    budget = limits.current()
    cap = min(budget.limits.pdf_stream_bytes, budget.remaining("pdf_expanded_bytes"))
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > cap:
            raise budget.refuse("pdf_stream_bytes")
    return bytes(out)


_LAST_CID = 0xFFFF  # character ids are two bytes: a width range past them describes nothing


def _clipped_widths(seq, size: int) -> list:
    """A CID font's /W (size 3: c1 c2 w) or /W2 (size 5) array with each c1..c2 range clipped to
    the character ids there are: `0 99999999 500` would otherwise fill 100 million entries."""
    out: list = []
    numbers: list = []
    for v in seq:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers.append(v)
            if len(numbers) == size:
                c1, c2 = numbers[0], numbers[1]
                if isinstance(c1, int) and isinstance(c2, int):
                    c1, c2 = max(c1, 0), min(c2, _LAST_CID)
                    if c2 < c1:  # an empty range: keep the array's shape, fill nothing
                        c1, c2 = 1, 0
                out.extend([c1, c2, *numbers[2:]])
                numbers = []
        else:
            out.extend(numbers)
            numbers = []
            out.append(v)
    out.extend(numbers)
    return out


_installed = False


def install_stream_limits() -> None:
    """Hook pdfminer's decoders and layout device once (idempotent)."""
    global _installed
    if _installed:
        return
    from pdfminer import converter, pdffont, pdftypes
    from pdfminer.pdftypes import resolve1

    pdftypes.zlib = _BoundedZlib
    pdftypes.lzwdecode = _bounded_lzwdecode
    pdftypes.rldecode = _bounded_rldecode
    decode = pdftypes.PDFStream.decode

    def bounded_decode(self) -> None:
        decode(self)
        limits.current().charge("pdf_expanded_bytes", len(self.data or b""))

    pdftypes.PDFStream.decode = bounded_decode
    get_widths, get_widths2 = pdffont.get_widths, pdffont.get_widths2
    pdffont.get_widths = lambda seq: get_widths(_clipped_widths([resolve1(v) for v in seq], 3))
    pdffont.get_widths2 = lambda seq: get_widths2(_clipped_widths(list(seq), 5))
    analyzer = converter.PDFLayoutAnalyzer
    render_char, paint_path = analyzer.render_char, analyzer.paint_path

    def count(device) -> None:
        drawn = getattr(device, "_duban_drawn", 0) + 1
        device._duban_drawn = drawn
        if drawn & 1023 == 0:
            budget = limits.current()
            budget.check("pdf_page_objects", drawn)
            budget.tick()

    def counted_char(self, *args, **kwargs):
        count(self)
        return render_char(self, *args, **kwargs)

    def counted_path(self, *args, **kwargs):
        count(self)
        return paint_path(self, *args, **kwargs)

    analyzer.render_char = counted_char
    analyzer.paint_path = counted_path
    _installed = True
