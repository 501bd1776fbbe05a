"""Quantities in the genre's sentences: 城镇新增就业35万人以上 → (城镇新增就业, 350000, 人, >=).

A number counts when a measure word follows it (or it is an X大 count, or a bare figure with
以上/左右); years, dates, ordinals, ages, ratios, levels and names that merely contain digits
do not. Quoted and book-titled names (“四好农村路”, 《…2024年…》) are never searched.
The input is normalised text (see normalize.py) with its spaces closed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from duban.extract.lexicon import alternation, lexicon

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
# The look-ahead lets the scan skip, in one test, the characters no figure starts with.
_TOKEN = re.compile(rf"(?=[\d零〇一二两三四五六七八九十百千万亿])(?:(?P<a>{_ARABIC})(?P<m>万亿|千万|百万|亿|万)?|(?P<c>{_CHINESE}))")
_ARABIC_TOKEN = re.compile(rf"(?P<a>{_ARABIC})(?P<m>万亿|千万|百万|亿|万)?")  # _TOKEN's Arabic figures alone
_ARABIC_DIGIT = re.compile(r"\d")
_YEAR_LIKE = re.compile(r"(?:19[5-9]|20\d)\d")
_PERCENT_FIGURE = re.compile(r"\d+(?:\.\d+)?(?=%)")
_RANGE_SEP = "-—~至到–－"
_LATIN_GLUE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_#&.")  # glue a figure into a code
_DELIMS = ",;。、:?!()\n"  # quoted names (“四好农村路”) stay inside a metric
# Quoted names, book titles and the plan base in 占年计划基数(35万人)的: never searched.
_MASKS = re.compile(r"“[^”“]{0,120}”|\"[^\"]{1,40}\"|《[^》《]{0,80}》|「[^」]{0,40}」|基数\([^)]{0,20}\)"
                    r"|\((?:控制线|控制目标|目标值|上限|下限|警戒线)[^()]{0,16}\)")
# A quoted goal sentence (“新增就业1.2万人,失业率控制在3.5%以内”) counts; a quoted name does not.
_GOAL_SENTENCE = re.compile(r"^“(?=[^”]*[,;])(?=[^”]*\d)[^”]*”$")
# Single-character qualifiers that also end ordinary words (节约, 接近, 高超).
_WORD_BEFORE = {"约": "节制集签预公条合契简大隐", "近": "接靠附最将临就邻亲", "超": "高赶"}

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
# No plan counts past this (1,000 万亿): a longer figure is a serial number or noise, not a quantity,
# and beyond a float's range it would not even convert.
LARGEST = 1e15
_MULT = {"万": 10_000, "亿": 100_000_000, "千万": 10_000_000, "百万": 1_000_000, "万亿": 1_000_000_000_000}


@dataclass(slots=True)
class Quantity:
    metric: str
    value: float
    unit: str
    qualifier: str  # ">=", "<=", "~", "="
    start: int
    end: int
    literal: str
    percent: float | None = None

    def as_json(self, *, with_percent: bool = False) -> dict:
        out: dict = {"metric": self.metric, "value": plain_number(self.value), "unit": self.unit,
               "qualifier": self.qualifier}
        if with_percent:
            out["percent"] = None if self.percent is None else plain_number(self.percent)
        return out


def plain_number(x: float) -> int | float:
    """35万 → 350000 (an int), 1.65万 → 16500, 4.21 → 4.21: no float noise in the JSON."""
    if not math.isfinite(x):
        return x
    r = round(x, 6)
    return int(r) if r == int(r) else r


def chinese_to_number(s: str) -> float | None:
    """两万三千 → 23000, 十五 → 15, 百亿 → 1e10; None when the string is not a numeral."""
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _DIGIT:
            if digit is not None:  # 一二三: a list of digits, not a numeral
                return None
            digit = _DIGIT[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        elif ch in _BIG:
            section += digit or 0
            total = (total + (section or 1)) * _BIG[ch]
            section, digit = 0, None
        else:
            return None
    value = total + section + (digit or 0)
    return float(value) if value <= LARGEST else None  # 亿亿亿…: an int too large for a float


def _is_cjk(ch: str) -> bool:
    """One Chinese character (CJK extension A and the unified ideographs)."""
    return "\u3400" <= ch <= "\u9fff"


def _arabic(s: str) -> float:
    return float(s.replace(",", ""))  # inf for a figure of 400 digits: the caller checks LARGEST


@lru_cache(maxsize=8)  # a task's text is searched, then checked for unexplained figures: masked once
def _masked_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _MASKS.finditer(text) if not _GOAL_SENTENCE.match(m.group(0)))


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _plan_share_re():
    lx = lexicon()
    pct = r"\d+(?:\.\d+)?%"
    # 占年计划(基数)(…)的X%, 完成省定任务指标(650万平方米)的73.9%, 完成年度任务的72%
    return re.compile(
        rf"(?P<each>分别)?(?P<verb>占|为|达到|达|完成)了?"
        rf"(?:{alternation(lx.plan_share)}|[^,;。()%\d]{{0,8}}?(?:计划|目标|任务|指标))"
        rf"(?:基数)?(?:\((?P<base>[^)]{{0,20}})\))?的?"
        rf"(?P<pcts>{pct}(?:(?:、|和|及|与|,){pct})*)")


_PLAN_SHARE: re.Pattern[str] | None = None


def plan_share_clauses(text: str) -> list[tuple[int, int, list[float], bool, str, str]]:
    """占年计划(基数)(…)的X%: (start, end, percents, 分别, verb, bracketed base) for each clause."""
    if "%" not in text:  # every clause ends in a percentage
        return []
    return [(a, b, list(pcts), each, verb, base) for a, b, pcts, each, verb, base in _plan_shares(text)]


@lru_cache(maxsize=8)
def _plan_shares(text: str) -> tuple[tuple[int, int, tuple[float, ...], bool, str, str], ...]:
    global _PLAN_SHARE
    if _PLAN_SHARE is None:
        _PLAN_SHARE = _plan_share_re()
    return tuple((m.start(), m.end(), tuple(float(p) for p in _PERCENT_FIGURE.findall(m.group("pcts"))),
                  bool(m.group("each")), m.group("verb"), m.group("base") or "") for m in _PLAN_SHARE.finditer(text))


def unexplained_numbers(text: str, found: list[Quantity]) -> list[str]:
    """Arabic figures that are neither a quantity nor something the grammar knows is none (a year,
    a date, an ordinal, a name): `创建15 家` with a measure word the word lists lack, say."""
    if not _ARABIC_DIGIT.search(text):
        return []
    masks = [*_masked_spans(text), *((a, b) for a, b, *_ in plan_share_clauses(text))]
    taken = [(q.start, q.end) for q in found]
    out = []
    for tok in _ARABIC_TOKEN.finditer(text):
        if _inside(tok.start(), masks) or _inside(tok.start(), taken):
            continue
        if _known_non_quantity(text, tok):
            continue
        out.append(text[max(0, tok.start() - 6):tok.end() + 2])
    return out


def _known_non_quantity(text: str, tok: re.Match) -> bool:
    lx = lexicon()
    start, end = tok.start(), tok.end()
    prev, nxt = text[start - 1:start], text[end:end + 1]
    if not nxt or nxt == "%" or nxt in _RANGE_SEP or (prev and prev in _RANGE_SEP):
        return True
    if _YEAR_LIKE.fullmatch(tok.group(0)):  # a year naming an event: 2023山东省旅游发展大会
        return True
    if prev in _LATIN_GLUE or nxt in _LATIN_GLUE:
        return True
    if lx.before_number_excludes_re.search(text, max(0, start - 4), start):
        return True
    return bool(lx.after_number_excludes_re.match(text, end) or lx.measure_re.match(text, end))


def find_quantities(text: str, *, percents: bool = False) -> list[Quantity]:
    """Every quantity in `text`, in order. With `percents`, 占年计划的X% attaches to the value before it."""
    masks = list(_masked_spans(text))
    shares = plan_share_clauses(text) if percents or "占" in text else []
    masks += [(a, b) for a, b, *_ in shares]
    tokens = list(_TOKEN.finditer(text))
    found: list[Quantity] = []
    skip_until = -1
    for i, tok in enumerate(tokens):
        if tok.start() < skip_until or (masks and _inside(tok.start(), masks)):
            continue
        q = _read_quantity(text, tok, tokens[i + 1] if i + 1 < len(tokens) else None)
        if q is None:
            continue
        if q == "ratio":  # 每100户1人: the rate's base and its figure are no quantity
            skip_until = tok.end() + 4
            continue
        found.append(q)
        skip_until = q.end
    _inherit_metrics(text, found, same_unit=not percents)
    _respective_metrics(text, found)
    if percents:
        _attach_percents(text, found, shares)
    return found


def _measured_against(q: Quantity, base: str) -> bool:
    """`480.27万平方米,完成省定任务指标(650万平方米)的73.9%`: the share is that value's, measured
    against a base of the same unit."""
    lx = lexicon()
    return bool(base) and any(lx.unit_name(u) == q.unit for u in lx.measure if u in base)


_LIST_ITEMS = re.compile(r"((?:[^、,,;;。:()\d]{1,4}、)+)$")


def _respective_metrics(text: str, found: list[Quantity]) -> None:
    """`一、二、三级医疗机构报销比例分别达到80%、70%、60%`: each figure of a 分别 list is its own item's
    (一级…, 二级…, 三级…), not three of the last item's name."""
    n = 0
    while n < len(found):
        run = [found[n]]
        while n + len(run) < len(found) and text[run[-1].end:found[n + len(run)].start].strip() == "、":
            run.append(found[n + len(run)])
        n += len(run)
        first = run[0]
        at = text.rfind(first.metric, max(0, first.start - 40), first.start) if first.metric else -1
        if len(run) < 2 or at < 0 or "分别" not in text[at:first.start]:
            continue
        m = _LIST_ITEMS.search(text, max(0, at - 24), at)
        items = m.group(1).split("、")[:-1] if m else []
        if len(items) + 1 != len(run) or not all(items):
            continue
        suffix = first.metric[len(items[-1]):]
        if not suffix:
            continue
        for q, name in zip(run, [item + suffix for item in items] + [first.metric]):
            q.metric = name


def _inherit_metrics(text: str, found: list[Quantity], *, same_unit: bool) -> None:
    """`报销比例分别达到80%、70%、60%`: the figures after the first in a 、-list share its metric."""
    for prev, q in pairwise(found):
        if q.metric:
            continue
        gap = text[prev.end:q.start]
        # In a plan's text, a figure of the same unit in the same sentence counts the same thing again;
        # in a progress text it may be a part (其中408个已完工), which the ledger must not take for another.
        if gap.strip() in ("、", "和", "及", "与", ",", "或") or (
                same_unit and prev.unit == q.unit and "。" not in gap and ";" not in gap):
            q.metric = prev.metric  # 开工口袋公园40个,完成30个: the same thing counted again


def _read_quantity(text: str, tok: re.Match, following: re.Match | None):
    lx = lexicon()
    start = tok.start()
    chinese = tok.group("c") is not None
    literal = tok.group(0)
    if chinese:
        value = 1.0 if literal == "一" and _one_counts(text, tok) else _chinese_value(literal)
        if value is None:
            return None
        pos = tok.end()
    else:
        if start and (text[start - 1] in _LATIN_GLUE or text[start - 1].isdigit()):
            return None
        value = round(_arabic(tok.group("a")) * _MULT.get(tok.group("m") or "", 1), 6)
        pos = tok.end()
    if not abs(value) <= LARGEST:  # also NaN and inf
        return None
    excluded = lx.before_number_excludes_re.search(text, max(0, start - 4), start)
    if excluded:
        return "ratio" if excluded.group(0) == "每" else None

    qualifier = "="
    # A range 1—2家 is its upper bound: the first number waits for the second.
    if pos < len(text) and text[pos] in _RANGE_SEP and following is not None and following.start() == pos + 1:
        return None
    if start and text[start - 1] in _RANGE_SEP and start >= 2 and (text[start - 2].isdigit() or text[start - 2] in _DIGIT):
        qualifier = "<="

    about = lx.about_inside_re.match(text, pos)
    if about:
        qualifier, pos = "~", about.end()

    unit, pos = _unit_at(text, pos)
    if unit is None:
        return None
    if unit and any(text.startswith(w, pos - len(unit)) for w in lx.compounds_beginning(unit)):
        return None  # 121人才梯队项目: the measure word begins a word
    if unit == "" and not _bare_figure_allowed(text, pos, scaled=bool(tok.group("m")) or (chinese and literal[-1] in "万亿")):
        return None
    if chinese and unit in lx.not_after_chinese_numeral:
        return None
    if pos < len(text) and text[pos] == "/":  # 1/百万件: a ratio
        return None

    after = lx.qualifiers_after_re.match(text, pos)
    if after:
        q = lx.qualifier_after_of[after.group(0)]
        if q in (">=", "<=") and _is_condition(text, start, after.end()):
            return None
        if qualifier == "=":
            qualifier = q
        pos = after.end()
    qualifier = _qualifier_before(text, start, qualifier)
    end = pos
    unit = "" if unit == "大" else lx.unit_name(unit)
    return Quantity(metric=_metric(text, start, end), value=value, unit=unit,
                    qualifier=qualifier, start=start, end=end, literal=text[start:end])


def _is_condition(text: str, start: int, after: int) -> bool:
    """总投资5亿元以上、… / 单机容量30万千瓦以下煤电机组: a bound on an attribute, read on into a noun."""
    if after < len(text) and text[after] in ",;。:)":
        return False
    head = text[max(0, start - 6):start]
    return any(head.endswith(w) for w in lexicon().condition_attributes)


def _one_counts(text: str, tok: re.Match) -> bool:
    """`建设一座日供水30万吨的净水厂`: 一 with a concrete measure word after a verb of building counts."""
    lx = lexicon()
    after = text[tok.end():tok.end() + 1]
    if after not in lx.one_counts or text[tok.end():tok.end() + 2] in ("一体", "个人", "处理", "条件"):
        return False
    before = text[max(0, tok.start() - 4):tok.start()]
    return any(before.endswith(v) for v in lx.build_verbs)


def _chinese_value(literal: str) -> float | None:
    # A lone 一 (统一, 进一步) or a lone 百/千/万 (千人口, 万人) is a word, not a count.
    if literal in ("一", "百", "千", "万", "亿", "零", "〇") or (literal[0] in "百千万亿" and literal not in ("百亿", "千亿", "万亿")):
        return None
    return chinese_to_number(literal)


def _unit_at(text: str, pos: int) -> tuple[str | None, int]:
    """The measure word at `pos` and the position after it.

    ("", pos) when no measure word follows (a bare figure, judged by the caller); ("大", pos + 1)
    for an X大 count, whose unit is empty; (None, pos) when what follows rules a quantity out.
    """
    lx = lexicon()
    m = lx.measure_re.match(text, pos)
    unit = m.group(0) if m else None
    x = lx.after_number_excludes_re.match(text, pos)
    exclude = x.group(0) if x else None
    if exclude and (unit is None or len(exclude) >= len(unit)):
        if exclude == "大":  # 三大赛 counts; 百亿大关 is a bare figure; 八大关 is a name
            return ("大", pos + 1) if _counted_da(text, pos) else ("", pos)
        return None, pos
    if unit is not None:
        if unit in lx.never:
            return None, pos
        return unit, pos + len(unit)
    return "", pos


def _counted_da(text: str, pos: int) -> bool:
    """三大赛, 七大现代服务业: X大 + noun counts named things (not 大型, 大力, 八大关)."""
    after = text[pos + 1:pos + 2]
    return bool(after) and _is_cjk(after) and after not in lexicon().not_after_da


def _bare_figure_allowed(text: str, pos: int, *, scaled: bool) -> bool:
    """A figure with no measure word counts when 以上/左右 qualify it, or 万/亿 scale it (百亿大关)."""
    return scaled or lexicon().qualifiers_after_re.match(text, pos) is not None


def _qualifier_before(text: str, start: int, current: str) -> str:
    if current != "=":
        return current
    window = text[max(0, start - 8):start]
    lx = lexicon()
    for m in reversed(list(lx.qualifiers_before_re.finditer(window))):
        word, at = m.group(0), m.start()
        q = lx.qualifier_of[word]
        gap = window[at + len(word):]
        if len(word) == 1:
            absolute = start - len(window) + at
            prev = text[absolute - 1] if absolute > 0 else ""
            if gap or (prev and prev in _WORD_BEFORE.get(word, "")):
                continue
        elif len(gap) > 3 or not all(_is_cjk(ch) for ch in gap):
            continue
        return q
    return current


_METRIC_LEAD = re.compile(r"^(?:其中|全市|累计|共|已|并|和|及|与|等|实现|完成|力争|确保|争取|达到|在)+")
_METRIC_TAIL = re.compile(r"(?:达到|达|为|至|提高到|提高至|增至|降至|到|超过|不少于|不低于|至少|突破|约|超|分别|均|共计|合计|总计|累计|的)+$")
_BRACKETED = re.compile(r"\([^()]*\)$")


def _strip_lead(words: str) -> str:
    """`words` without its leading 其中/全市/累计/… (what _METRIC_LEAD.sub would leave, in one match)."""
    m = _METRIC_LEAD.match(words)
    return words[m.end():] if m else words


def _head_start(text: str, head_end: int, *, cross: bool) -> int:
    i = head_end
    while i > 0 and head_end - i < 16:
        if cross and text[i - 1] == ")":  # a short bracket inside the name is part of it
            opening = text.rfind("(", max(0, i - 8), i - 1)
            if opening < 0 or ")" in text[opening:i - 1]:
                break
            i = opening
            continue
        if text[i - 1] in _DELIMS:
            break
        i -= 1
    return i


_NEXT_FIGURE = re.compile(rf"{_ARABIC}(?:万|亿)?[个所处条项家元台户人名座间场吨亩公平千米%]")
_HEAD_FIGURE = re.compile(rf"{_ARABIC}(?:万亿|千万|百万|亿|万)?")
_LIST_END = re.compile(r"(?:和|及|与|、|以及)+$")
_RANGE_LOW = re.compile(rf"{_ARABIC}[{_RANGE_SEP}]$")
_AND_END = re.compile(r"(?:和|以及)$")
_FROM_END = re.compile(r"[由从自]$")
_LEADING_BRACKET = re.compile(r"^\([^()]*\)")


def _own_head(text: str, i: int, head_end: int) -> str:
    """The words before a figure that name it, not a neighbour: a quoted name closed in them is taken
    whole (“全程网办、胶东通办”事项); a range's lower bound is dropped (示范区1—2处); after another
    figure (保障14个国控和6个省控断面, 符合24条产业链的项目150个) only what follows it, and with a list
    (建设10个A和36个B) or a from-value (标准由1000元提高至3000元) the words before the first figure."""
    head = text[i:head_end]
    if "”" in head and "“" not in head.split("”")[0]:
        opening = text.rfind("“", max(0, i - 30), i)
        if opening >= 0 and "”" not in text[opening:i]:
            head = text[opening:head_end]
    head = _RANGE_LOW.sub("", head)
    figures = [m for m in _HEAD_FIGURE.finditer(head)
               if _unit_at(head, m.end())[0] and head[m.end():m.end() + 1] not in _LATIN_GLUE] if _ARABIC_DIGIT.search(head) else []
    if not figures:  # A和132个B: the words before 和 name A
        return "" if _AND_END.search(head) and not _LIST_END.fullmatch(head) else head
    _, after = _unit_at(head, figures[-1].end())
    rest = head[after:]
    before = head[:figures[0].start()]
    if not _METRIC_TAIL.sub("", rest):  # 由1000元提高至3000元: the name is before the from-value
        return _FROM_END.sub("", before)
    if _LIST_END.search(rest):  # 建设10个A和36个B: B is named after its own figure; the verb is shared
        cut = i > 0 and text[i - 1] not in _DELIMS and head == text[i:head_end]
        return "" if cut else before  # a verb cut off by the length limit is no word
    return rest


def _metric(text: str, start: int, end: int) -> str:
    """The few printed words naming what is counted: the words before the number, joined by the
    noun after the measure word when the sentence names the thing there (开工建设10处城镇消防站)."""
    head_end = start
    # Step over a bracket right before the number: 除颤器(AED)300台 (only a `)` there can end one).
    while ")" in text[max(0, head_end - 2):head_end]:
        m = _BRACKETED.search(text, 0, head_end)
        if not m:
            break
        head_end = m.start()
    i = _head_start(text, head_end, cross=False)
    if i > 0 and text[i - 1] == ")" and not _METRIC_TAIL.sub("", _strip_lead(text[i:head_end])):
        i = _head_start(text, head_end, cross=True)  # 达标县(区)达到100%: the name goes on before the bracket
    head = _METRIC_TAIL.sub("", _strip_lead(_own_head(text, i, head_end)))
    j, limit = end, min(len(text), end + 14)
    while j < limit:
        ch = text[j]
        if ch == "(":  # 区(市)级示范片区: a short bracket inside the name
            close = text.find(")", j, j + 6)
            if close > 0:
                j = close + 1
                continue
        # …和6个省控: the next figure names its own (a figure starts with a digit: test that first).
        if ch in _DELIMS or (ch.isdigit() and _NEXT_FIGURE.match(text, j)):
            break
        j += 1
    tail = _METRIC_TAIL.sub("", _LIST_END.sub("", text[end:j]))
    if not head.strip() and tail.startswith("的"):  # 50%的村庄整村推进: the noun after 的 names it
        tail = tail[1:]
    tail = "" if not tail or tail[0] in "以已将的是" or not _is_cjk(tail[0]) else tail
    metric = (_strip_lead(head + tail) or head or tail).lstrip(".,、;:的")
    return _LEADING_BRACKET.sub("", metric)


def _attach_percents(text: str, found: list[Quantity], shares) -> None:
    for a, b, pcts, each, verb, base in shares:
        sentence_start = max(text.rfind(ch, 0, a) for ch in "。;") + 1
        before = [q for q in found if sentence_start <= q.start and q.end <= a and q.percent is None]
        if before and verb == "完成" and len(pcts) == 1 and not _measured_against(before[-1], base):
            before = []  # 已建成2处,完成年度任务的50%: a share of the whole task, a value of its own
        if not before:
            if len(pcts) == 1:  # 已完成年度目标任务的55%: a share alone is one % value of that percent
                found.append(Quantity(metric=_metric(text, a, b), value=pcts[0], unit="%", qualifier="=",
                                      start=a, end=b, literal=text[a:b], percent=pcts[0]))
                found.sort(key=lambda q: q.start)
            continue
        if len(pcts) == 1 and not each:
            before[-1].percent = pcts[0]
            continue
        counted = [q for q in before if q.unit] or before
        for q, p in zip(counted[-len(pcts):], pcts):
            q.percent = p
