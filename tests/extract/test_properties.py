"""Whatever text arrives, the extractor answers with a valid duban.plan/1 object or its own error."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duban.errors import DubanError
from duban.extract import extract_text
from duban.extract.schema import plan_problems

# Text made of the genre's own pieces, so the grammar's paths are really walked.
PIECES = st.sampled_from([
    "1.", "2、", "第3件:", "(一)", "一、", "\n", "\t", " | ", "序号", "实施内容", "牵头单位", "责任单位", "实施计划",
    "进展情况:", "截至11月底,", "3月底前,", "年底前", "占年计划的", "104.6%", "35万人以上", "不少于", "3.7万余名",
    "(责任单位:市教育局、市财政局)", "(牵头单位:市科技局,参与单位:青岛蓝谷管理局)", "“四好农村路”", "二孩",
    "每100户1人", "1—2家", "百亿", "。", ",", ";", "2024年", "市住房城乡建设局(节能保暖工程) ", "辦實(shí)事",
    "加粗字体为牵头单位", "*", "(", ")", "十", "两", "分别占年计划的317%和112%", "5亿元以上、",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join))
def test_any_text_gives_a_valid_plan_or_the_extractors_error(text):
    try:
        plan = extract_text(text)
    except DubanError:
        return
    assert plan_problems(plan.as_json()) == []


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_valid_plan_or_the_extractors_error(data):
    from duban.extract.pipeline import extract_document
    from duban.extract.readers import read_bytes

    try:
        plan = extract_document(read_bytes(data, "noise.txt"))
    except DubanError:
        return
    assert plan_problems(plan.as_json()) == []


# Pieces that each step of the normalisation changes: Traditional phrases, full-width marks, ruby,
# doubled marks, an eaten ruby bracket, line breaks and the separator's own character.
NORMALISED = st.sampled_from([
    "辦實(shí)事", "(shí)", "發展", "計劃", "，", "、", ",,", ",。", "?jiǎn)", "\n", "\r\n", "\ue001", "（一）",
    "台灣", "乾隆", "後面", "“", "”", "％", "１２", "\u3000", " ", "(a)", "年", "實", "頭",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(NORMALISED, st.text(max_size=4)), max_size=12).map("".join), max_size=12),
       st.booleans())
def test_normalising_a_documents_texts_together_is_normalising_each(texts, ruby):
    from duban.extract.normalize import normalize, normalize_all

    assert normalize_all(texts, ruby=ruby) == [normalize(t, ruby=ruby) for t in texts]


def test_every_seed_and_corpus_text_normalises_alike_together(seeds):
    from duban.extract.normalize import has_ruby, normalize, normalize_all
    from duban.extract.pipeline import _texts
    from duban.extract.readers import read

    paths = sorted(seeds.glob("*.txt")) + sorted((seeds.parent / "corpus" / "docs").glob("*.txt"))
    assert len(paths) >= 20
    for path in paths:
        doc = read(path)
        texts = list(_texts(doc, bold=True))
        ruby = has_ruby("\n".join(_texts(doc)))
        assert normalize_all(texts, ruby=ruby) == [normalize(t, ruby=ruby) for t in texts], path.name
