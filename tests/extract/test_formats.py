"""The seeds rendered into Word, Excel, HTML and PDF with the libraries score as the text does."""
import json

import pytest

from duban.extract import extract
from duban.extract.readers import read
from tests.extract.scoring import scorer
from tests.render import to_docx, to_html, to_pdf, to_xlsx

pytestmark = pytest.mark.shared  # the scorer and the documents of ../shared

FORMATS = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html, "pdf": to_pdf}
SEEDS = ["000", "001", "002", "003", "004"]


@pytest.fixture(scope="module")
def score():
    return scorer()


def gold_of(gold_dir, prefix):
    path = next(gold_dir.glob(prefix + "_*.json"))
    return path.stem, json.loads(path.read_text("utf-8"))


def bold_leads(gold):
    """004 says 责任单位(加粗字体为牵头单位): its Word copy prints the gold lead units in bold."""
    return {t["number"]: t["lead_units"] for t in gold["tasks"]}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("prefix", SEEDS)
def test_rendered_seed_scores_like_the_text(fmt, prefix, seeds, gold, tmp_path, score):
    stem, expected = gold_of(gold, prefix)
    source = read(seeds / f"{stem}.txt")
    out = tmp_path / f"{stem}.{fmt}"
    if fmt in ("docx", "html") and prefix == "004":
        FORMATS[fmt](source, out, bold_leads=bold_leads(expected))
    else:
        FORMATS[fmt](source, out)
    plan = extract(out).as_json()
    figures = score.score_pair(expected, plan)
    assert score.overall(figures) >= 0.95, score.table(stem + "." + fmt, figures)
    assert plan["title"] == expected["title"] and plan["year"] == expected["year"]


def test_bold_marks_the_lead_units_in_word(seeds, gold, tmp_path):
    """With the bold kept, 004's task 5 gets the leads the document means (plain text cannot tell)."""
    stem, expected = gold_of(gold, "004")
    out = to_docx(read(seeds / f"{stem}.txt"), tmp_path / "004.docx", bold_leads=bold_leads(expected))
    tasks = {t["number"]: t for t in extract(out).as_json()["tasks"]}
    for n, t in {t["number"]: t for t in expected["tasks"]}.items():
        assert tasks[n]["lead_units"] == t["lead_units"], n
        assert sorted(tasks[n]["co_units"]) == sorted(t["co_units"]), n
