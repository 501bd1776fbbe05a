"""argparse in Chinese: the frame of `duban --help` and of its errors (usage, sections, the messages
for a missing or wrong argument). argparse looks its words up through the module's `_` and
`ngettext` at the moment it writes them, so `install()` points those at the table below."""
from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "用法:",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s:错误:%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数:%s",
    "unrecognized arguments: %s": "无法识别的参数:%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择:%(value)r(可选:%(choices)s)",
    "invalid %(type)s value: %(value)r": "无效的%(type)s:%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s:%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义,可能是:%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”:%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r(可选:%(choices)s)",
    "unexpected option string: %s": "意外的选项:%s",
}
PLURALS = {"expected %s argument": "需要 %s 个值", "expected %s arguments": "需要 %s 个值"}
# `invalid %(type)s value`: argparse names the converter function
TYPES = {"int": "整数", "float": "数字", "_date": "日期", "str": "文字"}


def _(message: str) -> str:
    return WORDS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Chinese (subparsers are of the same class)."""

    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as e:
            name = getattr(action.type, "__name__", "")
            if name in TYPES and e.message.startswith("无效的" + name):
                e.message = e.message.replace("无效的" + name, "无效的" + TYPES[name], 1)
            raise


def install() -> None:
    """Point argparse's word lookup at the Chinese table (the `duban` process only)."""
    argparse._ = _
    argparse.ngettext = ngettext
