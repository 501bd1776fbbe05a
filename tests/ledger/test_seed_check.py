"""Issue 9's check, run as a new user would: right after `duban import ../shared/seeds/*.txt` (no other
command, a fresh data dir), `duban status` says what the documents' own figures say."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DUBAN = Path(sys.executable).with_name("duban")

# A metric that is a piece of a sentence, not a name: empty; opening or closing on a word that never
# does so in a name; a bracket or quote left open or closed alone; a second quantity swallowed into it
# (医疗费补助标准由1000元, 工程建设等领域不少于100项线上线下审); a single character.
_BAD_START = re.compile(r"^[的和及与了等、,,.;;::))”’》]")
_BAD_END = re.compile(r"([的和与等、,,((“‘《—-]|(?<![惠涉波普])及)$")  # 惠及137万户 names what it counts
_QUANTITY = re.compile(r"\d+(\.\d+)?(万|亿)?(个|所|处|条|项|家|元|台|户|人|公里|平方米|亩|%|场|座|间|吨)")
_PAIRS = (("“", "”"), ("(", ")"), ("(", ")"), ("《", "》"))


def fragmentary(metric: str) -> bool:
    m = (metric or "").strip()
    return (len(m) < 2 or bool(_BAD_START.search(m) or _BAD_END.search(m)) or bool(_QUANTITY.search(m))
            or any(m.count(a) != m.count(b) for a, b in _PAIRS))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, seeds):
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DUBAN_DATA_DIR"] = str(tmp_path_factory.mktemp("seed-check"))

    def duban(*args: str) -> str:
        done = subprocess.run([str(DUBAN), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    files = sorted(str(p.relative_to(ROOT.parent).as_posix()) for p in seeds.glob("*.txt"))
    duban("import", *("../" + f for f in files))
    return duban


def _status(ledger, year: int, as_of: str) -> list[dict]:
    return json.loads(ledger("status", "--year", str(year), "--as-of", as_of, "--format", "json"))


def test_2024_tasks_are_done_but_14_which_is_behind(ledger):
    rows = [r for r in _status(ledger, 2024, "2024-11-30") if r["plan"] == "2024年市办实事"]
    status = {r["number"]: r["status"] for r in rows}
    assert sorted(status, key=int) == [str(n) for n in range(1, 16)]
    assert {n: s for n, s in status.items() if n != "14"} == {str(n): "已完成" for n in range(1, 16) if n != 14}
    assert status["14"] in ("滞后", "严重滞后")


def test_2022_task_6_is_not_done_at_mid_year(ledger):
    six = next(r for r in _status(ledger, 2022, "2022-06-30") if r["number"] == "6")
    # 推动开工的40所中小学和幼儿园中,30所已开工建设: the 40 is the plan restated, not progress
    assert six["status"] != "已完成"
    assert all(i["actual"] != 40 for i in six["indicators"])


def test_no_indicator_of_a_seed_task_has_an_empty_or_fragmentary_metric(ledger):
    bad = [(r["plan"], r["number"], i["metric"]) for year, as_of in ((2022, "2022-06-30"), (2023, "2023-12-31"),
                                                                      (2024, "2024-11-30"))
           for r in _status(ledger, year, as_of) for i in r["indicators"] if fragmentary(i["metric"])]
    assert bad == []


@pytest.mark.parametrize("metric", ["", "区", "医疗费补助标准由1000元", "工程建设等领域不少于100项线上线下审",
                                    "五大中心”类急危重症能力的医院", "新增国家级海洋牧场示范区1—", "建设10个市级乡村振兴示范片区和区",
                                    "医院和院前急救站及"])
def test_what_counts_as_a_fragment(metric):
    assert fragmentary(metric)


@pytest.mark.parametrize("metric", ["城镇新增就业", "65岁以上老年人签约率", "打造市容秩序“十乱”整治示范路", "造林",
                                    "增设自动体外除颤器(AED)", "参保居民住院分娩医疗费补助标准",
                                    "惠及"])
def test_what_is_a_name(metric):
    assert not fragmentary(metric)


def test_a_past_plan_is_judged_as_of_its_year_end_without_due_soon_labels(ledger):
    rows = _status(ledger, 2023, "2026-12-02")
    assert rows and {r["as_of"] for r in rows} == {"2023-12-31"}
    assert not [r["reason"] for r in rows if "到期" in r["reason"] or "宽限" in r["reason"]]


def test_computed_figures_are_printed_to_their_precision(ledger):
    rows = {r["number"]: r for r in _status(ledger, 2024, "2024-11-30") if r["plan"] == "2024年市办实事"}
    aed = next(i for i in rows["14"]["indicators"] if i["unit"] == "台")
    assert aed["forecast"] == int(aed["forecast"])  # 377台, not 377.02台
    assert "应达9处" in rows["14"]["reason"]
    for r in rows.values():
        for i in r["indicators"]:
            if i["unit"] not in ("%", "公里") and i["forecast"] is not None:
                assert i["forecast"] == int(i["forecast"]), (r["number"], i)
