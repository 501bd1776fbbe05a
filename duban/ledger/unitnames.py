"""Alias rules for organisation names: one key for every spelling of one unit (pure, no database).

市住房城乡建设局 / 市住房和城乡建设局 / 青岛市住房和城乡建设局 → 市住房城乡建设局
市消防救援支队 / 消防救援支队                                     → 消防救援支队
各区(市)政府 / 各区(市)人民政府                                   → 各区(市)政府
"""
from __future__ import annotations

import re
import unicodedata

_DEPARTMENT_END = re.compile(r"(局|委|委员会|办|办公室|厅|支队|大队|中心|管委|管委会|服务中心)$")
_ENTERPRISE = re.compile(r"(集团|公司|银行|支行|分行)$")
_DISTRICT = re.compile(r"(区|县|市)(人民)?政府$|(区|县)$|管委会?$|各区\(市\)|各区市|街道|镇$")


def unit_key(name: str, *, city: str = "青岛市") -> str:
    """The matching key: NFKC, no spaces, 人民政府 → 政府, 和 dropped inside a department's name,
    the city's name and a leading 市 dropped before a department."""
    key = "".join(unicodedata.normalize("NFKC", name).split()).rstrip("等")
    if city and key.startswith(city) and len(key) > len(city) + 1:
        key = "市" + key[len(city):]
    key = key.replace("人民政府", "政府")
    if _DEPARTMENT_END.search(key):
        key = key.replace("和", "")
        if key.startswith("市") and not key.startswith(("市南", "市北", "市委", "市政府")):
            key = key[1:]
    return key


def unit_kind(name: str) -> str:
    if _ENTERPRISE.search(name):
        return "enterprise"
    if _DISTRICT.search(name):
        return "district"
    if name.startswith(("市", "青岛市")) or _DEPARTMENT_END.search(name):
        return "department"
    return "other"
