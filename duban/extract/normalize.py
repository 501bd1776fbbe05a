"""Text normalisation: Traditional→Simplified, pinyin ruby noise, stray spaces, punctuation.

Kept separate from the grammar so that every shape sees the same clean text; white space
between Chinese characters is closed by `close_spaces`, which shapes call once they no longer
need the gaps (a unit list uses its gaps to separate groups).
"""
from __future__ import annotations

import re
from functools import lru_cache

# Full-width forms of ASCII punctuation become ASCII, as the genre's web copies print them
# (and as NFKC would); 。、“”《》 stay: they have no ASCII twin.
_PUNCT = str.maketrans({
    "（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "！": "!", "？": "?",
    "［": "[", "］": "]", "％": "%", "＋": "+", "－": "-", "／": "/", "＊": "*",
    "\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
    "\ufeff": "", "\r": "", "﹐": ",", "﹔": ";", "﹕": ":", "〔": "〔", "∶": ":",
    "‘": "‘", "’": "’", "＂": "\"", "〜": "~", "～": "~", "﹪": "%",
})
# Full-width digits and Latin letters → ASCII.
_PUNCT.update({0xFF10 + i: chr(ord("0") + i) for i in range(10)})
_PUNCT.update({0xFF21 + i: chr(ord("A") + i) for i in range(26)})
_PUNCT.update({0xFF41 + i: chr(ord("a") + i) for i in range(26)})

# A pinyin syllable in brackets after a character: 辦實(shí)事. The tone marks make it certain;
# unmarked syllables count only when the document is full of marked ones.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_RUBY = re.compile(r"(?:(?<=[\u3400-\u9fff])|^)\(([a-zü" + _TONED + r"]{1,6})\)", re.MULTILINE)
_TONED_RE = re.compile("[" + _TONED + "]")
# What every ruby match contains: a text without it has nothing to strip (found by a fast literal scan).
_RUBY_CANDIDATE = re.compile(r"\(([a-zü" + _TONED + r"]{1,6})\)")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"。,、;:?!“”‘’《》()\[\]【】〔〕—…·%"
# Spaces between Chinese (or its punctuation) and Chinese, digits or punctuation are noise;
# a space beside a Latin word (使用 AED 设备) is the author's and stays.
_HAN = rf"[{_CJK}{_CJK_PUNCT}]"
# (The leading look-ahead lets the scan pass every non-space in one test.)
_SPACE_BETWEEN = re.compile(
    rf"(?=\s)(?:(?<={_HAN})\s+(?=[{_CJK}{_CJK_PUNCT}\d.,;:])|(?<=[{_CJK}{_CJK_PUNCT}\d.,;:])\s+(?={_HAN}))")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported on first use: the converter loads its dictionaries once

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


_NEEDS_PUNCT = re.compile("[" + re.escape("".join(chr(k) for k in _PUNCT)) + "]")


_REPLACEMENT = {chr(k): v if isinstance(v, str) else chr(v) for k, v in _PUNCT.items()}
# No replacement is itself replaced (they are ASCII, or the character itself): the order does not matter.
assert not any(v != k and v in _REPLACEMENT for k, v in _REPLACEMENT.items())


def unify_punctuation(text: str) -> str:
    # str.translate looks up every character of a Chinese text in a dict; replacing the few distinct
    # marks present, each in one fast scan, gives the same text ten times faster.
    for ch in set(_NEEDS_PUNCT.findall(text)):
        text = text.replace(ch, _REPLACEMENT[ch])
    return text


def strip_ruby(text: str, *, aggressive: bool | None = None) -> str:
    """Remove bracketed pinyin left by a ruby-annotated page copy; real brackets survive."""
    if "(" not in text or not _RUBY_CANDIDATE.search(text):
        return text
    if aggressive is None:
        aggressive = len(_TONED_RE.findall(text)) >= 5

    def drop(m: re.Match) -> str:
        syllable = m.group(1)
        return "" if aggressive or _TONED_RE.search(syllable) else m.group(0)

    return _RUBY.sub(drop, text)


# Remnants of a crude Traditional conversion: `?jiǎn)` where the opening bracket was eaten (the ?
# stays: the lost character is not guessed), and doubled marks (`,、` `,;` `,,` `,。` → the second).
_EATEN_RUBY = re.compile(r"\?([a-zü" + _TONED + r"]{1,6})\)")
_DOUBLED = re.compile(r",(?=[、;,。])")


def repair_garble(text: str) -> str:
    if "?" in text:
        text = _EATEN_RUBY.sub("?", text)
    return _DOUBLED.sub("", text) if ",," in text or ",、" in text or ",;" in text or ",。" in text else text


def close_spaces(text: str) -> str:
    """Remove white space and line breaks next to Chinese characters or punctuation (PDF copying, wrapped cells)."""
    if " " not in text and "\n" not in text and "\t" not in text:
        return text  # most texts have no gap at all: no regex pass
    return _SPACE_BETWEEN.sub("", text).strip()


def normalize(text: str, *, ruby: bool | None = None) -> str:
    """Script, punctuation and ruby; spaces are kept (see `close_spaces`)."""
    text = unify_punctuation(text)
    text = strip_ruby(text, aggressive=ruby)
    return to_simplified(repair_garble(text))


# Joins a document's texts for one pass: no step of `normalize` matches across it (no OpenCC phrase,
# punctuation pair or bracketed syllable holds a line break), and no text of a document has it.
_SEPARATOR = "\n\ue001\n"


def normalize_all(texts: list[str], *, ruby: bool) -> list[str]:
    """`normalize` of each text, in one pass over them all: OpenCC costs mostly per call."""
    if len(texts) > 1 and not any("\ue001" in t for t in texts):
        parts = normalize(_SEPARATOR.join(texts), ruby=ruby).split(_SEPARATOR)
        if len(parts) == len(texts):
            return parts
    return [normalize(t, ruby=ruby) for t in texts]


def has_ruby(text: str) -> bool:
    """Whether a whole document is ruby-annotated (decided once, applied to every line)."""
    # unify_punctuation neither adds nor removes a tone mark: they are counted in the text as it is.
    return len(_TONED_RE.findall(text)) >= 5 and bool(_RUBY.search(unify_punctuation(text)))
