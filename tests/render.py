"""Render a seed (as the txt reader returns it) into real Word, Excel, HTML and PDF files.

The format tests read these files back: what went in as cells and lines must come out again.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from duban.extract.document import Document, Line, Table

BoldLeads = dict[str, list[str]]


def bold_spans(text: str, units: list[str]) -> list[tuple[int, int]]:
    """Where each unit name lies in `text`, matched ignoring whitespace: sorted (start, end) spans."""
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in positions)
    spans = []
    for unit in units:
        wanted = re.sub(r"\s+", "", unit)
        at = compact.find(wanted)
        if not wanted or at < 0:
            raise ValueError(f"{unit!r} is not in {text!r}")
        spans.append((positions[at], positions[at + len(wanted) - 1] + 1))
    return sorted(spans)


def _pieces(text: str, units: list[str] | None) -> list[tuple[str, bool]]:
    """`text` cut into (piece, bold) with each unit name its own bold piece."""
    if not units:
        return [(text, False)]
    out, at = [], 0
    for start, end in bold_spans(text, units):
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def _lead_column(table: Table) -> int | None:
    header = table.rows[0].texts if table.rows else []
    return next((j for j, text in enumerate(header) if "加粗" in text), None)


def _units_for(table: Table, i: int, j: int, bold_leads: BoldLeads | None) -> list[str] | None:
    if not bold_leads or i == 0 or j != _lead_column(table):
        return None
    return bold_leads.get(table.rows[i].cells[0].text.strip())


# --- Word ---------------------------------------------------------------------------------------

_HEADING = re.compile(r"([一二三四五六七八九十]+)、")
_TASK = re.compile(r"(\d+)\.(?!\d)")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def to_docx(doc: Document, out: Path, bold_leads: BoldLeads | None = None, auto_numbering: bool = False) -> Path:
    """Paragraphs and grid tables. A bold unit name is written as two runs, as Word often splits them.

    auto_numbering: lines typed as "一、…" and "1.…" become Word list paragraphs whose labels
    Word generates (two lists: the headings in Chinese counting, the tasks numbered on across them).
    """
    import docx
    from docx.enum.section import WD_ORIENT

    d = docx.Document()
    if auto_numbering:
        _add_lists(d)
    if any(len(t.rows[0].cells) >= 5 for t in doc.tables() if t.rows):
        section = d.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for block in doc.blocks:
        if isinstance(block, Line):
            heading, task = _HEADING.match(block.text), _TASK.match(block.text)
            if auto_numbering and (heading or task):
                p = d.add_paragraph(block.text[(heading or task).end():])
                _number(p, "91" if heading else "92")
            else:
                d.add_paragraph(block.text)
            continue
        width = max(len(r.cells) for r in block.rows)
        table = d.add_table(rows=len(block.rows), cols=width)
        table.style = "Table Grid"
        for i, row in enumerate(block.rows):
            for j, cell in enumerate(row.cells):
                _docx_cell(table.cell(i, j), cell.text, _units_for(block, i, j, bold_leads))
    d.save(out)
    return out


def _add_lists(d) -> None:
    from docx.oxml import parse_xml

    numbering = d.part.numbering_part.element
    lists = [("91", "chineseCounting", "%1、", "nothing"), ("92", "decimal", "%1.", "tab")]
    for n, (num_id, fmt, text, suffix) in enumerate(lists):
        numbering.insert(n, parse_xml(
            f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{num_id}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        ))
        numbering.append(parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def _number(paragraph, num_id: str, level: int = 0) -> None:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def _docx_cell(cell, text: str, units: list[str] | None) -> None:
    paragraph = cell.paragraphs[0]
    for piece, bold in _pieces(text, units):
        for k, part in enumerate(piece.split("\n")):
            if k:
                paragraph = cell.add_paragraph()
            if not part:
                continue
            if bold and len(part) >= 2:
                half = len(part) // 2
                paragraph.add_run(part[:half]).bold = True
                paragraph.add_run(part[half:]).font.bold = True
            else:
                paragraph.add_run(part).bold = bold or None


# --- Excel --------------------------------------------------------------------------------------

def to_xlsx(doc: Document, out: Path) -> Path:
    """One sheet: the lines in column A, then a blank row and each table; integers as numbers."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    r = 1
    for block in doc.blocks:
        if isinstance(block, Line):
            ws.cell(r, 1, block.text)
            r += 1
            continue
        r += 1
        for row in block.rows:
            for j, cell in enumerate(row.cells, start=1):
                value = cell.text
                ws.cell(r, j, int(value) if value.isdigit() and len(value) < 10 else value or None)
            r += 1
        r += 1
    wb.save(out)
    return out


# --- HTML ---------------------------------------------------------------------------------------

CHROME_WORDS = ["青岛政务网", "网站首页", "政务公开", "办事服务", "互动交流", "当前位置", "分享到", "版权所有", "网站地图", "站内搜索"]


def to_html(doc: Document, out: Path, bold_leads: BoldLeads | None = None, charset: str = "utf-8") -> Path:
    """A government-site page: the seed in an article, with a header, nav menu, breadcrumb, share bar and footer."""
    body = []
    for block in doc.blocks:
        if isinstance(block, Line):
            body.append(f"<p>{html.escape(block.text)}</p>")
            continue
        rows = []
        for i, row in enumerate(block.rows):
            tag = "th" if i == 0 else "td"
            cells = []
            for j, cell in enumerate(row.cells):
                inner = "".join(
                    f"<strong>{html.escape(p)}</strong>" if b else html.escape(p)
                    for p, b in _pieces(cell.text, _units_for(block, i, j, bold_leads))
                ).replace("\n", "<br>")
                cells.append(f"<{tag}>{inner}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body.append('<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="{charset}"><title>青岛政务网</title>
<style>body {{ font-family: sans-serif; }}</style>
<script>var menu = "网站首页";</script></head>
<body>
<header class="site-header"><div class="logo">青岛政务网</div>
<div class="search-box">站内搜索 <input type="text"></div></header>
<nav class="main-nav"><ul><li><a href="/">网站首页</a></li><li><a href="/gk">政务公开</a></li>
<li><a href="/fw">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></nav>
<div class="breadcrumb">当前位置:网站首页 &gt; 政务公开</div>
<div class="main-content"><article><div class="TRS_Editor">
{chr(10).join(body)}
</div></article>
<div class="share-bar">分享到:微信 微博</div></div>
<footer><p>版权所有:青岛市人民政府办公厅</p><p><a href="/map">网站地图</a></p></footer>
</body></html>
"""
    out.write_bytes(page.encode(charset))
    return out


# --- PDF ----------------------------------------------------------------------------------------

# STSong-Light is addressed through the UniGB-UCS2-H CMap; a few characters have no code there
# and vanish, others come back as a sibling (the CMap maps U+30FB to the CID that reads back as U+00B7).
_PDF_SAFE = str.maketrans({"\u00b7": "\u30fb"})


def to_pdf(doc: Document, out: Path) -> Path:
    """Paragraphs and GRID tables (word-wrapped CJK cells) in reportlab's built-in STSong-Light."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    wide = any(len(t.rows[0].cells) >= 5 for t in doc.tables() if t.rows)
    size = landscape(A4) if wide else A4
    text_style = ParagraphStyle("text", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10.5, wordWrap="CJK")

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(html.escape(text.translate(_PDF_SAFE)).replace("\n", "<br/>"), style)

    story = []
    frame_width = size[0] - 30 * mm
    for block in doc.blocks:
        if isinstance(block, Line):
            story.append(para(block.text, text_style))
            continue
        width = max(len(r.cells) for r in block.rows)
        data = [[para(c.text, cell_style) for c in r.cells] + [""] * (width - len(r.cells)) for r in block.rows]
        # Column widths by how much text each column holds, none narrower than 10 mm.
        weight = [max(10.0, sum(len(r.cells[j].text) for r in block.rows if j < len(r.cells)) ** 0.5) for j in range(width)]
        widths = [frame_width * w / sum(weight) for w in weight]
        table = PdfTable(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
    SimpleDocTemplate(str(out), pagesize=size, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=15 * mm).build(story)
    return out
