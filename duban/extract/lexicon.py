"""The genre's word lists (words.toml), loaded once and shaped for the grammar."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Lexicon:
    measure: tuple[str, ...]          # longest first
    aliases: dict[str, str]
    not_after_chinese_numeral: frozenset[str]
    never: frozenset[str]
    qualifiers_before: tuple[tuple[str, str], ...]   # (word, qualifier), longest first
    qualifiers_after: tuple[tuple[str, str], ...]
    about_inside: tuple[str, ...]
    before_number_excludes: tuple[str, ...]
    after_number_excludes: tuple[str, ...]
    plan_share: tuple[str, ...]
    not_after_da: frozenset[str]
    condition_attributes: tuple[str, ...]
    measure_compounds: tuple[str, ...]
    one_counts: frozenset[str]
    build_verbs: tuple[str, ...]

    def unit_name(self, unit: str) -> str:
        return self.aliases.get(unit, unit)

    @cached_property
    def measure_re(self) -> re.Pattern:
        return _compiled(self.measure)

    @cached_property
    def after_number_excludes_re(self) -> re.Pattern:
        return _compiled(self.after_number_excludes)

    @cached_property
    def before_number_excludes_re(self) -> re.Pattern:
        return _compiled(self.before_number_excludes, suffix="$")

    @cached_property
    def qualifiers_before_re(self) -> re.Pattern:
        return _compiled(tuple(w for w, _ in self.qualifiers_before))

    @cached_property
    def qualifier_of(self) -> dict[str, str]:
        return dict(self.qualifiers_before)

    # The word lists tried in order at one position, as one alternation (the first word listed wins).
    @cached_property
    def qualifiers_after_re(self) -> re.Pattern:
        return _compiled(tuple(w for w, _ in self.qualifiers_after))

    @cached_property
    def qualifier_after_of(self) -> dict[str, str]:
        return dict(reversed(self.qualifiers_after))  # a word listed twice keeps its first tag

    @cached_property
    def about_inside_re(self) -> re.Pattern:
        return _compiled(self.about_inside)

    def compounds_beginning(self, unit: str) -> tuple[str, ...]:
        """The measure compounds that begin with `unit` (人 → 人才, …), looked up once per unit."""
        known = self._compounds
        if unit not in known:
            known[unit] = tuple(w for w in self.measure_compounds if w.startswith(unit))
        return known[unit]

    @cached_property
    def _compounds(self) -> dict[str, tuple[str, ...]]:
        return {}


@lru_cache(maxsize=16)
def _compiled(words: tuple[str, ...], suffix: str = "") -> re.Pattern:
    """An alternation that matches the longest word at a position (the words come longest first)."""
    return re.compile(f"(?:{alternation(words)}){suffix}")


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    # Read beside this file: no importlib.resources machinery (and zipfile) at start-up.
    data = tomllib.loads(Path(__file__).with_name("words.toml").read_text("utf-8"))
    u, q, c = data["units"], data["qualifiers"], data["context"]

    def tagged(mapping):
        pairs = [(w, tag) for tag, words in mapping for w in words]
        return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))

    return Lexicon(
        measure=_longest_first(u["measure"]),
        aliases=dict(u["aliases"]),
        not_after_chinese_numeral=frozenset(u["not_after_chinese_numeral"]),
        never=frozenset(u["never"]),
        qualifiers_before=tagged([(">=", q["at_least_before"]), ("<=", q["at_most_before"]), ("~", q["about_before"])]),
        qualifiers_after=tagged([(">=", q["at_least_after"]), ("<=", q["at_most_after"]), ("~", q["about_after"])]),
        about_inside=tuple(q["about_inside"]),
        before_number_excludes=_longest_first(c["before_number_excludes"]),
        after_number_excludes=_longest_first(c["after_number_excludes"]),
        plan_share=_longest_first(c["plan_share"]),
        not_after_da=frozenset(c["not_after_da"]),
        condition_attributes=_longest_first(c["condition_attributes"]),
        measure_compounds=tuple(c["measure_compounds"]),
        one_counts=frozenset(c["one_counts"]),
        build_verbs=_longest_first(c["build_verbs"]),
    )


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in words)
