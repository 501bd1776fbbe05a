"""The readers on real files: the seed_docs, rendered to each format, must read back to the same cells and lines."""
from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from duban.errors import UnreadableDocument
from duban.extract.document import Document, Line, Table
from duban.extract.readers import MAX_BYTES, read
from duban.extract.readers.txt import blocks_from_text
from tests.conftest import SEEDS
from tests.render import CHROME_WORDS, to_docx, to_html, to_pdf, to_xlsx

pytestmark = pytest.mark.shared  # reads the seed documents

# 004's 责任单位(加粗字体为牵头单位) column: the lead units a Word or HTML file prints in bold.
LEADS_004 = {"1": ["市城市管理局"], "2": ["市城市管理局", "市农业农村局"], "5": ["市交通运输局", "李沧区等区(市)政府"]}


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def only_table(doc: Document) -> Table:
    tables = doc.tables()
    assert len(tables) == 1, [t.where for t in tables]
    return tables[0]


def all_text(doc: Document) -> str:
    parts = []
    for block in doc.blocks:
        if isinstance(block, Line):
            parts.append(block.text)
        else:
            parts.extend(c.text for r in block.rows for c in r.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, Document]:
    return {prefix: read(seed_path(prefix)) for prefix in ("000", "001", "002", "003", "004")}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rendered")


def rendered(seed_docs, out: Path, name: str) -> Path:
    """out/NAME (e.g. 000.docx, 000-utf-8.html), rendered from its seed unless an earlier test made it."""
    path = out / name
    if not path.exists():
        stem, suffix = name.rsplit(".", 1)
        render = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html, "pdf": to_pdf}[suffix]
        render(seed_docs[stem[:3]], path)
    return path


# --- text ---------------------------------------------------------------------------------------

def test_txt_finds_the_000_table(seed_docs):
    doc = seed_docs["000"]
    assert doc.format == "txt" and doc.source == seed_path("000").name
    table = only_table(doc)
    assert table.where == "line 5"
    assert len(table.rows) == 17 and all(len(r.cells) == 5 for r in table.rows)
    assert table.rows[0].texts == ["序号", "实施内容", "牵头单位", "协办单位", "实施计划"]
    assert [r.where for r in table.rows] == [f"line {n}" for n in range(5, 22)]
    assert [r.cells[0].text for r in table.rows[1:]] == [str(n) for n in range(1, 17)]
    assert [(l.text, l.where) for l in doc.lines()] == [
        ("2023年市办实事项目责任分工与实施计划一览表", "line 3"),
        ("注:具体实施过程中,计划进度和区市(部门)任务量可能微调,总任务量不变。", "line 23"),
    ]


def test_txt_finds_the_004_table(seed_docs):
    table = only_table(seed_docs["004"])
    assert len(table.rows) == 12 and all(len(r.cells) == 6 for r in table.rows)
    assert table.rows[0].cells[4].text == "责任单位(加粗字体 为牵头单位)"
    assert table.rows[-1].cells[0].text == "11"


def test_txt_keeps_the_003_lines_with_their_numbers(seed_docs):
    doc = seed_docs["003"]
    assert doc.tables() == []
    expected = [(text, f"line {n}") for n, text in enumerate(seed_text("003").split("\n"), start=1) if text.strip()]
    assert [(l.text, l.where) for l in doc.lines()] == expected
    assert any(l.text.startswith("1.建设崂山实验室。") for l in doc.lines())


def test_txt_pipe_rows_markdown_separators_and_lone_rows():
    text = "标题\n\n| 序号 | 任务 |\n|---|:--:|\n| 1 | 建设崂山实验室 |\n2 | 完善实验室建设体系 | \n\n只有 | 一行 | 的竖线\n甲\t乙\n"
    blocks = blocks_from_text(text)
    assert isinstance(blocks[0], Line) and blocks[0].where == "line 1"
    table = blocks[1]
    assert isinstance(table, Table) and table.where == "line 3"
    assert [r.texts for r in table.rows] == [["序号", "任务"], ["1", "建设崂山实验室"], ["2", "完善实验室建设体系"]]
    assert [r.where for r in table.rows] == ["line 3", "line 5", "line 6"]
    # A lone row is a line; a pipe row and a TAB row are different tables.
    assert [(type(b).__name__, b.where) for b in blocks[2:]] == [("Line", "line 8"), ("Line", "line 9")]
    assert blocks[2].text == "只有 | 一行 | 的竖线"


@pytest.mark.parametrize("spacing", [1, 2])
def test_txt_double_spaced_export_keeps_its_tables(spacing):
    # An export that doubled every line break: the blank lines between rows end no table, a longer
    # run of them still does.
    rows = ["| 序号 | 任务 | 牵头单位 |", "| 1 | 新建公园 | 市园林局 |", "| 2 | 改造道路 | 市住建局 |"]
    text = "标题\n" + "\n".join(rows) + "\n说明\n" + "\n".join(rows[:2]) + "\n"
    gap = "\n" * (spacing + 1)
    blocks = blocks_from_text(text.replace("\n", gap).replace(gap + "说明", gap + "\n" + "说明"))
    tables = [b for b in blocks if isinstance(b, Table)]
    assert [len(t.rows) for t in tables] == [3, 2]
    assert [b.text for b in blocks if isinstance(b, Line)] == ["标题", "说明"]


def test_txt_tab_rows_keep_empty_cells():
    table = blocks_from_text("a\t\tc\n\tb\t\n")[0]
    assert [r.texts for r in table.rows] == [["a", "", "c"], ["", "b", ""]]


def _big5_text() -> str:
    # 002 without its pinyin ruby, whose tone marks Big5 cannot encode.
    return re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", seed_text("002"))


@pytest.mark.parametrize(
    "prefix, encoding",
    [
        ("000", "utf-8-sig"),
        ("000", "utf-16"),        # with BOM (LE)
        ("004", "utf-16-be-bom"),
        ("000", "utf-16-le"),     # no BOM: told by the NUL pattern
        ("003", "utf-16-be"),
        ("000", "gbk"),
        ("003", "gb18030"),
        ("001", "gb2312"),
        ("002", "gbk"),           # Traditional characters in GBK
        ("002-big5", "big5"),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path, prefix, encoding):
    text = _big5_text() if prefix == "002-big5" else seed_text(prefix)
    reference = tmp_path / "utf8.txt"
    reference.write_bytes(text.encode("utf-8"))
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = tmp_path / f"{prefix}.{encoding}.txt"
    path.write_bytes(data)
    got = read(path)
    want = read(reference)
    assert got.blocks == want.blocks
    assert got.source == path.name


def test_ideographic_spaces_and_nbsp_are_text(tmp_path):
    text = "".join(f"\u3000\u3000{n}.建设崂山实验室。\xa0\xa0(牵头单位:市科技局)\n" for n in range(1, 200))
    for encoding in ("utf-8", "gb18030", "utf-16-le"):
        path = tmp_path / f"indent-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert [l.text for l in read(path).lines()] == text.splitlines()


def test_crlf_and_cr_line_ends(tmp_path, seed_docs):
    path = tmp_path / "crlf.txt"
    path.write_bytes(seed_text("000").replace("\n", "\r\n").encode("gb18030"))
    assert read(path).blocks == seed_docs["000"].blocks


# --- Word ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["000", "004"])
def test_docx_round_trip(seed_docs, out, prefix):
    src = seed_docs[prefix]
    path = to_docx(src, out / f"{prefix}.docx")
    doc = read(path)
    assert doc.format == "docx" and doc.source == f"{prefix}.docx"
    assert [r.texts for r in only_table(doc).rows] == [r.texts for r in only_table(src).rows]
    assert [l.text for l in doc.lines()] == [l.text for l in src.lines()]
    assert only_table(doc).rows[1].where == "table 1 row 2"
    assert doc.lines()[0].where.startswith("paragraph ")


def test_docx_bold_runs_come_back(seed_docs, out):
    doc = read(to_docx(seed_docs["004"], out / "004-bold.docx", bold_leads=LEADS_004))
    table = only_table(doc)
    got = {r.cells[0].text: [squash(b) for b in r.cells[4].bold] for r in table.rows if r.cells[4].bold}
    assert got == LEADS_004
    # Only the lead units are bold: every other cell has none.
    others = [c.bold for r in table.rows for j, c in enumerate(r.cells) if j != 4 and c.bold]
    assert others == []
    row5 = next(r for r in table.rows if r.cells[0].text == "5")
    assert row5.cells[4].bold[1] == "李沧区等区(市) 政府"  # the source's stray space is kept


def test_docx_merged_cells_repeat_their_text(tmp_path, seed_docs):
    import docx

    cells = only_table(seed_docs["000"]).rows
    d = docx.Document()
    d.add_paragraph("2023年市办实事项目责任分工与实施计划一览表")
    table = d.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for i in range(4):
        for j in range(4):
            table.cell(i, j).text = cells[i].texts[j]
    lead = table.cell(1, 2).merge(table.cell(3, 2))  # vertical merge over three rows
    lead.text = "市住房城乡建设局"
    header = table.cell(0, 2).merge(table.cell(0, 3))  # horizontal merge
    header.text = "责任单位"
    inner = table.cell(2, 3).add_table(rows=2, cols=2)  # a nested table: flattened into its cell
    inner.cell(0, 0).text, inner.cell(0, 1).text = "甲", "乙"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "丙", "丁"
    path = tmp_path / "merged.docx"
    d.save(path)
    rows = only_table(read(path)).rows
    assert [r.cells[2].text for r in rows[1:]] == ["市住房城乡建设局"] * 3
    assert rows[0].texts[2:] == ["责任单位", "责任单位"]
    assert rows[1].texts[:2] == cells[1].texts[:2]
    assert rows[2].cells[3].text == cells[2].texts[3] + "\n甲\n乙\n丙\n丁"
    assert all(len(r.cells) == 4 for r in rows)


def test_docx_bold_from_character_and_paragraph_styles(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("标题", level=1)
    table = d.add_table(rows=1, cols=2)
    p = table.cell(0, 0).paragraphs[0]
    p.add_run("市交通")
    p.add_run("运输局", style="Strong")
    p.add_run("、市公安局")
    q = table.cell(0, 1).paragraphs[0]
    q.add_run("市卫生").bold = True
    q.add_run("健康委").bold = True
    q.add_run("、")
    q.add_run("市教育局").font.bold = True
    table.cell(0, 1).add_paragraph("市民政局").runs[0].bold = True
    path = tmp_path / "styles.docx"
    d.save(path)
    row = only_table(read(path)).rows[0]
    assert row.cells[0].bold == ("运输局",)
    assert row.cells[1].bold == ("市卫生健康委", "市教育局", "市民政局")
    assert row.cells[1].text == "市卫生健康委、市教育局\n市民政局"


def test_docx_automatic_list_numbers_are_read(seed_docs, out):
    # 003 with "一、" and "1." produced by Word's numbering, not typed: the labels must come back.
    doc = read(to_docx(seed_docs["003"], out / "003-numbered.docx", auto_numbering=True))
    assert [l.text for l in doc.lines()] == [l.text for l in seed_docs["003"].lines()]


def test_docx_multilevel_numbering_restarts_lower_levels(tmp_path):
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    d = docx.Document()
    numbering = d.part.numbering_part.element
    levels = [("chineseCounting", "%1、", ""), ("chineseCounting", "(%2)", ""), ("decimal", "%3.", ""),
              ("decimal", "%4)", '<w:lvlRestart w:val="0"/>')]
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="80">'
        + "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
                  f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>' for i, (fmt, text, extra) in enumerate(levels))
        + "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num xmlns:w="{w}" w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))
    plan = [(0, "总体要求"), (1, "指导思想"), (2, "甲"), (2, "乙"), (3, "子"), (1, "目标"), (2, "丙"), (3, "丑"),
            (0, "重点任务"), (1, "就业"), (2, "丁")] + [(0, "保障")] * 9
    for level, text in plan:
        d.add_paragraph(text)._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="80"/></w:numPr>'))
    path = tmp_path / "levels.docx"
    d.save(path)
    texts = [l.text for l in read(path).lines()]
    assert texts[:11] == ["一、总体要求", "(一)指导思想", "1.甲", "2.乙", "1)子", "(二)目标", "1.丙", "2)丑",
                          "二、重点任务", "(一)就业", "1.丁"]
    assert texts[-1] == "十一、保障"


# --- Excel --------------------------------------------------------------------------------------

def test_xlsx_round_trip_and_merged_ranges(seed_docs, out):
    import openpyxl
    from openpyxl.styles import Font

    src = only_table(seed_docs["000"])
    path = to_xlsx(seed_docs["000"], out / "000.xlsx")
    doc = read(path)
    rows = only_table(doc).rows
    assert [r.texts for r in rows[1:-1]] == [r.texts for r in src.rows]  # title above, note below
    assert rows[1].where == "sheet 计划 row 3"

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.merge_cells("A1:E1")  # the title across the table
    ws["C5"], ws["C6"] = "市住房城乡建设局", None
    ws.merge_cells("C5:C6")  # one lead unit for tasks 2 and 3
    ws["C5"].font = Font(bold=True)
    ws["F4"], ws["G4"], ws["H4"] = dt.datetime(2023, 3, 31), 0.5, 3.25
    ws["G4"].number_format = "0%"
    merged = out / "000-merged.xlsx"
    wb.save(merged)
    rows = only_table(read(merged)).rows
    assert rows[0].texts[:5] == ["2023年市办实事项目责任分工与实施计划一览表"] * 5
    task2, task3 = rows[3], rows[4]
    assert task2.cells[0].text == "2" and task3.cells[0].text == "3"
    assert task2.cells[2].text == task3.cells[2].text == "市住房城乡建设局"
    assert task3.cells[2].bold == ("市住房城乡建设局",)
    assert rows[2].texts[5:] == ["2023-03-31", "50%", "3.25"]
    assert rows[1].texts[5:] == ["", "", ""]  # the header row, padded to the sheet's width


def test_xlsx_rich_text_bold_runs(tmp_path):
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "责任单位(加粗字体为牵头单位)"])
    bold = InlineFont(b=True)
    ws.append([5, CellRichText([TextBlock(bold, "市交通"), TextBlock(bold, "运输局"), "; ",
                                TextBlock(bold, "李沧区等区(市) 政府"), "、机场集团"])])
    path = tmp_path / "rich.xlsx"
    wb.save(path)
    row = only_table(read(path)).rows[1]
    assert row.texts == ["5", "市交通运输局; 李沧区等区(市) 政府、机场集团"]
    assert row.cells[1].bold == ("市交通运输局", "李沧区等区(市) 政府")


def test_xls_merged_cells_and_numbers(tmp_path, seed_docs):
    xlwt = pytest.importorskip("xlwt")
    src = only_table(seed_docs["004"]).rows
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("民生攻坚")
    ws.write_merge(0, 0, 0, 2, "2023年民生领域集中攻坚行动责任体系及计划进度")
    for i, row in enumerate(src[:4], start=1):
        ws.write(i, 0, float(row.texts[0]) if row.texts[0].isdigit() else row.texts[0])
        ws.write(i, 1, row.texts[1])
    ws.write_merge(2, 3, 2, 2, "市城市管理局", xlwt.easyxf("font: bold on"))
    path = tmp_path / "plan.xls"
    wb.save(str(path))
    doc = read(path)
    assert doc.format == "xls"
    rows = only_table(doc).rows
    assert rows[0].texts == ["2023年民生领域集中攻坚行动责任体系及计划进度"] * 3
    assert [r.texts[:2] for r in rows[1:]] == [r.texts[:2] for r in src[:4]]
    assert [r.cells[2].text for r in rows[2:4]] == ["市城市管理局"] * 2
    assert rows[2].cells[2].bold == ("市城市管理局",)
    assert rows[1].where == "sheet 民生攻坚 row 2"


# --- HTML ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, charset", [("000", "utf-8"), ("000", "gb2312"), ("003", "utf-8")])
def test_html_drops_the_chrome_and_keeps_the_content(seed_docs, out, prefix, charset):
    src = seed_docs[prefix]
    page = to_html(src, out / f"{prefix}-{charset}.html", charset=charset)
    raw = page.read_bytes().decode("gb18030" if charset == "gb2312" else "utf-8")
    assert all(word in raw for word in CHROME_WORDS)  # the page has them ...
    doc = read(page)
    text = all_text(doc)
    assert [w for w in CHROME_WORDS if w in text] == []  # ... the reader drops them
    assert [l.text for l in doc.lines()] == [l.text for l in src.lines()]
    assert [[r.texts for r in t.rows] for t in doc.tables()] == [[r.texts for r in t.rows] for t in src.tables()]


def test_html_bold_colspan_rowspan_and_layout_tables(seed_docs, out, tmp_path):
    doc = read(to_html(seed_docs["004"], out / "004.html", bold_leads=LEADS_004))
    table = only_table(doc)
    got = {r.cells[0].text: [squash(b) for b in r.cells[4].bold] for r in table.rows if r.cells[4].bold}
    assert got == LEADS_004

    page = tmp_path / "spans.html"
    page.write_text(
        """<html><body><table><tr><td>
        <p>2023年市办实事</p>
        <table>
          <tr><th>序号</th><th colspan="2">责任单位</th></tr>
          <tr><td>1</td><td rowspan="2"><span style="font-weight: bold">市教育局</span></td><td>各区(市)<br>政府</td></tr>
          <tr><td>2</td><td>市财政局</td></tr>
        </table>
        </td></tr></table></body></html>""",
        encoding="utf-8",
    )
    doc = read(page)
    assert [l.text for l in doc.lines()] == ["2023年市办实事"]
    rows = only_table(doc).rows
    assert [r.texts for r in rows] == [
        ["序号", "责任单位", "责任单位"],
        ["1", "市教育局", "各区(市)\n政府"],
        ["2", "市教育局", "市财政局"],
    ]
    assert rows[2].cells[1].bold == ("市教育局",)


# --- PDF ----------------------------------------------------------------------------------------

def test_pdf_of_000_gives_back_the_table(seed_docs, out):
    src = only_table(seed_docs["000"])
    doc = read(to_pdf(seed_docs["000"], out / "000.pdf"))
    assert doc.format == "pdf"
    table = only_table(doc)  # three pages, one logical table; the repeated header is dropped
    assert {r.where.split(" table")[0] for r in table.rows} >= {"page 1", "page 2"}
    assert len(table.rows) == 17 and all(len(r.cells) == 5 for r in table.rows)
    got = [[squash(c) for c in r.texts] for r in table.rows]
    assert got == [[squash(c) for c in r.texts] for r in src.rows]
    assert squash(seed_docs["000"].lines()[0].text) in squash(all_text(doc))


def test_pdf_of_003_gives_back_every_line(seed_docs, out):
    doc = read(to_pdf(seed_docs["003"], out / "003.pdf"))
    assert doc.tables() == []
    text = squash("".join(l.text for l in doc.lines()))
    missing = [l.text for l in seed_docs["003"].lines() if squash(l.text) not in text]
    assert missing == []
    assert text == squash("".join(l.text for l in seed_docs["003"].lines()))
    assert doc.lines()[0].where == "page 1 line 1"


def test_pdf_without_text_and_encrypted(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    c.rect(50, 50, 400, 600, fill=1)
    c.save()
    with pytest.raises(UnreadableDocument) as caught:
        read(scan)
    assert caught.value.code == "no_text" and "扫描件" in caught.value.reason

    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), encrypt=StandardEncryption("secret"))
    c.drawString(50, 700, "2023")
    c.save()
    with pytest.raises(UnreadableDocument) as caught:
        read(locked)
    assert caught.value.code == "corrupt" and "密码" in caught.value.reason


# --- dispatch and bad input ---------------------------------------------------------------------

def test_content_decides_not_the_suffix(seed_docs, out, tmp_path):
    for source, name, fmt in [("000.docx", "plan.txt", "docx"), ("000.pdf", "plan.docx", "pdf"),
                              ("000-utf-8.html", "plan.txt", "html"), ("000.xlsx", "plan.pdf", "xlsx")]:
        path = tmp_path / name
        path.write_bytes(rendered(seed_docs, out, source).read_bytes())
        doc = read(path)
        assert (doc.format, doc.source) == (fmt, name)
        assert only_table(doc).rows[-1].cells[0].text in ("16", "注:具体实施过程中,计划进度和区市(部门)任务量可能微调,总任务量不变。")


def _refused(path: Path, code: str) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read(path)
    error = caught.value
    assert error.code == code, error.message
    assert error.source == path.name and str(error).startswith(f"{path.name}: ")
    return error


def test_empty_file(tmp_path):
    path = tmp_path / "空文件.txt"
    path.write_bytes(b"")
    assert _refused(path, "empty").reason == "文件为空"
    path.write_bytes(b" \r\n\t\n")
    _refused(path, "empty")


def test_binary_noise(tmp_path):
    noise = random.Random(7).randbytes(50_000)
    for name in ("noise.txt", "noise"):
        path = tmp_path / name
        path.write_bytes(noise)
        with pytest.raises(UnreadableDocument) as caught:
            read(path)
        assert caught.value.code in ("wrong_type", "encoding")
        assert caught.value.source == name


def test_png_named_docx(tmp_path):
    path = tmp_path / "计划.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert _refused(path, "wrong_type").reason == "扩展名为 .docx,但内容是 PNG 图片"


def test_text_named_docx_or_xlsx_is_refused_not_read_as_text(tmp_path):
    for name, word in [("计划.docx", "Word 文档"), ("台账.xlsx", "Excel 表格")]:
        path = tmp_path / name
        path.write_text("1.新建公共停车场4处。牵头单位:市住建局\n", encoding="utf-8")
        reason = _refused(path, "corrupt").reason
        assert reason.startswith(f"扩展名为 {path.suffix},但内容不是有效的") and word in reason


def test_truncated_docx_and_xlsx(seed_docs, out, tmp_path):
    for source, word in [("000.docx", "Word"), ("000.xlsx", "Excel")]:
        data = rendered(seed_docs, out, source).read_bytes()
        path = tmp_path / f"truncated-{source}"
        path.write_bytes(data[: len(data) // 2])
        error = _refused(path, "corrupt")
        assert word in error.reason and "截断" in error.reason


def test_zip_that_is_not_a_document(tmp_path):
    path = tmp_path / "附件.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "ZIP" in _refused(path, "wrong_type").reason


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    error = _refused(path, "too_large")
    assert error.reason == "文件过大(100.0 MB),上限为 64 MB"
    assert MAX_BYTES == 64 * 1024 * 1024


def test_max_bytes_is_a_parameter(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(seed_path("000").read_bytes())
    with pytest.raises(UnreadableDocument) as caught:
        read(path, max_bytes=1024)
    assert caught.value.code == "too_large"


def test_missing_file(tmp_path):
    assert _refused(tmp_path / "没有这个文件.docx", "not_found").reason == "文件不存在"


def test_importing_the_readers_is_cheap():
    heavy = ["docx", "openpyxl", "xlrd", "pdfplumber", "pdfminer", "bs4", "lxml", "charset_normalizer", "django"]
    code = f"import sys, duban.extract.readers; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"


def test_a_file_that_grows_after_its_size_was_read_is_read_whole_or_refused(tmp_path, monkeypatch):
    """read() asks for the size it saw and one byte more; a file longer by then is read on, to the limit."""
    import os

    from duban.errors import UnreadableDocument
    from duban.extract import readers

    path = tmp_path / "grows.txt"
    path.write_text("1.新建口袋公园10个。\n", "utf-8")
    small = os.stat(path)
    path.write_text("1.新建口袋公园10个。\n2.改造老旧小区20个。\n", "utf-8")
    real_stat = type(path).stat
    monkeypatch.setattr(type(path), "stat", lambda self, **kw: small if self == path else real_stat(self, **kw))
    doc = readers.read(path)
    assert [b.text for b in doc.blocks] == ["1.新建口袋公园10个。", "2.改造老旧小区20个。"]
    with pytest.raises(UnreadableDocument) as refused:
        readers.read(path, max_bytes=small.st_size + 4)
    assert refused.value.code == "too_large"
