"""The five seed documents, extracted by the real command and scored against the hand-made gold."""
import json
import subprocess
import sys

import pytest

from tests.conftest import seed
from tests.extract.scoring import assert_command_scores

pytestmark = pytest.mark.shared  # the scorer and the documents of ../shared

DUBAN = [sys.executable, "-m", "duban"]


def run(*args, **kw):
    return subprocess.run([*DUBAN, *args], capture_output=True, text=True, timeout=120, **kw)


def test_seed_extraction_scores_against_the_gold(seeds, gold):
    assert_command_scores(seeds, gold, overall=0.97, every_field=0.90)


def test_extract_prints_one_plan_and_reports_findings_on_stderr(seeds):
    done = run("extract", str(seed(seeds, "003")))
    assert done.returncode == 0
    plan = json.loads(done.stdout)
    assert plan["schema"] == "duban.plan/1" and plan["year"] == 2023 and len(plan["tasks"]) == 128
    # 126-128 (组织实施) name no unit: each is a finding, on stderr and in the JSON, with its position.
    no_unit = [f for f in plan["findings"] if f["code"] == "no_unit"]
    assert [f["task"] for f in no_unit] == ["126", "127", "128"]
    assert all(f["where"].startswith("line ") for f in no_unit)
    assert len([line for line in done.stderr.splitlines() if "未找到责任单位" in line]) == 3


def test_traditional_ruby_document_becomes_simplified(seeds):
    plan = json.loads(run("extract", str(seed(seeds, "002"))).stdout)
    assert plan["title"] == "2024年市办实事1-11月具体进展情况"
    first = plan["tasks"][0]
    assert first["lead_units"] == ["市人力资源社会保障局"]
    assert first["progress"][0]["as_of"] == "2024-11-30"
    assert first["progress"][0]["values"][0] == {
        "metric": "城镇新增就业", "value": 366100, "unit": "人", "qualifier": "=", "percent": 104.6}


def test_year_option_places_dates_in_a_document_without_a_year(tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_text("序号\t实施内容\t牵头单位\t实施计划\n1\t新建口袋公园30处。\t市园林和林业局\t6月底前,开工15处。\n", "utf-8")
    without = json.loads(run("extract", str(doc)).stdout)
    assert without["tasks"][0]["milestones"][0]["due"] is None
    assert {f["code"] for f in without["findings"]} >= {"no_year"}
    with_year = json.loads(run("extract", str(doc), "--year", "2025").stdout)
    assert with_year["year"] == 2025 and with_year["tasks"][0]["milestones"][0]["due"] == "2025-06-30"


def test_a_document_without_tasks_is_no_error(tmp_path):
    doc = tmp_path / "notice.txt"
    doc.write_text("关于召开会议的通知\n请各单位准时参加。\n", "utf-8")
    done = run("extract", str(doc))
    assert done.returncode == 0
    plan = json.loads(done.stdout)
    assert plan["tasks"] == [] and plan["findings"][0]["code"] == "no_tasks"
    assert "没有找到" in done.stderr


def test_unreadable_files_get_one_plain_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    png = tmp_path / "picture.docx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    text_as_word = tmp_path / "2024年计划.docx"  # a real plan's text, renamed: not a Word document
    text_as_word.write_text("2024年市办实事项目\n1.新建公共停车场4处。\n", encoding="utf-8")
    for path in (empty, png, text_as_word, tmp_path / "missing.xlsx"):
        done = run("extract", str(path))
        assert done.returncode == 2, path
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and path.name in lines[0] and "Traceback" not in done.stderr
        assert done.stdout == ""
