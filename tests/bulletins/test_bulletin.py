"""Bulletins (通报) from the real seed 002 (2024年市办实事1-11月具体进展情况): the bulletin restates every
value and percentage of the gold for its task, numbers itself per plan, renders the same document
twice, stays frozen when the ledger moves on, and becomes public only once approved and published."""
import io
import json
import math
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from duban.bulletins.content import build_bulletin
from duban.bulletins.models import Bulletin
from duban.bulletins.render import render
from duban.bulletins.services import (
    approve_bulletin,
    content_of,
    create_bulletin,
    discard_bulletin,
    publish_bulletin,
    published_bulletins,
    render_bulletin,
)
from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.importer import import_file
from duban.ledger.models import PendingValue, Plan
from duban.ledger.services import get_task, record_progress
from duban.people.roles import Forbidden
from duban.people.services import add_user
from tests.conftest import ROOT, seed

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 11, 30)
PW = "a-long-enough-password"
ARTIFACTS = ROOT / "artifacts" / "bulletins"


@pytest.fixture
def plan(seeds) -> Plan:
    return Plan.objects.get(pk=import_file(seed(seeds, "002")).plan_id)


@pytest.fixture
def office():
    return add_user("office", "office", password=PW)[0]


@pytest.fixture
def bulletin(plan, office) -> Bulletin:
    return create_bulletin(office, plan, AS_OF)


# ---------------------------------------------------------------- how the bulletin writes a value (independently)


def written(value: float, unit: str) -> str:
    """The bulletin's way: 366100 人 → 36.61万人, 2302000000 元 → 23.02亿元, 43686 个 → 43686个;
    万/亿 only when two decimals say it exactly; % and 百分点 never scaled."""
    if unit not in ("%", "百分点"):
        for scale, suffix in ((1e8, "亿"), (1e4, "万")):
            if value >= scale and math.isclose(round(value / scale, 2), value / scale, abs_tol=1e-9):
                return f"{_g(value / scale)}{suffix}{unit}"
    return f"{_g(value)}{unit}"


def percent_written(p: float) -> str:
    return f"{_g(round(p, 1))}%"


def _g(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text


def md_sections(md: str) -> dict[str, list[str]]:
    """Task number → the lines of its section in the Markdown (from its #### heading to the next heading)."""
    out, current = {}, None
    for line in md.splitlines():
        if line.startswith("#"):
            m = re.match(r"^#### (\d+(?:\.\d+)*)\.", line)
            current = m.group(1) if m else None
            if current:
                out[current] = []
        elif current:
            out[current].append(line)
    return out


def docx_sections(data: bytes) -> dict[str, list[str]]:
    out, current = {}, None
    for p in docx.Document(io.BytesIO(data)).paragraphs:
        style = p.style.name
        if style == "通报三级标题":
            current = re.match(r"^(\d+(?:\.\d+)*)\.", p.text).group(1)
            out[current] = []
        elif style in ("通报一级标题", "通报二级标题"):
            current = None
        elif current:
            out[current].append(p.text)
    return out


# ---------------------------------------------------------------- the facts


def test_the_bulletin_restates_every_gold_value_and_percentage_for_its_task(bulletin, gold):
    expected = json.loads((gold / "002_940df3c6aa63460f.json").read_text("utf-8"))
    content = content_of(bulletin)
    md = md_sections(render(content, "md").decode("utf-8"))
    word = docx_sections(render(content, "docx"))
    checked = waiting = 0
    for task in expected["tasks"]:
        for name, sections in (("md", md), ("docx", word)):
            # the value lines (not the report text, which quotes the source anyway)
            lines = [line for line in sections[task["number"]] if re.match(r"^\(\d+\)", line)]
            for p in task["progress"]:
                for v in p["values"]:
                    value = written(v["value"], v["unit"])
                    share = f"占年计划的{percent_written(v['percent'])}" if v["percent"] is not None else ""
                    if not any(value in line and share in line for line in lines):
                        # a value that measures no indicator of its task waits as 待核实: no actual to restate
                        assert PendingValue.objects.filter(task__plan=bulletin.plan, task__number=task["number"],
                                                           value=v["value"]).exists(), (
                            f"{name}: task {task['number']}: {value} {share} not in {lines}")
                        waiting += 1
                    checked += 1
    values = sum(len(p["values"]) for t in expected["tasks"] for p in t["progress"])
    assert values == 63 and checked == 2 * values  # every progress value of the gold, in both documents
    assert waiting < checked / 2  # most are the indicators' actuals (2024: 20 of 63 wait for the office)


def test_the_headline_counts_come_from_the_snapshot(bulletin):
    content = content_of(bulletin)
    c = bulletin.snapshot["counts"]
    assert c["total"] == 15 and c["done"] + c["on_track"] + c["lagging"] + c["no_data"] == 15
    assert content.title == "2024年市办实事1-11月具体进展情况"
    # the title stands above; the first sentence does not repeat it
    assert content.headline.startswith(f"截至2024年11月30日,15件市办实事中,{c['done']}项已完成年度目标,"
                                       f"{c['on_track']}项进展顺利,{c['lagging']}项滞后")
    # 14: 开工建设10处城镇消防站, 3 begun by November: the one lagging task, with its reason and lead units
    assert [(r.number, r.status) for r in content.lagging] == [("14", "严重滞后")]
    assert "城镇消防站" in content.lagging[0].reason and "市消防救援支队" in content.lagging[0].lead_units
    first = next(t for t in content.tasks if t.number == "1")
    assert first.lead_units == ("市人力资源社会保障局",) and first.status == "已完成"
    assert first.progress_line.startswith("进展情况:截至11月底,全市城镇新增就业36.61万人")


def test_the_unit_ranking_counts_the_tasks_each_unit_leads(bulletin):
    ranking = {r["unit"]: r for r in bulletin.snapshot["ranking"]}
    # leads 3 and 4 (签约率达到75%: reached, 79.2%, so done); each task's points are averaged
    health = ranking["市卫生健康委"]
    assert (health["led"], health["lagging"], health["no_data"]) == (2, 0, 0)
    assert health["done"] >= 1 and health["done"] + health["on_track"] == 2
    assert health["score"] == (100 + (100 if health["done"] == 2 else 90)) / 2
    assert ranking["市住房城乡建设局"]["led"] == 3
    assert ranking["市消防救援支队"]["lagging"] == 1
    scores = [r["score"] for r in bulletin.snapshot["ranking"]]
    assert scores == sorted(scores, reverse=True)


# ---------------------------------------------------------------- the documents


def test_the_docx_is_an_official_a4_document(bulletin, office):
    assert render_bulletin(bulletin, "docx")[1] == "2024年市办实事1-11月具体进展情况(未编号).docx"  # a draft
    draft = [p.text for p in docx.Document(io.BytesIO(render_bulletin(bulletin, "docx")[0])).paragraphs]
    assert draft[:3] == ["督查通报", "未编号", "青岛市人民政府督查室\t(草稿,未印发)"]
    issued = publish_bulletin(office, approve_bulletin(office, bulletin), issued_on=date(2024, 12, 5))
    data, name, _ = render_bulletin(issued, "docx")
    assert name == "2024年市办实事1-11月具体进展情况(2024年第1期).docx"
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["督查通报", "2024年第1期", "青岛市人民政府督查室\t2024年12月5日"]  # the 印发日期
    assert "2024年市办实事1-11月具体进展情况" in texts
    # numbered levels, no internal label lines, and the 版记 at the end
    assert not any(t.startswith(("评估", "· ")) for t in texts)
    assert any(re.match(r"^\(\d+\)城镇新增就业", t) for t in texts)
    assert texts[-2:] == ["抄送:市委办公室、市人大常委会办公室、市政府办公厅、市政协办公室。",
                          "青岛市人民政府督查室    2024年12月5日印发"]
    imprint = document.paragraphs[-1]
    assert imprint.style.name == "通报版记" and "w:bottom" in imprint._p.xml
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = document.styles["通报标题"]
    assert title.font.size.pt == 22  # 二号
    assert title.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "方正小标宋简体"
    body = document.styles["通报正文"]
    assert body.font.size.pt == 16  # 三号
    assert body.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "仿宋_GB2312"
    assert "黑体" in document.styles["通报一级标题"].element.xml
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and '<w:altName w:val="仿宋"/>' in fonts


def test_libreoffice_converts_the_docx_to_pdf_and_first_and_last_pages_are_kept_as_pictures(bulletin, office,
                                                                                            tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    issued = publish_bulletin(office, approve_bulletin(office, bulletin), issued_on=date(2024, 12, 5))
    data, name, content_type = render_bulletin(issued, "pdf")  # what a citizen downloads
    assert (name, content_type) == ("2024年市办实事1-11月具体进展情况(2024年第1期).pdf", "application/pdf")
    pdf = tmp_path / "bulletin-002.pdf"
    pdf.write_bytes(data)
    assert data.startswith(b"%PDF")
    assert render_bulletin(issued, "pdf")[0] == data  # made once, then kept
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "bulletin-002.pdf")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is kept, no picture")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                            check=True).stdout).group(1))
    assert pages >= 2
    for name, page in (("page1", 1), ("last-page", pages)):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        str(ARTIFACTS / f"bulletin-002-{name}")], check=True, timeout=60)
        assert (ARTIFACTS / f"bulletin-002-{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"[ \n]+", "", text)  # pdftotext spaces CJK from digits and breaks lines
    first = text.split("\f")[0]
    assert "督查通报" in first and "2024年第1期" in first and "—1—" in first  # the page number
    assert "评估:" not in text and "·" not in text
    last = text.rstrip("\f").split("\f")[-1]
    assert "抄送:" in last and "2024年12月5日印发" in last  # the 版记 closes the last page


def test_the_html_is_self_contained(bulletin):
    page = render_bulletin(bulletin, "html")[0].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<script""", page)
    assert "36.61万人,占年计划的104.6%" in page


def test_the_xlsx_has_a_summary_and_the_percentages_per_task(bulletin):
    wb = openpyxl.load_workbook(io.BytesIO(render_bulletin(bulletin, "xlsx")[0]))
    assert wb.sheetnames == ["总体情况", "任务进展"]
    assert wb["总体情况"]["A1"].value == "2024年市办实事1-11月具体进展情况"
    rows = list(wb["任务进展"].iter_rows(values_only=True))
    head = rows[0]
    employment = next(r for r in rows[1:] if r[0] == "1" and str(r[head.index("指标")]).startswith("城镇新增就业"))
    assert employment[head.index("完成值")] == "36.61万人"
    assert employment[head.index("占年计划")] == pytest.approx(1.046)


def test_the_same_bulletin_renders_the_same_bytes(bulletin):
    again = Bulletin.objects.get(pk=bulletin.pk)
    for fmt in ("md", "html"):
        assert render_bulletin(bulletin, fmt)[0] == render_bulletin(again, fmt)[0]
    first, second = (zipfile.ZipFile(io.BytesIO(render_bulletin(b, "docx")[0])) for b in (bulletin, again))
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "docProps/core.xml"):
        if part in first.namelist():
            assert first.read(part) == second.read(part), part


# ---------------------------------------------------------------- numbering, freezing, changes


def issue(office, b, on):
    return publish_bulletin(office, approve_bulletin(office, b), issued_on=on)


def test_numbering_is_the_offices_yearly_series_given_at_issue(plan, office, seeds):
    first = create_bulletin(office, plan, AS_OF)
    discarded = create_bulletin(office, plan, AS_OF)
    other = Plan.objects.get(pk=import_file(seed(seeds, "001")).plan_id)  # 2022: another plan
    third = create_bulletin(office, other, date(2022, 12, 31))
    assert (first.number, discarded.number) == (None, None)  # drafts carry no number
    discard_bulletin(office, discarded)
    assert not Bulletin.objects.filter(pk=discarded.pk).exists()
    assert AuditEntry.objects.filter(action="bulletin.discard", object_id=str(discarded.pk)).count() == 1
    # across plans, in the order they are issued, by the year of the 印发日期
    assert issue(office, third, date(2024, 12, 3)).series_label == "2024年第1期"
    assert issue(office, first, date(2024, 12, 5)).series_label == "2024年第2期"
    assert content_of(Bulletin.objects.get(pk=first.pk)).number_label == "2024年第2期"
    late = issue(office, create_bulletin(office, plan, date(2024, 12, 31)), date(2025, 1, 8))
    assert late.series_label == "2025年第1期"  # a new year, a new series
    with pytest.raises(DubanError, match="已印发"):
        discard_bulletin(office, Bulletin.objects.get(pk=first.pk))
    with pytest.raises(DubanError, match="早于截至日期"):
        issue(office, create_bulletin(office, plan, date(2024, 12, 31)), date(2024, 12, 1))


def test_the_snapshot_is_frozen(plan, bulletin, office):
    before = {fmt: render_bulletin(bulletin, fmt)[0] for fmt in ("md", "html")}
    stations = get_task(plan, "14")  # 开工建设10处城镇消防站: 3 by November
    record_progress(office, stations, date(2024, 11, 30), [("开工建设城镇消防站", "10处")], "10处消防站全部开工")
    reloaded = Bulletin.objects.get(pk=bulletin.pk)
    assert {fmt: render_bulletin(reloaded, fmt)[0] for fmt in ("md", "html")} == before
    later = create_bulletin(office, plan, AS_OF)  # a new bulletin sees the new value
    assert "开工建设城镇消防站:10处" in render(content_of(later), "md").decode("utf-8")
    assert "开工建设城镇消防站:3处" in before["md"].decode("utf-8")


def test_the_next_bulletin_says_what_changed_since_the_previous_one(plan, bulletin, office):
    assert content_of(bulletin).changes == ("本期为首期通报,无上期可比。",)
    record_progress(office, get_task(plan, "14"), date(2024, 12, 20), [("开工建设城镇消防站", "10处")], "全部开工")
    # compared with the last *issued* bulletin: an unissued draft is no 上期
    assert create_bulletin(office, plan, date(2024, 12, 31)).snapshot["previous"] is None
    issue(office, bulletin, date(2024, 12, 5))
    second = create_bulletin(office, plan, date(2024, 12, 31))
    changes = second.snapshot["changes"]
    assert second.snapshot["previous"] == {"number": 1, "series_year": 2024, "as_of": "2024-11-30"}
    # 14 has caught up (4's 签约率 was done already on 30 November: a level to reach, reached)
    status = [(c["number"], c["from"], c["to"]) for c in changes["status"]]
    assert ("14", "严重滞后", "已完成") in status and not any(c[0] == "4" for c in status)
    assert [(c["number"], c["before"], c["after"]) for c in changes["values"]] == [("14", 3, 10)]
    lines = content_of(second).changes
    assert lines[0] == "与上期通报(2024年第1期,截至11月30日)相比:"
    second = issue(office, second, date(2025, 1, 6))
    assert content_of(second).changes[0] == "与上期通报(2024年第1期,截至11月30日)相比:"
    assert "第14项(在人员密集场所增设自动体外除颤器(AED)300…):由“严重滞后”变为“已完成”。" in lines
    assert any(line.startswith("第14项 开工建设城镇消防站:3处 → 10处") for line in lines)
    assert content_of(second).title == "2024年市办实事1-12月具体进展情况"


def test_the_builder_is_pure_and_reads_only_the_snapshot(bulletin):
    snapshot = json.loads(json.dumps(bulletin.snapshot))  # what the database gives back
    assert build_bulletin(snapshot) == build_bulletin(snapshot) == content_of(bulletin)


# ---------------------------------------------------------------- who may, and the portal


def test_only_the_office_creates_approves_and_publishes(plan, office):
    reporter = add_user("hr", "reporter", unit="市人力资源社会保障局", password=PW)[0]
    leader = add_user("leader", "leader", password=PW)[0]
    for user in (reporter, leader):
        with pytest.raises(Forbidden):
            create_bulletin(user, plan, AS_OF)
    b = create_bulletin(office, plan, AS_OF)
    with pytest.raises(Forbidden):
        approve_bulletin(reporter, b)
    with pytest.raises(DubanError, match="只有已审定的通报可以印发"):
        publish_bulletin(office, b)
    assert list(published_bulletins()) == []
    b = approve_bulletin(office, b)
    assert (b.state, b.approved_by, b.approved_by_name) == ("approved", office, "office")
    with pytest.raises(DubanError, match="只有草稿可以审定"):
        approve_bulletin(office, b)
    assert list(published_bulletins()) == []
    b = publish_bulletin(office, b)
    assert list(published_bulletins()) == [b] and b.published_at is not None
    actions = list(AuditEntry.objects.filter(object_type="bulletins.bulletin", object_id=str(b.pk))
                   .order_by("at", "id").values_list("action", "actor_name"))
    assert actions == [("bulletin.create", "office"), ("bulletin.approve", "office"), ("bulletin.publish", "office")]
    assert b.series_label.endswith("年第1期")
    assert list(published_bulletins(plan)) == [b]


def test_a_date_outside_the_plan_is_refused(plan, office):
    with pytest.raises(DubanError, match="与计划年度"):
        create_bulletin(office, plan, date(2020, 1, 31))


# ---------------------------------------------------------------- the commands the lead wires


def test_cmd_bulletin_writes_the_file_and_reuses_the_bulletin_of_that_date(plan, tmp_path):
    from duban.bulletins.commands import cmd_bulletin

    ref = "002_940df3c6aa63460f.txt"
    message = cmd_bulletin(ref, "2024-11-30", "md", tmp_path / "b.md")
    assert message.startswith("新编《2024年市办实事1-11月具体进展情况》未编号(草稿),已写入")
    again = cmd_bulletin(ref, "2024-11-30", "docx", tmp_path / "b.docx")
    assert again.startswith("沿用已有的《2024年市办实事1-11月具体进展情况》未编号")
    assert docx.Document(str(tmp_path / "b.docx")).paragraphs[1].text == "未编号"
    assert Bulletin.objects.count() == 1
    with pytest.raises(DubanError, match="不支持的通报格式"):
        cmd_bulletin(ref, "2024-11-30", "rtf", tmp_path / "b.rtf")
    with pytest.raises(DubanError, match="YYYY-MM-DD"):
        cmd_bulletin(ref, "30.11.2024", "md", tmp_path / "b.md")


def test_cmd_export_writes_the_plan_table(plan, tmp_path):
    from duban.bulletins.commands import cmd_export

    message = cmd_export("002_940df3c6aa63460f.txt", "xlsx", tmp_path / "plan.xlsx")
    assert message == f"已导出《2024年市办实事》15项任务到 {tmp_path / 'plan.xlsx'}"
    assert Path(tmp_path / "plan.xlsx").read_bytes()[:2] == b"PK"
    with pytest.raises(DubanError, match="不支持的导出格式"):
        cmd_export("002_940df3c6aa63460f.txt", "csv", tmp_path / "plan.csv")
