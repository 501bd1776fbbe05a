"""Fifteen real documents from ten other cities (../shared/corpus), extracted by the real command and
scored against their hand-made gold, as text and rendered into Word, Excel, HTML and PDF."""
import json
from pathlib import Path

import pytest

from duban.extract import extract
from duban.extract.readers import read
from tests.conftest import SHARED
from tests.extract.scoring import assert_command_scores, scorer
from tests.render import to_docx, to_html, to_pdf, to_xlsx

pytestmark = pytest.mark.shared  # the scorer and the documents of ../shared

CORPUS = SHARED / "corpus"
DOCS = sorted((CORPUS / "docs").glob("*.txt"))
FORMATS = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html, "pdf": to_pdf}


@pytest.fixture(scope="module")
def score():
    if not (CORPUS / "gold").is_dir() or len(DOCS) < 15:
        pytest.fail(f"the development corpus is missing: {CORPUS} (../shared beside the checkout)")
    return scorer()


def gold_of(doc: Path) -> dict:
    return json.loads((CORPUS / "gold" / f"{doc.stem}.json").read_text("utf-8"))


def test_corpus_extraction_scores_against_its_gold(score):
    """The real command over fifteen documents of ten other cities: ≥ 0.92, every field ≥ 0.85."""
    assert_command_scores(CORPUS / "docs", CORPUS / "gold", overall=0.92, every_field=0.85)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("doc", DOCS, ids=[d.stem[:2] for d in DOCS])
def test_rendered_corpus_document_scores_within_three_points_of_its_text(fmt, doc, tmp_path, score):
    gold = gold_of(doc)
    as_text = score.overall(score.score_pair(gold, extract(doc).as_json()))
    out = FORMATS[fmt](read(doc), tmp_path / f"{doc.stem}.{fmt}")
    figures = score.score_pair(gold, extract(out).as_json())
    assert score.overall(figures) >= as_text - 0.03, score.table(f"{doc.stem}.{fmt}", figures)
