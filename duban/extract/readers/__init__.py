"""File formats -> Document. `read(path)` sniffs the content (the suffix is only a hint) and
turns every failure into UnreadableDocument with a short Chinese reason and a stable code:
empty, too_large, corrupt, wrong_type, encoding, no_text, not_found.

The format libraries (python-docx, openpyxl, xlrd, pdfplumber, bs4) are imported only by the
reader that needs them, so importing this package stays cheap.
"""
from __future__ import annotations

import io
import os
import stat
import struct
from pathlib import Path

from duban.errors import UnreadableDocument
from duban.extract import limits
from duban.extract.document import Document, Line

MAX_BYTES = 64 * 1024 * 1024

KIND_NAMES = {
    "txt": "文本文件",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "xls": "Excel 表格",
    "pdf": "PDF 文件",
    "html": "网页",
}
_SUFFIX_KINDS = {
    ".txt": "txt", ".text": "txt", ".md": "txt", ".csv": "txt", ".tsv": "txt",
    ".docx": "docx", ".docm": "docx", ".doc": "doc",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
    ".pdf": "pdf",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".mht": "html",
}
# Content we recognise but do not read: (magic bytes at offset, offset, what it is).
_FOREIGN = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG 图片"),
    (b"\xff\xd8\xff", 0, "JPEG 图片"),
    (b"GIF87a", 0, "GIF 图片"),
    (b"GIF89a", 0, "GIF 图片"),
    (b"II*\x00", 0, "TIFF 图片"),
    (b"MM\x00*", 0, "TIFF 图片"),
    (b"WEBP", 8, "WebP 图片"),
    (b"ftyp", 4, "音视频文件"),
    (b"ID3", 0, "音频文件"),
    (b"Rar!\x1a\x07", 0, "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z 压缩包"),
    (b"\x1f\x8b", 0, "gzip 压缩包"),
    (b"\x7fELF", 0, "可执行程序"),
    (b"{\\rtf", 0, "RTF 文档(请另存为 .docx)"),
    (b"%!PS", 0, "PostScript 文件"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read a plan document of any supported format into a Document."""
    path = Path(path)
    source = path.name or str(path)
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise UnreadableDocument(source, "文件不存在", code="not_found") from None
    except OSError as exc:
        raise UnreadableDocument(source, f"无法打开文件({_os_reason(exc)})", code="not_found") from None
    size = status.st_size
    if stat.S_ISDIR(status.st_mode):
        raise UnreadableDocument(source, "这是一个文件夹,不是文件", code="wrong_type")
    if size > max_bytes:
        raise UnreadableDocument(source, f"文件过大({_mb(size)} MB),上限为 {_mb(max_bytes, exact=True)} MB", code="too_large")
    if size == 0:
        raise UnreadableDocument(source, "文件为空", code="empty")
    try:
        with path.open("rb") as f:
            data = f.read(size + 1)  # not max_bytes + 1: a buffer that large would be allocated for each file
            if len(data) > size:  # grew since stat: read on to the limit
                data += f.read(max_bytes - size)
    except OSError as exc:
        raise UnreadableDocument(source, f"无法打开文件({_os_reason(exc)})", code="not_found") from None
    if len(data) > max_bytes:  # grew since stat
        raise UnreadableDocument(source, f"文件过大,上限为 {_mb(max_bytes, exact=True)} MB", code="too_large")
    if not data:
        raise UnreadableDocument(source, "文件为空", code="empty")
    return read_bytes(data, source)


def read_bytes(data: bytes, source: str) -> Document:
    """Read in-memory file content; `source` is the file name (its suffix is a hint).
    Every limit of duban/extract/limits.py applies (DocumentLimitExceeded past one)."""
    if not data:
        raise UnreadableDocument(source, "文件为空", code="empty")
    hint = _SUFFIX_KINDS.get(Path(source).suffix.lower())
    kind = None
    with limits.reading(source) as budget:
        try:
            kind = sniff(data, source, hint)
            if kind in ("docx", "xlsx"):
                check_package(data, budget)
            document = _READERS[kind](data, source)
            count_characters(document, budget)
        except UnreadableDocument:
            raise
        except MemoryError:
            raise budget.refuse("memory_bytes") from None  # a library expanded what no check foresaw
        except RecursionError:
            raise budget.refuse("html_depth" if kind == "html" else "cells") from None
        except Exception:
            what = KIND_NAMES.get(kind or hint or "", "文件")
            raise UnreadableDocument(source, f"不是有效的{_spaced(what)}(文件已损坏或被截断)", code="corrupt") from None
    if not document.blocks:
        if kind == "txt":
            raise UnreadableDocument(source, "文件为空(只有空白)", code="empty")
        raise UnreadableDocument(source, f"{KIND_NAMES[kind]}中没有文字", code="no_text")
    return document


def sniff(data: bytes, source: str, hint: str | None = None) -> str:
    """The reader for this content: txt, docx, xlsx, xls, html or pdf; or UnreadableDocument."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, source, hint)
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head == _OLE2:
        return _sniff_ole2(data, source, hint)
    for magic, offset, what in _FOREIGN:
        if data[offset: offset + len(magic)] == magic:
            raise UnreadableDocument(source, _foreign(source, what), code="wrong_type")
    if _looks_like_html(data, hint):
        return "html"
    if hint in ("docx", "xlsx"):
        # A .docx or .xlsx is always a zip package: plain text under that name is a mislabelled or
        # broken file, and reading it as text would hide that from the office.
        what = KIND_NAMES[hint]
        raise UnreadableDocument(
            source, f"扩展名为 .{hint},但内容不是有效的{_spaced(what)}(不是 ZIP 格式,可能是改了扩展名的文本或已损坏)",
            code="corrupt")
    if hint in ("xls", "pdf", "doc"):
        # Named like a binary format but not one: readable only if it is really text.
        from duban.extract.readers.txt import decode

        try:
            decode(data, source)
        except UnreadableDocument:
            what = "Word 文档" if hint == "doc" else KIND_NAMES[hint]
            raise UnreadableDocument(source, f"不是有效的{_spaced(what)}(文件已损坏或格式不符)", code="corrupt") from None
    return "txt"


def check_package(data: bytes, budget: limits.Budget) -> None:
    """A .docx/.xlsx package's members, from its directory, before any library unpacks them: the
    uncompressed sizes (zipfile never yields more than a member declares) in total and per XML part."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
        budget.check("zip_members", len(members))
        for info in members:
            budget.charge("expanded_bytes", info.file_size)
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                budget.check("part_bytes", info.file_size, f"({info.filename})")


def count_characters(document: Document, budget: limits.Budget) -> None:
    """The document's text, each table position counted (the pipeline normalises every one)."""
    for block in document.blocks:
        if isinstance(block, Line):
            budget.charge("characters", len(block.text))
        else:
            for row in block.rows:
                budget.charge("characters", sum(len(c.text) for c in row.cells))


def _zip_entries(data: bytes) -> int | None:
    """The number of members the end-of-directory record announces (before zipfile lists them all)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if at < 0 or at + 22 > len(data):
        return None
    entries, directory_size = struct.unpack_from("<xxxxxxxxxxHI", data, at)
    if entries == 0xFFFF:  # ZIP64: bound the count by the directory's size (46 bytes an entry at least)
        return directory_size // 46
    return entries


def _sniff_zip(data: bytes, source: str, hint: str | None) -> str:
    entries = _zip_entries(data)
    if entries is not None:
        limits.current(source).check("zip_members", entries)
    import zipfile  # imported for a zip package only: a text file does not pay for it

    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except Exception:
        # Truncated: the local headers at the front still name the parts.
        if b"word/" in data[:65536] or (hint == "docx" and b"xl/" not in data[:65536]):
            what = "Word 文档"
        elif b"xl/" in data[:65536] or hint == "xlsx":
            what = "Excel 表格"
        else:
            what = "ZIP 压缩包"
        raise UnreadableDocument(source, f"不是有效的{_spaced(what)}(文件已损坏或被截断)", code="corrupt") from None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        what = "PowerPoint 演示文稿"
    elif "mimetype" in names or "content.xml" in names:
        what = "OpenDocument 文档(请另存为 .docx 或 .xlsx)"
    else:
        what = "ZIP 压缩包"
    raise UnreadableDocument(source, _foreign(source, what), code="wrong_type")


def _sniff_ole2(data: bytes, source: str, hint: str | None) -> str:
    """OLE2 compound file: legacy Excel (read), legacy Word/PowerPoint or an encrypted Office file (not)."""
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage"):
        raise UnreadableDocument(source, "文件已加密,需要密码才能打开", code="corrupt")
    if has("WordDocument"):
        raise UnreadableDocument(source, _foreign(source, "旧版 Word 文档(.doc),请另存为 .docx"), code="wrong_type")
    if has("PowerPoint Document"):
        raise UnreadableDocument(source, _foreign(source, "PowerPoint 演示文稿"), code="wrong_type")
    return "xls"


def _looks_like_html(data: bytes, hint: str | None) -> bool:
    head = data[:2048]
    if b"\x00" in head[:200]:  # UTF-16: look at the ASCII it spells
        head = head.replace(b"\x00", b"")
    head = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if not head.startswith(b"<"):
        return False
    if any(m in head for m in (b"<!doctype html", b"<html", b"<table", b"<body", b"<head", b"<meta")):
        return True
    return hint == "html"


def _spaced(name: str) -> str:
    """A space between Chinese and a Latin word: 有效的 Word 文档, 有效的网页."""
    return " " + name if name[:1].isascii() else name


def _foreign(source: str, what: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix in _SUFFIX_KINDS:
        return f"扩展名为 {suffix},但内容是 {what}"
    return f"是 {what},不是可读取的文档"


def _mb(n: int, *, exact: bool = False) -> str:
    """Megabytes for a message: 120.0 for a size, 64 for a round limit."""
    mb = n / (1024 * 1024)
    return str(int(mb)) if exact and mb == int(mb) else f"{mb:.1f}"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return exc.strerror or "系统错误"


def _read_txt(data: bytes, source: str) -> Document:
    from duban.extract.readers.txt import read_txt

    limits.current(source).check("characters", len(data) // 4)  # no encoding takes more than 4 bytes a character
    return read_txt(data, source)


def _read_docx(data: bytes, source: str) -> Document:
    from duban.extract.readers.docx import read_docx

    return read_docx(data, source)


def _read_xlsx(data: bytes, source: str) -> Document:
    from duban.extract.readers.xlsx import read_xlsx

    return read_xlsx(data, source)


def _read_xls(data: bytes, source: str) -> Document:
    from duban.extract.readers.xls import read_xls

    return read_xls(data, source)


def _read_html(data: bytes, source: str) -> Document:
    from duban.extract.readers.html import read_html

    return read_html(data, source)


def _read_pdf(data: bytes, source: str) -> Document:
    from duban.extract.readers.pdf import read_pdf

    return read_pdf(data, source)


_READERS = {
    "txt": _read_txt,
    "docx": _read_docx,
    "xlsx": _read_xlsx,
    "xls": _read_xls,
    "html": _read_html,
    "pdf": _read_pdf,
}

__all__ = ["MAX_BYTES", "read", "read_bytes", "sniff"]
