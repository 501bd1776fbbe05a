"""Markdown: the bulletin as plain text with headings, lists and pipe tables."""
from __future__ import annotations

import re

from duban.bulletins.content import BulletinContent, TaskSection

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def esc(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return "\\" + text if text.startswith(("#", "+", "-")) else text


def render_md(c: BulletinContent) -> str:
    h = c.headings
    out = [f"# {esc(c.title)}", "", f"{c.number_label} · {esc(c.issuer)} · {c.issued_label}", "",
           f"## {h['summary']}", "", esc(c.headline), "", f"## {h['tasks']}", ""]
    section = None
    for t in c.tasks:
        if t.section and t.section != section:
            section = t.section
            out += [f"### {esc(section)}", ""]
        out += _task(t)
    out += [f"## {h['lagging']}", ""]
    if c.lagging:
        out += ["| 序号 | 任务 | 牵头单位 | 状态 | 原因 |", "|---|---|---|---|---|"]
        out += [f"| {r.number} | {esc(r.content)} | {esc(r.lead_units)} | {r.status} | {esc(r.reason)} |" for r in c.lagging]
    else:
        out.append("本期无滞后事项。")
    out += ["", f"## {h['ranking']}", "", "| 名次 | 牵头单位 | 牵头任务 | 已完成 | 进展顺利 | 滞后 | 暂无数据 | 得分 |",
            "|---|---|---|---|---|---|---|---|"]
    out += [f"| {r.rank} | {esc(r.unit)} | {r.led} | {r.done} | {r.on_track} | {r.lagging} | {r.no_data} | {r.score} |"
            for r in c.ranking]
    out += ["", esc(c.scoring_note), "", f"## {h['changes']}", ""]
    out += [("- " + esc(line)) if i else esc(line) for i, line in enumerate(c.changes)]
    return "\n".join(out).rstrip() + "\n"


def _task(t: TaskSection) -> list[str]:
    out = [f"#### {esc(t.heading)}", ""] + ([esc(t.detail), ""] if t.detail else [])
    out += [esc(t.units_line), "", esc(t.status_line), ""]
    if t.values:
        out += [f"- {esc(v.text)}" for v in t.values] + [""]
    return out + [esc(t.progress_line), ""]
