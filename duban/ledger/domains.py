"""A domain (领域) suggested for a task whose document names none, from the standard list in
domains.toml: the section heading's words count twice the task's own, the list's order breaks ties.
A suggestion is marked as such until the office confirms or changes it."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("domains.toml")


@cache
def standard_domains() -> dict[str, tuple[str, ...]]:
    """The standard list: each domain with the words that place a task there, in the list's order."""
    with _DATA.open("rb") as f:
        data = tomllib.load(f)
    return {name: tuple(entry["words"]) for name, entry in data.items()}


def suggest_domain(section: str, title: str, content: str) -> str:
    """The standard domain whose words the task's section and text hold most; "" when none does."""
    best, best_score = "", 0
    for name, words in standard_domains().items():
        score = sum(2 * section.count(w) + title.count(w) * 2 + content.count(w) for w in words)
        if score > best_score:
            best, best_score = name, score
    return best
