"""Word (.docx) in the official style of GB/T 9704: A4, 方正小标宋 title in 二号, body in 三号 仿宋_GB2312,
headings in 黑体 / 楷体, fixed 28-point lines, page numbers “— 1 —” in the footer.

The Chinese fonts are set as East Asian fonts (w:eastAsia) on named styles, so the body carries no
per-run formatting; the font table names a fallback (w:altName) for machines without the official
fonts, and tells Word and LibreOffice their family (serif / sans) and charset (GB2312) to substitute.
"""
from __future__ import annotations

import io
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from duban.bulletins.content import BulletinContent, TaskSection

LATIN = "Times New Roman"
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
# name → (fallback names for w:altName, family) — Word substitutes with altName; LibreOffice by family.
FONTS = {
    XIAOBIAOSONG: ("华文中宋", "roman"),
    FANGSONG: ("仿宋", "modern"),
    HEITI: ("SimHei", "swiss"),
    KAITI: ("楷体", "modern"),
    SONGTI: ("SimSun", "roman"),
}
RED = RGBColor(0xC0, 0x00, 0x00)
BODY = Pt(16)  # 三号
TITLE = Pt(22)  # 二号
MASTHEAD = Pt(36)  # 小初
TABLE = Pt(12)  # 小四
LINE = Pt(28)
TEXT_WIDTH = Mm(210 - 28 - 26)


def render_docx(c: BulletinContent) -> bytes:
    doc = Document()
    _page(doc)
    st = _styles(doc)
    _font_table(doc)
    _properties(doc, c)

    def body(text: str, style_id: str):
        paragraph = doc.add_paragraph(text)
        paragraph._p.style = style_id  # by id: python-docx's lookup by style object is slow per paragraph
        return paragraph

    body("督查通报", st["masthead"])
    body(c.number_label, st["issue"])
    meta = body(f"{c.issuer}\t{c.date_line}", st["meta"])
    _red_rule(meta)
    body(c.title, st["title"])
    h = c.headings
    body(h["summary"], st["h1"])
    body(c.headline, st["body"])
    body(h["tasks"], st["h1"])
    section = None
    for t in c.tasks:
        if t.section and t.section != section:
            section = t.section
            body(c.section_heading(section), st["h2"])
        _task(body, st, t)
    body(h["lagging"], st["h1"])
    if c.lagging:
        _table(doc, st, ["序号", "任务", "牵头单位", "状态", "原因"], [13, 45, 30, 19, 49],
               [[r.number, r.content, r.lead_units, r.status, r.reason] for r in c.lagging])
    else:
        body("本期无滞后事项。", st["body"])
    body(h["ranking"], st["h1"])
    _table(doc, st, ["名次", "牵头单位", "牵头任务", "已完成", "进展顺利", "滞后", "暂无数据", "得分"],
           [13, 44, 19, 15, 19, 13, 19, 13],
           [[r.rank, r.unit, r.led, r.done, r.on_track, r.lagging, r.no_data, r.score] for r in c.ranking])
    body(c.scoring_note, st["body"])
    body(h["changes"], st["h1"])
    for i, line in enumerate(c.changes):
        body(line if i == 0 else f"{i}.{line}", st["body"] if i == 0 else st["item"])
    _imprint(body, st, c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _task(body, st, t: TaskSection) -> None:
    body(t.heading, st["h3"])
    if t.detail:
        body(t.detail, st["body"])
    body(t.units_line, st["body"])
    body(t.status_line, st["body"])
    for i, v in enumerate(t.values, 1):
        body(f"({i}){v.text}", st["item"])
    body(t.progress_line, st["body"])


# ---------------------------------------------------------------- page, styles, fonts


def _page(doc) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    s.footer_distance = Mm(20)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("— ", None, " —"):
        run = p.add_run()
        _east_asian(run._element.get_or_add_rPr(), SONGTI)
        run.font.size = Pt(14)  # 四号
        if piece is None:
            _page_field(run)
        else:
            run.text = piece


def _page_field(run) -> None:
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)


def _styles(doc) -> dict:
    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, FANGSONG, BODY)
    _defaults(doc)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    pf.space_before = pf.space_after = Pt(0)

    def make(name, font, size, *, align=None, indent=False, bold=False, color=None, before=0, after=0,
             exact=True, left=None):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _set_font(style, font, size)
        style.font.bold = bold
        if color is not None:
            style.font.color.rgb = color
        f = style.paragraph_format
        if align is not None:
            f.alignment = align
        if indent:
            f.first_line_indent = size * 2
        if left is not None:
            f.left_indent = left
        f.space_before, f.space_after = Pt(before), Pt(after)
        if exact:
            f.line_spacing_rule, f.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        else:
            f.line_spacing_rule, f.line_spacing = WD_LINE_SPACING.MULTIPLE, 1.0
        return style

    meta = make("通报发文信息", FANGSONG, BODY, after=6)
    meta.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    made = {
        "masthead": make("通报报头", XIAOBIAOSONG, MASTHEAD, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=False),
        "issue": make("通报期号", FANGSONG, BODY, align=WD_ALIGN_PARAGRAPH.CENTER, before=6),
        "meta": meta,
        "title": make("通报标题", XIAOBIAOSONG, TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=18,
                      exact=False),
        "h1": make("通报一级标题", HEITI, BODY, indent=True, before=6),
        "h2": make("通报二级标题", KAITI, BODY, indent=True),
        "h3": make("通报三级标题", FANGSONG, BODY, indent=True, bold=True),
        "body": make("通报正文", FANGSONG, BODY, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY),
        "item": make("通报数值", FANGSONG, BODY, left=BODY * 2, align=WD_ALIGN_PARAGRAPH.LEFT),
        "cell": make("通报表格", FANGSONG, TABLE, exact=False),
        "head": make("通报表头", HEITI, TABLE, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False),
        "imprint": make("通报版记", FANGSONG, Pt(14), left=Pt(14), exact=False),
    }
    return {key: style.style_id for key, style in made.items()}


def _set_font(style, east: str, size) -> None:
    style.font.name = LATIN
    style.font.size = size
    _east_asian(style.element.get_or_add_rPr(), east)


def _east_asian(rpr, east: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:hint"), "eastAsia")


def _defaults(doc) -> None:
    """The document defaults name the body font too (no theme font underneath), in Chinese."""
    root = doc.styles.element
    rpr = root.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None:
        _east_asian(rpr, FANGSONG)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc) -> None:
    from lxml import etree

    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for name, (alt, family) in FONTS.items():
        font = etree.SubElement(root, w + "font", {w + "name": name})
        etree.SubElement(font, w + "altName", {w + "val": alt})
        etree.SubElement(font, w + "charset", {w + "val": "86"})
        etree.SubElement(font, w + "family", {w + "val": family})
        etree.SubElement(font, w + "pitch", {w + "val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _properties(doc, c: BulletinContent) -> None:
    """Fixed metadata, from the bulletin itself: the same bulletin gives the same document."""
    p = doc.core_properties
    when = datetime.combine(c.issued_on, time(0))
    p.title, p.subject, p.author, p.last_modified_by = c.title, c.number_label, c.issuer, c.issuer
    p.created = p.modified = when
    p.revision = 1
    p.comments = p.keywords = p.category = ""


def _imprint(body, st, c: BulletinContent) -> None:
    """The 版记 at the foot of the last page: 抄送 and the 印发 line between black rules (GB/T 9704)."""
    cc, issued = c.imprint
    body("", st["body"])
    lines = [body(cc, st["imprint"])] if cc else []
    lines.append(body(issued, st["imprint"]))
    _rule(lines[0], "top")
    _rule(lines[-1], "bottom")
    if cc:
        _rule(lines[0], "bottom", size="4")


def _rule(paragraph, side: str, *, size: str = "8") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is None:
        border = OxmlElement("w:pBdr")
        ppr.append(border)
    line = OxmlElement(f"w:{side}")
    for k, v in (("w:val", "single"), ("w:sz", size), ("w:space", "1"), ("w:color", "000000")):
        line.set(qn(k), v)
    border.append(line)


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def _table(doc, st, head: list[str], widths_mm: list[int], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = TEXT_WIDTH / Mm(sum(widths_mm))
    widths = [int(Mm(w) * scale) for w in widths_mm]
    for column, width in zip(table.columns, widths):  # the grid: what LibreOffice lays out by
        column.width = width
    for cell, text, width in zip(table.rows[0].cells, head, widths):
        _cell(cell, str(text), st["head"], width)
    _repeat_header(table.rows[0])
    for row in rows:
        for cell, value, width in zip(table.add_row().cells, row, widths):
            _cell(cell, str(value), st["cell"], width)


def _cell(cell, text: str, style_id: str, width) -> None:
    cell.width = width
    p = cell.paragraphs[0]
    p._p.style = style_id
    p.add_run(text)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
