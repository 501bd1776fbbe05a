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
    out = [f"# {esc(c.title)}", "", f"{c.number_label} · {esc(c.issuer)} · {c.date_line}", "",
           f"## {h['summary']}", "", esc(c.headline), "", f"## {h['tasks']}", ""]
    section = None
    for t in c.tasks:
        if t.section and t.section != section:
            section = t.section
            out += [f"### {esc(c.section_heading(section))}", ""]
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
    out += [esc(c.changes[0])] + [f"{i}\\. {esc(line)}" for i, line in enumerate(c.changes[1:], 1)]
    cc, issued = c.imprint
    out += ["", "---", ""] + ([esc(cc), ""] if cc else []) + [esc(issued)]
    return "\n".join(out).rstrip() + "\n"


def _task(t: TaskSection) -> list[str]:
    out = [f"#### {esc(t.heading)}", ""] + ([esc(t.detail), ""] if t.detail else [])
    out += [esc(t.units_line), "", esc(t.status_line), ""]
    if t.values:
        out += [f"({i}){esc(v.text)}  " for i, v in enumerate(t.values, 1)] + [""]
    return out + [esc(t.progress_line), ""]
