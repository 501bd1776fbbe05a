"""Which kind of plan a document belongs to, and which city publishes it (pure)."""
from __future__ import annotations

import re

_GENRES = (
    ("practical", re.compile(r"市办实事|为民办实事|民生实事|办实事")),
    ("campaign", re.compile(r"攻坚行动|攻坚事项|集中攻坚")),
    ("key_work", re.compile(r"重点工作|重点任务|工作任务|工作要点")),
)
_CITY = re.compile(r"^(?:\d{4}年)?([\u4e00-\u9fff]{2,6}?市)(?!办|直|级|场|民|容|区)")


def genre_of(text: str) -> str:
    """practical (市办实事), campaign (攻坚行动), key_work (重点工作任务) or other — the earliest mention wins."""
    hits = [(m.start(), name) for name, pattern in _GENRES for m in [pattern.search(text)] if m]
    return min(hits)[1] if hits else "other"


def city_of(title: str, *, default: str) -> str:
    """The city a title names (青岛市深化…), else the installation's city."""
    m = _CITY.match(title or "")
    return m.group(1) if m else default
