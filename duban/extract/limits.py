"""How much one document may cost: every reader checks these before it expands anything.

A plan document arrives from outside, and a few kilobytes can describe gigabytes: merged ranges over
millions of cells, table cells spanning thousands of grid columns, 8,000 nested tags, a flate stream
of 500 MB. Each limit below is checked where the reader would expand — from the zip directory, the
sheet XML and the PDF streams before the format libraries see them, and while grids are built — so
that memory stays within MEMORY_BUDGET whatever the input. Past a limit the document is refused with
DocumentLimitExceeded, whose reason names the limit (表格合并单元格超过 100 万个,可能是异常文件).

    with limits.reading("a.xlsx") as budget:   # read_bytes() and extract() open one per document
        budget.charge("cells", rows * columns)  # raises past the limit
        budget.tick()                           # raises past the wall-time limit

Without an open budget (a reader called directly) every check uses a fresh one with the defaults.
In the main thread the wall-time limit is also enforced by SIGALRM, so a long regex or a library
loop is interrupted too; the web runs extraction in a worker process with a hard time and memory
limit besides (duban/extract/isolated.py).
"""
from __future__ import annotations

import contextvars
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from duban.errors import DocumentLimitExceeded

MB = 1024 * 1024
MEMORY_BUDGET = 512 * MB  # what reading and extracting one document may take, whatever the input


@dataclass(frozen=True, slots=True)
class Limits:
    expanded_bytes: int = 192 * MB     # a zip package's members, uncompressed (as declared, which zipfile enforces)
    part_bytes: int = 40 * MB          # one XML part the reader parses (document.xml, a sheet, sharedStrings.xml)
    zip_members: int = 5_000           # files in a zip package
    pdf_stream_bytes: int = 64 * MB    # one PDF stream, decoded
    pdf_expanded_bytes: int = 192 * MB  # all of a PDF's streams, decoded
    pdf_page_objects: int = 100_000    # characters, lines and rectangles drawn on one PDF page
    pages: int = 1_000                 # PDF pages
    cells: int = 500_000               # table cells (rows × columns, merged ranges expanded) in a document
    merged_cells: int = 1_000_000      # cells under the merged ranges of a workbook (openpyxl makes each one)
    columns: int = 1_000               # grid columns of one table row (spans expanded)
    html_nodes: int = 60_000           # elements of a web page
    html_depth: int = 200              # elements nested in one another
    characters: int = 5_000_000        # text of the document (a merged cell counts at each position)
    seconds: float = 60.0              # wall time of reading and extracting one document
    memory_bytes: int = MEMORY_BUDGET  # enforced by the worker process (isolated.py); named when a library runs out


DEFAULT = Limits()

# What each limit is called in the refusal: "{what}超过 {amount},可能是异常文件".
_WHAT = {
    "expanded_bytes": "压缩包解压后的大小",
    "part_bytes": "文档内单个部件解压后的大小",
    "zip_members": "压缩包内的文件数",
    "pdf_stream_bytes": "PDF 数据流解压后的大小",
    "pdf_expanded_bytes": "PDF 数据流解压后的总大小",
    "pdf_page_objects": "PDF 单页的字符和图形数",
    "pages": "PDF 页数",
    "cells": "表格单元格数(行数 × 列数)",
    "merged_cells": "表格合并单元格",
    "columns": "表格列数(跨列合并后)",
    "html_nodes": "网页元素数",
    "html_depth": "网页标签嵌套层数",
    "characters": "文档字数",
    "seconds": "文档处理时间",
    "memory_bytes": "文档处理所需内存",
}
_UNIT = {"pages": "页", "columns": "列", "html_depth": "层", "characters": "字", "seconds": "秒"}


def amount(limit: str, value: float) -> str:
    """100 万个, 192 MB, 60 秒: a limit's value as the refusal prints it."""
    if limit.endswith("_bytes"):
        return f"{value / MB:g} MB"
    unit = _UNIT.get(limit, "个")
    if value >= 10_000 and value % 10_000 == 0:
        return f"{value / 10_000:g} 万{unit}"
    return f"{value:g} {unit}"


def describe(limit: str, value: float, detail: str = "") -> str:
    return f"{_WHAT[limit]}超过 {amount(limit, value)}{detail},可能是异常文件"


@dataclass(slots=True)
class Budget:
    """One document's allowance: counters charged by the readers, and a deadline."""

    source: str
    limits: Limits = DEFAULT
    deadline: float = 0.0
    used: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.limits.seconds

    def refuse(self, limit: str, detail: str = "") -> DocumentLimitExceeded:
        return DocumentLimitExceeded(self.source, describe(limit, getattr(self.limits, limit), detail), limit=limit)

    def check(self, limit: str, value: float, detail: str = "") -> None:
        """Refuse when one measured value (a member's size, a row's width) is past its limit."""
        if value > getattr(self.limits, limit):
            raise self.refuse(limit, detail)

    def charge(self, limit: str, n: int, detail: str = "", *, counter: str | None = None) -> int:
        """Add n to a running total of the document (named by the limit unless `counter` names
        another, for a second count under the same limit); refuse past the limit. Returns the total."""
        key = counter or limit
        total = self.used.get(key, 0) + n
        self.used[key] = total
        if total > getattr(self.limits, limit):
            raise self.refuse(limit, detail)
        return total

    def remaining(self, limit: str) -> int:
        return max(0, getattr(self.limits, limit) - self.used.get(limit, 0))

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.refuse("seconds")


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("duban_document_budget", default=None)


def current(source: str = "文档") -> Budget:
    """The open document's budget; a fresh one with the defaults when none is open."""
    return _current.get() or Budget(source)


@contextmanager
def reading(source: str, limits: Limits = DEFAULT) -> Iterator[Budget]:
    """Open one document's budget (or join the one already open: read + extract share it)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    budget = Budget(source, limits)
    token = _current.set(budget)
    state = {"open": True}
    alarm = _arm_alarm(budget, state)
    try:
        yield budget
    finally:
        try:
            state["open"] = False  # from here the alarm raises nothing
        finally:  # and this runs even if it raised just before
            if alarm is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, alarm)
            _current.reset(token)


def _arm_alarm(budget: Budget, state: dict):
    """SIGALRM at the deadline (then every half second until the budget closes), in the main thread
    only and only when no one else uses the real-time timer; returns the handler to restore."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return None
    if signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
        return None
    previous = signal.getsignal(signal.SIGALRM)
    if previous not in (signal.SIG_DFL, signal.SIG_IGN, None) and previous is not signal.default_int_handler:
        return None  # someone else's handler

    def on_alarm(signum, frame):
        if state["open"]:
            raise budget.refuse("seconds")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, budget.deadline - time.monotonic()), 0.5)
    return previous if previous is not None else signal.SIG_DFL


__all__ = ["DEFAULT", "MEMORY_BUDGET", "Budget", "Limits", "amount", "current", "describe", "reading"]
