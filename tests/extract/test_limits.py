"""The reading budget itself (duban/extract/limits.py): messages, shared budgets, the wall-time alarm."""
from __future__ import annotations

import signal
import time

import pytest

from duban.errors import DocumentLimitExceeded, UnreadableDocument
from duban.extract import extract, limits
from duban.extract.readers import read_bytes
from tests.conftest import seed


def test_a_refusal_names_the_limit_and_its_amount():
    budget = limits.Budget("计划.xlsx")
    with pytest.raises(DocumentLimitExceeded) as refused:
        budget.charge("merged_cells", 2_000_000)
    assert str(refused.value) == "计划.xlsx: 表格合并单元格超过 100 万个,可能是异常文件"
    assert isinstance(refused.value, UnreadableDocument) and refused.value.code == "limit_exceeded"
    assert limits.amount("part_bytes", 40 * limits.MB) == "40 MB"
    assert limits.amount("pages", 1000) == "1000 页"


def test_reading_and_extracting_share_one_budget():
    with limits.reading("a.txt") as outer, limits.reading("b.txt") as inner:
        assert inner is outer
    assert limits._current.get() is None


def test_the_wall_time_alarm_stops_a_busy_loop_and_leaves_nothing_behind(seeds):
    started = time.monotonic()
    with pytest.raises(DocumentLimitExceeded) as refused, limits.reading("慢.txt", limits.Limits(seconds=0.2)):
        while True:
            pass
    assert time.monotonic() - started < 2 and refused.value.limit == "seconds"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert len(extract(seed(seeds, "001")).tasks) == 16  # the next document has its own time


def test_a_long_text_past_the_character_limit_is_refused():
    with limits.reading("长.txt", limits.Limits(characters=1000)), pytest.raises(DocumentLimitExceeded) as refused:
        read_bytes(("2024年重点任务\n" + "1. 新增就业35万人\n" * 200).encode(), "长.txt")
    assert "文档字数超过 1000 字" in refused.value.message
