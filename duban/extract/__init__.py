"""Documents → `duban.plan/1`: a pure-Python library (no database, no web).

    from duban.extract import extract
    plan = extract("2023年市办实事.docx", year=2023)
    plan.as_json()
"""
from __future__ import annotations

from pathlib import Path


def extract(path: str | Path, *, year: int | None = None):
    """Read a plan or progress document in any supported format and return its Plan."""
    from duban.extract import limits
    from duban.extract.pipeline import extract_document
    from duban.extract.readers import read

    with limits.reading(Path(path).name or str(path)):  # one budget for reading and extracting
        return extract_document(read(path), year=year)


def extract_text(text: str, *, source: str = "text.txt", year: int | None = None):
    """Extract from text already in memory (tests, the API, a pasted document)."""
    from duban.extract import limits
    from duban.extract.document import Document
    from duban.extract.pipeline import extract_document
    from duban.extract.readers.txt import blocks_from_text

    with limits.reading(source) as budget:
        budget.check("characters", len(text))
        return extract_document(Document(source=source, format="txt", blocks=blocks_from_text(text)), year=year)
