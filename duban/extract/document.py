"""The intermediate every reader produces: lines and tables of cells, each with its source position.

Readers know file formats; the grammar (shapes/) knows the genre. This is where they meet, so
the grammar is written once for text, Word, Excel, HTML and PDF alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """A paragraph or line of running text, as the reader found it (not yet normalised)."""

    text: str
    where: str  # human-readable source position: "line 12", "paragraph 7", "page 2 line 5"


@dataclass(slots=True)
class Cell:
    text: str
    # The text of the runs printed in bold, in order. Only readers that know typography
    # (docx, html) fill it; a header like 责任单位(加粗字体为牵头单位) makes it meaningful.
    bold: tuple[str, ...] = ()


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    where: str  # "line 4", "table 1 row 3", "sheet 计划 row 5", "page 2 table 1 row 3"

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(slots=True)
class Table:
    rows: list[Row]
    where: str  # where the table starts


Block = Line | Table


@dataclass(slots=True)
class Document:
    source: str  # the file name, as `duban.plan/1` reports it
    format: str  # txt, docx, xlsx, xls, html, pdf
    blocks: list[Block] = field(default_factory=list)

    def lines(self) -> list[Line]:
        return [b for b in self.blocks if isinstance(b, Line)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
