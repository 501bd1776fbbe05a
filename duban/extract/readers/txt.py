"""Plain text: decode the bytes, then lines, with runs of TAB- or |-separated rows as tables."""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter

from duban.errors import UnreadableDocument
from duban.extract.document import Cell, Document, Line, Row, Table

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that no text encoding we accept produces (TAB, LF, VT, FF, CR and ESC aside).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_SAMPLE = 64 * 1024


def decode(data: bytes, source: str) -> str:
    """The text of `data`, or UnreadableDocument(code encoding / wrong_type)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            if text.count("\ufffd") > max(2, len(text) // 100):
                raise UnreadableDocument(
                    source, f"无法识别文本编码(文件标明为 {encoding.upper()},但内容不符)", code="encoding"
                )
            return _checked(text, source)
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return _checked(utf16, source)
        if sample.count(0) > max(2, len(sample) // 1000):
            raise UnreadableDocument(source, "不是文本文件(内容是二进制数据)", code="wrong_type")
        data = data.replace(b"\x00", b"")  # a stray NUL or two in a text file
        sample = data[:_SAMPLE]
    if len(sample) - len(sample.translate(None, _CONTROL)) > max(2, len(sample) // 100):  # one pass
        raise UnreadableDocument(source, "不是文本文件(内容是二进制数据)", code="wrong_type")
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    legacy = _chinese_legacy(data)
    if legacy is None:
        raise UnreadableDocument(source, "无法识别文本编码", code="encoding")
    return _checked(legacy, source)


# Characters plan text is made of; only the others need a closer look.
_UNCOMMON = re.compile(r"[^\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _checked(text: str, source: str) -> str:
    """Refuse decoded text that is mostly unprintable: binary noise that happened to decode."""
    sample = text[:_SAMPLE]
    if sum(1 for ch in _UNCOMMON.findall(sample) if _junk(ch)) > max(2, len(sample) // 100):
        raise UnreadableDocument(source, "不是文本文件(内容是二进制数据)", code="wrong_type")
    return text


def _junk(ch: str) -> bool:
    """Control characters (whitespace aside), lone surrogates, unassigned code points, U+FFFD."""
    if ch == "\ufffd":
        return True
    if ch.isprintable() or ch in "\t\n\r\f\v\x1b":
        return False
    return unicodedata.category(ch) in ("Cc", "Cs", "Cn")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 told by its NULs (ASCII characters have a NUL high byte): the byte order whose
    decoding reads as Chinese text; None for binary data that merely contains NULs."""
    sample = data[: min(len(data), _SAMPLE) // 2 * 2]
    if sample.count(0) < max(2, len(sample) // 1000):
        return None
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        score = sum(1 for ch in text if _usual(ch)) / max(1, len(text))
        if score > best_score:
            best, best_score = encoding, score
    if best is None or best_score < 0.9:
        return None
    return data[: len(data) // 2 * 2].decode(best, errors="replace")


def _usual(ch: str) -> bool:
    """A character Chinese plan text is made of: CJK ideographs and punctuation, ASCII, Latin, full-width forms."""
    o = ord(ch)
    return (
        0x20 <= o < 0x250 or ch in "\t\n\r\f" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x2460 <= o <= 0x24FF or 0x2150 <= o <= 0x218F
    )


def _chinese_legacy(data: bytes) -> str | None:
    """GB18030 (GBK, GB2312) or Big5, as charset_normalizer judges; None if neither fits."""
    from charset_normalizer import from_bytes

    for chunk in (data, data[:-1]):  # the second forgives a file cut in the middle of a character
        best = from_bytes(chunk, cp_isolation=["gb2312", "gbk", "gb18030", "big5"]).best()
        if best is None:
            continue
        encodings = ("gb18030",) if best.encoding.startswith("gb") else ("big5", "cp950", "big5hkscs")
        for encoding in encodings:
            try:
                return chunk.decode(encoding)
            except UnicodeDecodeError:
                continue
    return None


# --- lines and tables -------------------------------------------------------------------------

_MD_SEPARATOR = re.compile(r"\s*:?-+:?\s*")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _row_cells(line: str) -> tuple[str, list[str]] | None:
    """(kind, cells) if the line is a table row: TAB-separated, or `a | b | c`."""
    if "\t" in line:
        return "tab", line.split("\t")
    if line.count("|") >= 2:
        inner = line.strip()
        if inner.startswith("|"):
            inner = inner[1:]
        if inner.endswith("|"):
            inner = inner[:-1]
        cells = [c.strip() for c in inner.split("|")]
        if len(cells) >= 2:
            return "pipe", cells
    return None


def blocks_from_text(text: str) -> list:
    """Lines, with each run of ≥2 consecutive rows of one kind (or one TAB row of ≥3 cells) as a Table.
    Blank lines are skipped but counted. A blank line ends a table, except in an export that put blank
    lines after nearly every line, where only a longer run of them does."""
    lines = _NEWLINE.split(text)
    gap = _line_spacing(lines) + 1
    blocks: list = []
    run: list[tuple[int, str, str, list[str]]] = []  # (line number, raw line, kind, cells)

    def flush() -> None:
        if not run:
            return
        rows = [(n, raw, cells) for n, raw, kind, cells in run if not _is_separator(kind, cells)]
        # A table printed without a left border (`1 | … |`): a row opening with `|` has an empty first cell.
        if rows and not rows[0][1].lstrip().startswith("|"):
            rows = [(n, raw, [""] + cells if raw.lstrip().startswith("|") else cells) for n, raw, cells in rows]
        # A lone TAB row of three or more cells is a table too: a header whose rows are
        # separated from it by a section line.
        if len(rows) >= 2 or (len(rows) == 1 and run[0][2] == "tab" and len(rows[0][2]) >= 3):
            blocks.append(Table([Row([Cell(c) for c in cells], f"line {n}") for n, _, cells in rows], f"line {rows[0][0]}"))
        else:
            blocks.extend(Line(raw, f"line {n}") for n, raw, _ in rows)
        run.clear()

    blank = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blank += 1
            if blank == gap:
                flush()
            continue
        blank = 0
        found = _row_cells(line)
        if found is None:
            flush()
            blocks.append(Line(line, f"line {number}"))
            continue
        kind, cells = found
        if run and run[-1][2] != kind:
            flush()
        run.append((number, line, kind, cells))
    flush()
    return blocks


def _line_spacing(lines: list[str]) -> int:
    """The blank lines an export put after every line: 0 normally, 1 (or more) when it doubled every
    line break — then most non-blank lines are followed by the same number of blank ones."""
    runs: list[int] = []
    run = 0
    for line in lines:
        if line.strip():
            runs.append(run)
            run = 0
        else:
            run += 1
    gaps = runs[1:]
    if len(gaps) < 4:
        return 0
    usual = Counter(gaps).most_common(1)[0][0]
    if usual == 0 or sum(1 for g in gaps if g >= usual) < 0.8 * len(gaps):
        return 0
    return usual


def _is_separator(kind: str, cells: list[str]) -> bool:
    return kind == "pipe" and all(_MD_SEPARATOR.fullmatch(c) for c in cells)


def read_txt(data: bytes, source: str) -> Document:
    return Document(source=source, format="txt", blocks=blocks_from_text(decode(data, source)))
