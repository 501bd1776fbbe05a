"""Input that every app reads the same way (a form, a template, the API, the command line): amounts
as people write them. A wrong one raises `duban.errors.InvalidInput` with a message in Chinese."""
from __future__ import annotations

import re
from dataclasses import dataclass

from duban.errors import InvalidInput
from duban.extract.lexicon import lexicon

_AMOUNT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(万亿|亿|千万|百万|万)?\s*(\S*)\s*$")
_SCALE = {"万": 1e4, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万亿": 1e12, None: 1}


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str | None  # None when only a number was given


def parse_amount(text: str) -> Amount:
    """`15万` → 150000, `36.61万人` → 366100 人, `75%` → 75 %."""
    m = _AMOUNT.match(text or "")
    if not m:
        raise InvalidInput(f"无法识别的数值“{text}”(例:15万、36.61万人、75%)")
    unit = m.group(3) or None
    return Amount(float(m.group(1)) * _SCALE[m.group(2)], lexicon().unit_name(unit) if unit else None)
