"""Lists of organisations: split into groups and names, scope notes dropped, leads told from co-units.

Text here is normalised (script, punctuation) but its spaces are still open: in a table cell a
gap between two names separates groups (市住房城乡建设局(节能保暖工程) 市住房城乡建设局(老旧小区改造)),
while a gap inside a name is PDF noise (李沧区等区(市) 政府).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from duban.extract.labels import CO_ROLES, PERSON, ROLE
from duban.extract.normalize import close_spaces

# Words that end a name and so never begin one: a gap before them is inside a name.
_NAME_TAILS = ("政府", "人民政府", "局", "委", "办", "办公室", "部", "厅", "会", "站", "队", "支队", "所", "院",
               "中心", "公司", "集团", "管委", "管委会", "管理局", "委员会", "协会", "联合会", "分局", "支行", "银行")
_LIST_SEP = "、,,/"
_GROUP_SEP = ";;"
# How an organisation's name ends (局, 委, 政府, 集团, 支队, 单位 …) or a scope note closes it.
_NAME_END = set("局委办府部厅会站队所院心司团室行社馆台处组区县市园港场关署校军位门")
_TRAILING_NOTE = re.compile(r"\(([^()]{2,40})\)$")
_KEEP_NOTES = {"市", "区", "县", "区市", "区、市", "青岛", "集团"}
_WHITE = re.compile(r"\s")
_GAPS = re.compile(r"(\s+)")
_NAME_SEP = re.compile(r"[、,,/]")
_NAME_OR_GROUP_SEP = re.compile(r"[、,,/;;]")
_LAST_BRACKET = re.compile(r"\([^()]*\)$")
_BARE_LEVEL = re.compile(r"[区县市镇乡]|县级市|地级市")


@dataclass(slots=True)
class Units:
    leads: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)

    def add(self, lead: list[str], co: list[str]) -> None:
        for u in lead:
            if u not in self.leads:
                self.leads.append(u)
        for u in co:
            if u not in self.co:
                self.co.append(u)

    def settle(self) -> Units:
        """A unit that leads is not repeated among the co-units."""
        self.co = [u for u in self.co if u not in self.leads]
        return self


# A collective reference lists levels with 、 and stays one unit: 各镇、街道, 各有关区、县级市.
_LEVEL = r"(?:区|县|市|县级市|县市|区县|镇|乡|乡镇|街道|园区|开发区|功能区|管委会|社区|村)(?:政府|人民政府|党委|党工委)?"
_COLLECTIVE = re.compile(rf"各(?:有关|相关)?[^、,,;;()\s]{{1,8}}(?:、{_LEVEL}(?=$|[,,;;()\s]))+")
_JOINER = "\ue000"  # a private-use character: no text has it


def split_groups(text: str) -> list[list[str]]:
    """`市财政局、市自然资源和规划局,各区(市)政府 市发展改革委` → [[市财政局, 市自然资源和规划局, 各区(市)政府], [市发展改革委]]."""
    text = _COLLECTIVE.sub(lambda m: m.group(0).replace("、", _JOINER), text)
    groups: list[list[str]] = []
    for part in split_outside_brackets(text, _GROUP_SEP):
        for chunk in _split_on_gaps(part):
            names = [clean_name(n.replace(_JOINER, "、")) for n in split_outside_brackets(chunk, _LIST_SEP)]
            names = [n for n in names if n]
            if names:
                groups.append(names)
    return groups


def split_units(text: str) -> list[str]:
    seen: list[str] = []
    for group in split_groups(text):
        for name in group:
            if name not in seen:
                seen.append(name)
    return seen


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on any of `separators` except inside brackets: 市住房城乡建设局(未贯通道路、过街设施) stays whole."""
    parts, depth, start = [], 0, 0
    for m in _marks(separators).finditer(text):  # only the brackets and separators, not every character
        ch = m.group()
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append(text[start:m.start()])
            start = m.end()
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


@cache
def _marks(separators: str) -> re.Pattern:
    return re.compile("[" + re.escape("(（[【)）]】" + separators) + "]")


def _split_on_gaps(text: str) -> list[str]:
    if not _WHITE.search(text.strip()):  # no gap: one piece (the common case)
        return [text.strip()] if text.strip() else []
    pieces, current = [], ""
    for token in _GAPS.split(text.strip()):
        if not token:
            continue
        if token.isspace():
            current += " "
            continue
        if current.endswith(" ") and _gap_separates(current.rstrip(), token):
            pieces.append(current.rstrip())
            current = token
        else:
            current = current.rstrip() + token if current.endswith(" ") else current + token
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _gap_separates(left: str, right: str) -> bool:
    """A gap (space or line break) separates groups only between two whole names: a name wrapped
    in a PDF cell (市人力资源社会 / 保障局) or broken by a stray space (区(市) 政府) is one name."""
    if not left or left[-1] in "、,,(/" or right[0] in "、,,)/":
        return False
    last_name = _NAME_SEP.split(left)[-1]
    next_name = _NAME_OR_GROUP_SEP.split(right)[0]
    if len(last_name) < 3 or len(next_name) < 3:  # 市 / 住房城乡建设局, 市卫生健康委 / 员会
        return False
    if last_name[-1] not in _NAME_END and last_name[-1] != ")":
        return False
    return not right.startswith(_NAME_TAILS)


def clean_name(name: str) -> str:
    """One organisation as printed: spaces closed, a trailing scope note `(节能保暖工程)` and 等 dropped."""
    name = close_spaces(name).strip(" .。;:")
    m = _TRAILING_NOTE.search(name)
    # 各区县政府(南太湖新区、长合区管委会): the bracket widens a collective unit, it is no scope note.
    if m and m.group(1) not in _KEEP_NOTES and m.start() > 0 and not name.startswith("各"):
        name = name[: m.start()]
    if name.endswith("等") and len(name) > 3:
        name = name[:-1]
    return name


_VERB_ROLES = re.compile(r"^(?P<lead>[^;;]+?)牵头(?:负责)?(?:[,,;;]\s*(?P<co>[^;;]+?)(?:配合|参与|协办|协同|按职责分工负责))?[。]?$")
LEAD_NOTE = re.compile(r"\((?:牵头|牵头单位|主责)\)")


# A lead convention stated in a note: (列第一位的为工作牵头单位或汇总单位,下同), 排在第一位的为牵头单位.
FIRST_LEADS_NOTE = re.compile(r"(?:列|排|排在|位列|名列)?(?:第一位|首位|第一个|排名第一)的?(?:单位)?(?:为|是)[^()]{0,12}牵头")
_CONVENTION_BRACKET = re.compile(r"\(([^()]*(?:第一位|首位|第一个|排名第一)[^()]*牵头[^()]*)\)")


def strip_convention(text: str) -> tuple[str, str | None]:
    """`…、各区县政府(列第一位的为牵头单位,下同)` → the units without the note, and the note."""
    m = _CONVENTION_BRACKET.search(text)
    if m is None:
        return text, None
    return text[:m.start()] + text[m.end():], m.group(1)


def parse_roles(text: str, *, first_leads: bool = False) -> Units | None:
    """`牵头单位:市科技局,参与单位:青岛蓝谷管理局`, `市科技局牵头,市财政局配合` or
    `市教育局(牵头)、市财政局` → leads and co-units; None when no role is named. With
    `first_leads` (a convention the document stated), the first unit of a 责任单位 list leads."""
    person = PERSON.search(text)
    if person:  # a person field ends the units
        text = text[:person.start()]
    marks = list(ROLE.finditer(text))
    if not marks:
        return _verb_roles(text.strip())
    # When 牵头单位 and 责任单位 both appear, the 责任单位 co-operate.
    has_lead = any(m.group(1).startswith("牵头") or m.group(1) == "主责单位" for m in marks)
    units = Units()
    for i, m in enumerate(marks):
        body = text[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        body = body.strip(" ,,;;。")
        role = m.group(1)
        if role in CO_ROLES or (has_lead and role.startswith("责任")):
            units.add([], split_units(body))
        elif LEAD_NOTE.search(body):
            found = leads_by_note(body)
            units.add(found.leads, found.co)
        elif first_leads:
            found = leads_by_first(body)
            units.add(found.leads, found.co)
        else:
            units.add(split_units(body), [])
    return units.settle()


def _verb_roles(text: str) -> Units | None:
    m = _VERB_ROLES.match(text)
    if m:
        units = Units()
        units.add(split_units(m.group("lead")), split_units(m.group("co") or ""))
        return units.settle()
    if LEAD_NOTE.search(text):
        return leads_by_note(text)
    return None


def leads_by_note(text: str) -> Units:
    """`市教育局(牵头)、市财政局`: the unit marked (牵头) leads, the rest co-operate."""
    units = Units()
    for group in split_groups(LEAD_NOTE.sub("#LEAD#", text)):
        for name in group:
            if name.endswith("#LEAD#"):
                units.add([name.removesuffix("#LEAD#")], [])
            else:
                units.add([], [name.replace("#LEAD#", "")])
    return units.settle()


def leads_by_first(text: str) -> Units:
    """When the document says the lead is marked but the mark is lost (plain text): the units
    before the first `;` lead; with no `;`, the first listed unit leads."""
    units = Units()
    groups = split_outside_brackets(text, ";;")
    if len(groups) > 1:
        head, tail = groups[0], ";".join(groups[1:])
        units.add(split_units(head), split_units(tail))
    else:
        names = split_units(text)
        units.add(names[:1], names[1:])
    return units.settle()


def leads_by_bold(text: str, bold: tuple[str, ...]) -> Units:
    """Bold units lead (责任单位(加粗字体为牵头单位)); the others co-operate."""
    bold_text = "".join(close_spaces(b) for b in bold)
    units = Units()
    for name in split_units(text):
        if name and name in bold_text:
            units.add([name], [])
        else:
            units.add([], [name])
    return units.settle()


def trailing_bracket(text: str) -> tuple[int, int] | None:
    """The span of the bracket that closes `text` (before a final 。), nested brackets allowed."""
    end = len(text.rstrip().rstrip("。").rstrip())
    if not end or text[end - 1] != ")":
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i, end
    return None


# How the name of an organisation ends; a unit without one of these is doubtful (a person, a fragment).
_ORG_SUFFIXES = ("局", "委", "办", "府", "部", "厅", "会", "站", "队", "所", "院", "中心", "公司", "集团", "室", "行", "社",
                 "馆", "台", "处", "组", "区", "县", "市", "园", "港", "场", "关", "署", "校", "街道", "镇", "乡", "单位",
                 "部门", "联", "团", "协", "指挥部", "管委会", "法院", "检察院", "军", "司", "科", "厂", "矿", "报", "网")


def looks_like_organisation(name: str) -> bool:
    """`市住建局`, `各镇、街道`, `水务集团` are organisations; `徐国江`, `鄞州` and `县级市` are not."""
    name = _LAST_BRACKET.sub("", close_spaces(name))
    if len(name) < 2:
        return False
    if name.startswith(("各", "相关", "有关")):
        return True
    return name.endswith(_ORG_SUFFIXES) and not _BARE_LEVEL.fullmatch(name)
