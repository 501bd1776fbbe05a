"""Word (.docx): body paragraphs and tables in document order, with the bold runs of each cell.

The body is walked as XML (python-docx opens the package and supplies the styles): that keeps
text inside hyperlinks, tracked insertions and content controls, and lets merged cells be
resolved by grid position.
"""
from __future__ import annotations

import io
import re

from duban.extract import limits
from duban.extract.document import Cell, Document, Line, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, R, T, TBL, TR, TC = (W + t for t in ("p", "r", "t", "tbl", "tr", "tc"))
TAB, BR, CR, NO_BREAK_HYPHEN = W + "tab", W + "br", W + "cr", W + "noBreakHyphen"
# Containers whose children are walked as if they were in place.
_WRAPPERS = {W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo", "fldSimple", "dir", "bdo")}
_VAL = W + "val"
_NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_OFF = {"0", "false", "off", "none"}

Segments = list[tuple[str, bool]]  # a paragraph's text as (piece, bold) in order


def read_docx(data: bytes, source: str) -> Document:
    import docx

    document = docx.Document(io.BytesIO(data))
    try:
        numbering = document.part.part_related_by(_NUMBERING_REL).element
    except Exception:
        numbering = None
    styles = _Styles(document.styles.element, numbering)
    budget = limits.current(source)
    blocks: list = []
    paragraphs = tables = 0
    for el in _children(document.element.body):
        budget.tick()
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
    budget = limits.current()
    rows: list[Row] = []
    above: list[Cell] = []  # the previous row's grid, for vertical merges
    for r, tr in enumerate((c for c in _children(tbl) if c.tag == TR), start=1):
        budget.tick()
        before = _int(tr, "trPr", "gridBefore", 0)
        budget.check("columns", before, f"(第 {where.split()[-1]} 个表格第 {r} 行)")
        grid: list[Cell] = [Cell("") for _ in range(before)]
        for tc in (c for c in _children(tr) if c.tag == TC):
            span = max(1, _int(tc, "tcPr", "gridSpan", 1))
            budget.check("columns", len(grid) + span, f"(第 {where.split()[-1]} 个表格第 {r} 行)")
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
        after = _int(tr, "trPr", "gridAfter", 0)
        budget.check("columns", len(grid) + after, f"(第 {where.split()[-1]} 个表格第 {r} 行)")
        grid.extend(Cell("") for _ in range(after))
        budget.charge("cells", len(grid))
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
    style = _style_id(p, "pPr", "pStyle")
    paragraph_bold = styles.paragraph_bold(style)
    out: Segments = []
    label = styles.numbering.label(p, style) if styles.numbering else ""
    if label:
        out.append((label, False))

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
    if label and not "".join(piece for piece, _ in out[1:]).strip():
        out[0] = (label.rstrip(), False)
    return out


class _Styles:
    """Whether a paragraph or character style (through its basedOn chain) or the defaults make text bold."""

    def __init__(self, styles_el, numbering_el=None):
        self._bold: dict[str, bool | None] = {}
        self._based: dict[str, str] = {}
        self._num: dict[str, tuple[str, int]] = {}  # paragraph style -> (numId, level) it numbers with
        self._default_paragraph: str | None = None
        self._doc_default: bool | None = None
        self.numbering = _Numbering(numbering_el, self) if numbering_el is not None else None
        if styles_el is None:
            return
        for s in styles_el.iter(W + "style"):
            sid = s.get(W + "styleId")
            if sid is None:
                continue
            self._bold[sid] = _flag(_prop(s, "rPr", "b"))
            num_id = _prop(s, "pPr", "numPr")
            if num_id is not None and num_id.find(W + "numId") is not None:
                level = num_id.find(W + "ilvl")
                self._num[sid] = (num_id.find(W + "numId").get(_VAL), _to_int(level.get(_VAL) if level is not None else 0, 0))
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

    def style_numbering(self, sid: str | None) -> tuple[str, int] | None:
        seen = set()
        while sid is not None and sid not in seen:
            seen.add(sid)
            if sid in self._num:
                return self._num[sid]
            sid = self._based.get(sid)
        return None

    def run_bold(self, sid: str | None) -> bool | None:
        return self._resolve(sid) if sid else None

    def paragraph_bold(self, sid: str | None) -> bool:
        value = self._resolve(sid or self._default_paragraph)
        if value is None:
            value = self._doc_default
        return bool(value)


class _Numbering:
    """Word's automatic list labels ("1.", "一、", "(三)"), which are not in the text runs:
    counted in document order per abstract list and level, as Word displays them."""

    def __init__(self, el, styles: _Styles):
        self._styles = styles
        # abstractNumId -> level -> (start, number format, label text, suffix, legal, restart):
        # legal: every number decimal; restart: the 1-based level whose use restarts this one (0: never).
        self._abstract: dict[str, dict[int, tuple]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self._counters: dict[str, dict[int, int]] = {}
        self._restarted: set[tuple[str, int]] = set()
        for a in el.iter(W + "abstractNum"):
            levels = {}
            for lvl in a.iter(W + "lvl"):
                def val(name, default, lvl=lvl):
                    found = lvl.find(W + name)
                    return found.get(_VAL, default) if found is not None else default
                levels[_to_int(lvl.get(W + "ilvl"), 0)] = (
                    _to_int(val("start", "1"), 1), val("numFmt", "decimal"), val("lvlText", ""), val("suff", "tab"),
                    lvl.find(W + "isLgl") is not None, _to_int(val("lvlRestart", None), None),
                )
            self._abstract[a.get(W + "abstractNumId")] = levels
        for n in el.iter(W + "num"):
            abstract = n.find(W + "abstractNumId")
            overrides = {}
            for o in n.iter(W + "lvlOverride"):
                start = o.find(W + "startOverride")
                if start is not None:
                    overrides[_to_int(o.get(W + "ilvl"), 0)] = _to_int(start.get(_VAL), 1)
            if abstract is not None:
                self._nums[n.get(W + "numId")] = (abstract.get(_VAL), overrides)

    def label(self, p, style: str | None) -> str:
        num_pr = _prop(p, "pPr", "numPr")
        num_id, level = None, 0
        if num_pr is not None and num_pr.find(W + "numId") is not None:
            num_id = num_pr.find(W + "numId").get(_VAL)
            ilvl = num_pr.find(W + "ilvl")
            level = _to_int(ilvl.get(_VAL), 0) if ilvl is not None else 0
        elif style is not None:
            num_id, level = self._styles.style_numbering(style) or (None, 0)
        if num_id is None or num_id not in self._nums:
            return ""
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        counters = self._counters.setdefault(abstract_id, {})
        if level in overrides and (num_id, level) not in self._restarted:
            self._restarted.add((num_id, level))
            counters[level] = overrides[level]
        elif level in counters:
            counters[level] += 1
        else:
            counters[level] = levels[level][0]
        for deeper in [k for k in counters if k > level]:
            restart = levels.get(deeper, (None,) * 6)[5]
            if restart is None or (restart > 0 and level < restart):
                del counters[deeper]
        _, fmt, text, suffix, legal, _ = levels[level]
        if fmt in ("bullet", "none"):
            return ""

        def number(match) -> str:
            k = int(match.group(1)) - 1
            start, k_fmt = levels.get(k, (1, "decimal"))[:2]
            return _format_number(counters.get(k, start), "decimal" if legal else k_fmt)

        label = re.sub(r"%([1-9])", number, text)
        # Word puts a tab (or a space) after the label; keep a space only where it separates words.
        if label and (suffix == "space" or (suffix == "tab" and label[-1].isalnum())):
            label += " "
        return label


_DIGITS = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    if n <= 0 or n >= 10000:
        return str(n)
    parts, zero = [], False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                parts.append(digits[0])
            parts.append(digits[d] + unit)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith(digits[1] + units[0]) else text  # 十一, not 一十一


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _LEGAL, "拾佰仟")
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt in ("ideographZodiac",) and 1 <= n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        out = ""
        for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                               (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
            while n >= value:
                out, n = out + numeral, n - value
        return out if fmt == "upperRoman" else out.lower()
    return str(n)


def _to_int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


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
