"""Word (.docx): body paragraphs and tables in document order, with the bold runs of each cell.

The body is walked as XML (python-docx opens the package and supplies the styles): that keeps
text inside hyperlinks, tracked insertions and content controls, and lets merged cells be
resolved by grid position.
"""
from __future__ import annotations

import io

from duban.extract.document import Cell, Document, Line, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, R, T, TBL, TR, TC = (W + t for t in ("p", "r", "t", "tbl", "tr", "tc"))
TAB, BR, CR, NO_BREAK_HYPHEN = W + "tab", W + "br", W + "cr", W + "noBreakHyphen"
# Containers whose children are walked as if they were in place.
_WRAPPERS = {W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo", "fldSimple", "dir", "bdo")}
_VAL = W + "val"
_OFF = {"0", "false", "off", "none"}

Segments = list[tuple[str, bool]]  # a paragraph's text as (piece, bold) in order


def read_docx(data: bytes, source: str) -> Document:
    import docx

    document = docx.Document(io.BytesIO(data))
    styles = _Styles(document.styles.element)
    blocks: list = []
    paragraphs = tables = 0
    for el in _children(document.element.body):
        if el.tag == P:
            paragraphs += 1
            text = "".join(piece for piece, _ in _segments(el, styles))
            blocks.extend(Line(line, f"paragraph {paragraphs}") for line in text.split("\n") if line.strip())
        elif el.tag == TBL:
            tables += 1
            table = _table(el, styles, f"table {tables}")
            if table.rows:
                blocks.append(table)
    return Document(source=source, format="docx", blocks=blocks)


def _children(el):
    """Block-level children, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _table(tbl, styles: _Styles, where: str) -> Table:
    rows: list[Row] = []
    above: list[Cell] = []  # the previous row's grid, for vertical merges
    for r, tr in enumerate((c for c in _children(tbl) if c.tag == TR), start=1):
        grid: list[Cell] = [Cell("") for _ in range(_int(tr, "trPr", "gridBefore", 0))]
        for tc in (c for c in _children(tr) if c.tag == TC):
            span = max(1, _int(tc, "tcPr", "gridSpan", 1))
            vmerge = _prop(tc, "tcPr", "vMerge")
            hmerge = _prop(tc, "tcPr", "hMerge")
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue":
                col = len(grid)
                cells = [above[col + i] if col + i < len(above) else Cell("") for i in range(span)]
            elif hmerge is not None and hmerge.get(_VAL, "continue") == "continue" and grid:
                cells = [grid[-1]] * span
            else:
                cells = [_cell(tc, styles)] * span
            grid.extend(cells)
        grid.extend(Cell("") for _ in range(_int(tr, "trPr", "gridAfter", 0)))
        above = grid
        if any(c.text.strip() for c in grid):
            rows.append(Row(list(grid), f"{where} row {r}"))
    return Table(rows, where)


def _cell(tc, styles: _Styles) -> Cell:
    paragraphs = [p for p in _paragraphs(tc, styles) if "".join(s for s, _ in p).strip()]
    text = "\n".join("".join(s for s, _ in p) for p in paragraphs)
    bold: list[str] = []
    for p in paragraphs:
        current = ""
        for piece, is_bold in p + [("\n", False)]:
            for line_no, part in enumerate(piece.split("\n")):
                if line_no:  # a line break ends a bold run
                    bold.append(current)
                    current = ""
                if is_bold:
                    current += part
                elif part:
                    bold.append(current)
                    current = ""
        bold.append(current)
    return Cell(text, tuple(b.strip() for b in bold if b.strip()))


def _paragraphs(container, styles: _Styles) -> list[Segments]:
    """The paragraphs of a cell in order; a nested table's cells are flattened into it."""
    out: list[Segments] = []
    for el in _children(container):
        if el.tag == P:
            out.append(_segments(el, styles))
        elif el.tag == TBL:
            for tr in (c for c in _children(el) if c.tag == TR):
                for tc in (c for c in _children(tr) if c.tag == TC):
                    out.extend(_paragraphs(tc, styles))
    return out


def _segments(p, styles: _Styles) -> Segments:
    paragraph_bold = styles.paragraph_bold(_style_id(p, "pPr", "pStyle"))
    out: Segments = []

    def walk(el) -> None:
        for child in el:
            if child.tag == R:
                bold = _flag(_prop(child, "rPr", "b"))
                if bold is None:
                    bold = styles.run_bold(_style_id(child, "rPr", "rStyle"))
                if bold is None:
                    bold = paragraph_bold
                for x in child:
                    if x.tag == T:
                        out.append((x.text or "", bold))
                    elif x.tag == TAB:
                        out.append(("\t", bold))
                    elif x.tag in (BR, CR):
                        out.append(("\n", False))
                    elif x.tag == NO_BREAK_HYPHEN:
                        out.append(("-", bold))
            elif child.tag in _WRAPPERS:
                walk(child)

    walk(p)
    return out


class _Styles:
    """Whether a paragraph or character style (through its basedOn chain) or the defaults make text bold."""

    def __init__(self, styles_el):
        self._bold: dict[str, bool | None] = {}
        self._based: dict[str, str] = {}
        self._default_paragraph: str | None = None
        self._doc_default: bool | None = None
        if styles_el is None:
            return
        for s in styles_el.iter(W + "style"):
            sid = s.get(W + "styleId")
            if sid is None:
                continue
            self._bold[sid] = _flag(_prop(s, "rPr", "b"))
            based = s.find(W + "basedOn")
            if based is not None and based.get(_VAL):
                self._based[sid] = based.get(_VAL)
            if s.get(W + "type") == "paragraph" and s.get(W + "default") in ("1", "true"):
                self._default_paragraph = sid
        defaults = styles_el.find(f"{W}docDefaults/{W}rPrDefault")
        if defaults is not None:
            self._doc_default = _flag(_prop(defaults, "rPr", "b"))

    def _resolve(self, sid: str | None) -> bool | None:
        seen = set()
        while sid is not None and sid not in seen:
            seen.add(sid)
            value = self._bold.get(sid)
            if value is not None:
                return value
            sid = self._based.get(sid)
        return None

    def run_bold(self, sid: str | None) -> bool | None:
        return self._resolve(sid) if sid else None

    def paragraph_bold(self, sid: str | None) -> bool:
        value = self._resolve(sid or self._default_paragraph)
        if value is None:
            value = self._doc_default
        return bool(value)


def _prop(el, pr: str, name: str):
    props = el.find(W + pr)
    return None if props is None else props.find(W + name)


def _style_id(el, pr: str, name: str) -> str | None:
    found = _prop(el, pr, name)
    return None if found is None else found.get(_VAL)


def _flag(el) -> bool | None:
    """An on/off property: absent -> None; present -> True unless w:val says off."""
    if el is None:
        return None
    return el.get(_VAL, "true").lower() not in _OFF


def _int(el, pr: str, name: str, default: int) -> int:
    found = _prop(el, pr, name)
    try:
        return min(int(found.get(_VAL)), 1000) if found is not None else default
    except (TypeError, ValueError):
        return default
