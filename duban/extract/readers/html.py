"""Web pages: drop the site chrome, keep the article's paragraphs and its (outermost) tables."""
from __future__ import annotations

import re

from duban.extract import limits
from duban.extract.document import Cell, Document, Line, Row, Table

_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "template", "svg", "button", "select", "textarea", "object", "embed", "canvas", "head"]
_CHROME = re.compile(r"nav|menu|breadcrumb|footer|header|sidebar|share|comment|login|search", re.I)
_MAIN = re.compile(r"content|article|trs_editor|zoom", re.I)
_PROTECTED = {"html", "body", "main", "article", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)\b", re.I)
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
           "section", "article", "main", "blockquote", "center", "address", "figure", "figcaption",
           "hr", "fieldset", "details", "summary", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"}
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; &nbsp; and U+3000 stay as written
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_START_TAG = re.compile(r"<[A-Za-z]")

Segments = list[tuple[str, bool]]


def read_html(data: bytes, source: str) -> Document:
    from bs4 import BeautifulSoup

    budget = limits.current(source)
    text = decode_html(data, source)
    budget.check("characters", len(text) // 4)  # the markup counted at a quarter
    _count_tags(text, budget)
    soup = BeautifulSoup(text, "lxml")
    del text
    _check_depth(soup, budget)
    root = soup.body or soup
    _drop_chrome(root)
    root = _main_content(root)
    flow = _Flow(flatten_tables=False)
    flow.feed(root)
    flow.end_line()
    blocks: list = []
    lines = tables = 0
    for item in flow.items:
        if isinstance(item, list):
            lines += 1
            blocks.append(Line(_line_text(item), f"paragraph {lines}"))
        else:
            tables += 1
            table = _table(item, f"table {tables}")
            if table.rows:
                blocks.append(table)
    return Document(source=source, format="html", blocks=blocks)


def decode_html(data: bytes, source: str) -> str:
    """BOM, then valid UTF-8, then the charset the page declares, then the text decoder's guess."""
    from duban.extract.readers.txt import decode

    if data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return decode(data, source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _META_CHARSET.search(data[:8192])
    if found:
        declared = found.group(1).decode("ascii", "replace").lower()
        if declared.replace("-", "").replace("_", "") in ("gb2312", "gbk", "xgbk", "gb231280", "cp936", "gb18030"):
            declared = "gb18030"
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, source)


def _count_tags(text: str, budget: limits.Budget) -> None:
    """Start tags, counted in the text before a tree is built of them (an upper bound of the elements)."""
    limit = budget.limits.html_nodes
    for n, _ in enumerate(_START_TAG.finditer(text), 1):
        if n > limit:
            raise budget.refuse("html_nodes")


def _check_depth(soup, budget: limits.Budget) -> None:
    """How deep the elements nest (the flow below walks them recursively), without recursion."""
    limit = budget.limits.html_depth
    stack = [(soup, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > limit:
            raise budget.refuse("html_depth")
        stack.extend((child, depth + 1) for child in el.contents if hasattr(child, "contents"))


def _drop_chrome(root) -> None:
    total = len(root.get_text())
    for tag in root.find_all(_DROP_TAGS):
        if tag.decomposed or (tag.name == "header" and tag.find_parent("article") is not None):
            continue
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed or tag.name in _PROTECTED:
            continue
        marks = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        hidden = _HIDDEN.search(tag.get("style") or "")
        if hidden or (_CHROME.search(marks) and len(tag.get_text()) < total / 2):
            tag.decompose()


def _main_content(root):
    """The article/main/content element holding most of the text, if the page has one."""
    total = len(root.get_text(strip=True))
    best, best_len = root, 0
    for tag in root.find_all(True):
        marks = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if tag.name in ("article", "main") or _MAIN.search(marks):
            length = len(tag.get_text(strip=True))
            if length > best_len and length >= total / 2:
                best, best_len = tag, length
    return best


class _Flow:
    """Walks elements in order, cutting lines at blocks and <br>; collects lines and tables."""

    def __init__(self, *, flatten_tables: bool):
        self.items: list = []  # Segments for a line, or a <table> tag
        self.line: Segments = []
        self.flatten = flatten_tables

    def end_line(self) -> None:
        if "".join(t for t, _ in self.line).strip():
            self.items.append(self.line)
        self.line = []

    def feed(self, el, bold: bool = False, pre: bool = False) -> None:
        from bs4 import (
            Comment,
            Declaration,
            Doctype,
            NavigableString,
            ProcessingInstruction,
        )

        limits.current().tick()
        for child in el.children:
            if isinstance(child, NavigableString):
                if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                    continue
                if pre:
                    for i, part in enumerate(str(child).split("\n")):
                        if i:
                            self.end_line()
                        self.line.append((part, bold))
                else:
                    self.line.append((_SPACES.sub(" ", str(child)), bold))
                continue
            name = child.name
            if name == "br":
                self.end_line()
            elif name == "table" and not self.flatten and not _is_layout(child):
                self.end_line()
                self.items.append(child)
            elif name in _BLOCKS:
                self.end_line()
                self.feed(child, bold or _is_bold(child), pre or name == "pre")
                self.end_line()
            else:
                self.feed(child, bold or _is_bold(child), pre)


def _is_bold(tag) -> bool:
    return tag.name in ("b", "strong") or bool(_BOLD_STYLE.search(tag.get("style") or ""))


def _line_text(segments: Segments) -> str:
    return "".join(t for t, _ in segments).strip(" \t\n\r\f")


def _rows(table) -> list:
    rows = []
    for child in table.find_all(recursive=False):
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(child.find_all("tr", recursive=False))
    return rows


def _is_layout(table) -> bool:
    """A table used for page layout, not data: one column, or a few rows wrapping a real table."""
    rows = _rows(table)
    if all(len(tr.find_all(("td", "th"), recursive=False)) <= 1 for tr in rows):
        return True
    if len(rows) <= 3:
        for inner in table.find_all("table"):
            inner_rows = _rows(inner)
            if len(inner_rows) >= 2 and any(len(tr.find_all(("td", "th"), recursive=False)) >= 2 for tr in inner_rows):
                return True
    return False


def _span(tag, name: str, default: int) -> int:
    try:
        return max(0, min(int(re.sub(r"\D", "", tag.get(name) or "") or default), 1000))
    except ValueError:
        return default


def _table(table, where: str) -> Table:
    budget = limits.current()
    trs = _rows(table)
    grid: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(trs):
        budget.tick()
        col = 0
        for td in tr.find_all(("td", "th"), recursive=False):
            while (r, col) in grid:
                col += 1
            cell = _cell(td)
            colspan = _span(td, "colspan", 1) or 1
            rowspan = _span(td, "rowspan", 1) or len(trs) - r  # rowspan=0: to the end of the table
            detail = f"(第 {where.split()[-1]} 个表格第 {r + 1} 行)"
            budget.check("columns", col + colspan, detail)
            budget.charge("cells", rowspan * colspan, detail)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, col + dc)] = cell
            col += colspan
    width = max((c for _, c in grid), default=-1) + 1
    rows = []
    for r in range(len(trs)):
        cells = [grid.get((r, c), Cell("")) for c in range(width)]
        if any(c.text.strip() for c in cells):
            rows.append(Row(cells, f"{where} row {r + 1}"))
    return Table(rows, where)


def _cell(td) -> Cell:
    flow = _Flow(flatten_tables=True)
    flow.feed(td, _is_bold(td))
    flow.end_line()
    text = "\n".join(_line_text(line) for line in flow.items)
    bold: list[str] = []
    for line in flow.items:
        current = ""
        for piece, is_bold in line:
            if is_bold:
                current += piece
            elif piece:
                bold.append(current)
                current = ""
        bold.append(current)
    pieces = (_SPACES.sub(" ", b).strip() for b in bold)
    return Cell(text, tuple(p for p in pieces if p))
