"""A source position said in Chinese: `page 2 table 1 row 3` → 第2页 表1 第3行. The duban.plan/1
document keeps the codes (`where`); people read these words (stderr, pages)."""
from __future__ import annotations

import re

_WHERE = [
    (re.compile(r"^page (\d+) table (\d+) row (\d+)$"), r"第\1页 表\2 第\3行"),
    (re.compile(r"^page (\d+) line (\d+)$"), r"第\1页 第\2行"),
    (re.compile(r"^table (\d+) row (\d+)$"), r"表\1 第\2行"),
    (re.compile(r"^sheet (.+) row (\d+)$"), r"工作表“\1” 第\2行"),
    (re.compile(r"^paragraph (\d+)$"), r"第\1段"),
    (re.compile(r"^line (\d+)$"), r"第\1行"),
    (re.compile(r"^document$"), "全文"),
]


def where_zh(where: str | None) -> str:
    for pattern, words in _WHERE:
        if pattern.match(where or ""):
            return pattern.sub(words, where or "")
    return where or ""
