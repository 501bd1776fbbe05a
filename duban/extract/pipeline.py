"""Document → Plan: normalise, find the title, year and period, pick the shape, assemble the tasks."""
from __future__ import annotations

import re
from datetime import date

from duban.extract import doubts
from duban.extract.dates import common_year, first_year, period_end, publication_year
from duban.extract.document import Cell, Document, Line, Row, Table
from duban.extract.normalize import close_spaces, has_ruby, normalize_all
from duban.extract.plan import Finding, Plan
from duban.extract.shapes import numbered, table
from duban.extract.shapes.assemble import Context, build_task

_TITLE_WORDS = re.compile(r"任务|计划|一览表|清单|台账|情况|实事|行动|方案|安排|要点|项目|进展|分工|责任|目标|通报|简报|进度")
_COMPLETION_REPORT = re.compile(r"完成情况|完成情况公示|年度完成|全年完成|总结")
_OUTLINE_MARK = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,3}[.、])")
_DATE_ONLY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_HEADING_SENTENCE = re.compile(r"^([^。,;:]{2,30})。(?=.)")


def prepare(doc: Document) -> Document:
    """Normalise every text once: script, punctuation, ruby (spaces stay open for the shapes)."""
    ruby = has_ruby("\n".join(_texts(doc)))
    clean = iter(normalize_all(list(_texts(doc, bold=True)), ruby=ruby))
    blocks: list[Line | Table] = []
    for b in doc.blocks:
        if isinstance(b, Line):
            blocks.append(Line(next(clean), b.where))
        else:
            rows = [Row([Cell(next(clean), tuple(next(clean) for _ in c.bold)) for c in r.cells], r.where)
                    for r in b.rows]
            blocks.extend(_lines_above_table(rows, b.where))
    return Document(source=doc.source, format=doc.format, blocks=blocks)


def _lines_above_table(rows: list[Row], where: str) -> list:
    """Rows with at most one filled cell before a table's first real row are lines of text: a
    spreadsheet often carries the title, or the whole text, in its first column."""
    out: list = []
    for i, row in enumerate(rows):
        filled = [t for t in row.texts if t.strip()]
        if len(filled) >= 2:
            out.append(Table(rows[i:], rows[i].where))
            break
        if filled:
            out.extend(Line(line, row.where) for line in filled[0].split("\n"))
    return out


def _texts(doc: Document, *, bold: bool = False):
    """Every text of the document in order; with `bold`, each cell's bold pieces after its text."""
    for b in doc.blocks:
        if isinstance(b, Line):
            yield b.text
        else:
            for r in b.rows:
                for c in r.cells:
                    yield c.text
                    if bold:
                        yield from c.bold


def extract_document(doc: Document, *, year: int | None = None) -> Plan:
    doc = prepare(doc)
    plan = Plan(source=doc.source)
    lines = numbered.prepare_lines(doc.lines(), wrapped=doc.format == "pdf")
    task_table = next((tt for tt in map(table.recognise, doc.tables()) if tt), None)
    if task_table is not None:
        task_table = table.gather(task_table, doc.blocks)
    else:
        rebuilt = table.tabulate_lines(lines)
        task_table = table.recognise(rebuilt) if rebuilt else None
    style = None if task_table else numbered.choose_style(lines)

    preamble = _preamble(doc, task_table, style)
    plan.title = find_title(preamble)
    all_text = "\n".join(_texts(doc))
    plan.year = (year or first_year(plan.title or "") or first_year("\n".join(preamble))
                 or publication_year(all_text) or common_year(all_text))
    period = period_end(plan.title or "", plan.year) or period_end("\n".join(preamble), plan.year)
    if period is None and plan.year and _COMPLETION_REPORT.search(plan.title or ""):
        period = date(plan.year, 12, 31)  # a completion report with no cut-off reports the whole year
    ctx = Context(year=plan.year, period_end=period, findings=plan.findings)

    if task_table is not None:
        drafts = table.drafts(task_table, period, plan.year)
    elif style is not None:
        drafts = numbered.drafts(lines, style, plan.findings)
        _titles_from_heading_sentences(drafts)
    else:
        drafts = []
    plan.tasks = [build_task(d, ctx) for d in drafts]
    plan.findings.extend(doubts.review(plan))
    plan.kind = "progress" if any(t.progress for t in plan.tasks) else "plan"
    if not plan.tasks:
        plan.findings.append(Finding("no_tasks", "文档中没有找到编号的任务或任务表", None, "document"))
    elif plan.year is None:
        plan.findings.insert(0, Finding("no_year", "未能确定计划年度(标题和正文都没有年份),日期无法落定", None, "document"))
    return plan


def _preamble(doc: Document, task_table, style) -> list[str]:
    """The lines before the first task: where the title, year and reporting period are printed."""
    out: list[str] = []
    for b in doc.blocks:
        if task_table is not None and task_table.table.rows[0] in getattr(b, "rows", ()):
            break
        if isinstance(b, Table):
            if task_table is None:
                continue
            out.extend(t for t in b.rows[0].texts if t)  # a title row above the header
            continue
        text = b.text.strip()
        if style and numbered._STYLES[style].match(text):
            break
        if text:
            out.append(text)
    if task_table is not None:
        # A title printed as the table's first row, merged across the columns.
        for row in task_table.table.rows[:task_table.header_row]:
            out.extend(sorted(set(t for t in row.texts if t.strip())))
    return out


def find_title(preamble: list[str]) -> str | None:
    """The document's own title line: short, unpunctuated, naming the genre."""
    for text in preamble[:40]:
        t = close_spaces(text)
        if not 4 <= len(t) <= 80 or re.search(r"[。,;:!?]", t) or t[0] in "[【((《":
            continue
        if _DATE_ONLY.match(t) or not _TITLE_WORDS.search(t) or _OUTLINE_MARK.match(t):
            continue
        return t
    return None


def _titles_from_heading_sentences(drafts) -> None:
    """`1.建设崂山实验室。实施…`: the opening sentence is the task's title when the document
    writes its tasks that way (most of them open with a short, unpunctuated sentence)."""
    heads = [_HEADING_SENTENCE.match(close_spaces(d.content)) for d in drafts]
    if len(drafts) >= 2 and sum(1 for h in heads if h) >= 0.6 * len(drafts):
        for d, h in zip(drafts, heads):
            if d.title is None and h:
                d.title = h.group(1)
