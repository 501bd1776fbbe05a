"""HTML: one self-contained page (inline style, no scripts, no external resources), printable."""
from __future__ import annotations

from html import escape

from duban.bulletins.content import BulletinContent, TaskSection

STYLE = """
body{margin:0;background:#f4f4f4;color:#000;font:16pt/1.75 "FangSong_GB2312","仿宋_GB2312","FangSong","仿宋","STFangsong",serif}
main{max-width:210mm;margin:0 auto;padding:25mm 26mm 25mm 28mm;background:#fff;box-sizing:border-box}
.masthead{color:#c00;text-align:center;font:bold 30pt/1.4 "FZXiaoBiaoSong-B05S","方正小标宋简体","STZhongsong","华文中宋","SimSun",serif;letter-spacing:.3em;margin:0}
.issue{text-align:center;margin:.2em 0}
.meta{display:flex;justify-content:space-between;border-bottom:2px solid #c00;padding-bottom:.3em;margin-bottom:1em}
h1{text-align:center;font:22pt/1.5 "FZXiaoBiaoSong-B05S","方正小标宋简体","STZhongsong","华文中宋","SimSun",serif;margin:.8em 0}
h2,h3{font:16pt/1.75 "SimHei","黑体","STHeiti",sans-serif;margin:1em 0 .3em}
h3{font-family:"KaiTi_GB2312","楷体_GB2312","KaiTi","楷体",serif}
h4{font-size:16pt;margin:.8em 0 .2em}
p{margin:.2em 0;text-indent:2em}
ul{margin:.2em 0 .2em 2em;padding:0}
table{border-collapse:collapse;width:100%;font-size:12pt;line-height:1.5;margin:.5em 0}
th,td{border:1px solid #000;padding:2pt 4pt;vertical-align:top}
th{font-family:"SimHei","黑体",sans-serif;font-weight:normal}
.status{font-family:"SimHei","黑体",sans-serif}
.green{color:#176b2c}.yellow{color:#8a5a00}.red{color:#b00}.grey{color:#555}
p.item{text-indent:0;margin-left:2em}
.imprint{margin-top:2em;border-top:1px solid #000;border-bottom:1px solid #000;font-size:14pt}
.imprint p{text-indent:0;margin:.1em 1em}
.imprint p+p{border-top:.5px solid #000}
@media print{body{background:#fff}main{padding:0}}
""".strip()


def render_html(c: BulletinContent) -> str:
    """The whole page, self-contained (a download that opens anywhere)."""
    head = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(c.title)}({c.number_label})</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
            "<main>"]
    return "\n".join(head + body_parts(c) + ["</main>", "</body>", "</html>"]) + "\n"


def render_html_fragment(c: BulletinContent) -> str:
    """The bulletin's text for a page of the portal (styled there by bulletin.css under .bulletin-doc)."""
    return "\n".join(['<article class="bulletin-doc">', *body_parts(c), "</article>"])


def body_parts(c: BulletinContent) -> list[str]:
    h = c.headings
    parts = [
        '<p class="masthead">督查通报</p>', f'<p class="issue">{c.number_label}</p>',
        f'<div class="meta"><span>{escape(c.issuer)}</span><span>{c.date_line}</span></div>',
        f"<h1>{escape(c.title)}</h1>",
        f"<h2>{h['summary']}</h2>", f"<p>{escape(c.headline)}</p>", f"<h2>{h['tasks']}</h2>",
    ]
    section = None
    for t in c.tasks:
        if t.section and t.section != section:
            section = t.section
            parts.append(f"<h3>{escape(c.section_heading(section))}</h3>")
        parts += _task(t)
    parts.append(f"<h2>{h['lagging']}</h2>")
    if c.lagging:
        parts.append(_table(["序号", "任务", "牵头单位", "状态", "原因"],
                            [[r.number, r.content, r.lead_units, r.status, r.reason] for r in c.lagging]))
    else:
        parts.append("<p>本期无滞后事项。</p>")
    parts += [f"<h2>{h['ranking']}</h2>",
              _table(["名次", "牵头单位", "牵头任务", "已完成", "进展顺利", "滞后", "暂无数据", "得分"],
                     [[r.rank, r.unit, r.led, r.done, r.on_track, r.lagging, r.no_data, r.score] for r in c.ranking]),
              f"<p>{escape(c.scoring_note)}</p>", f"<h2>{h['changes']}</h2>", f"<p>{escape(c.changes[0])}</p>"]
    parts += [f"<p class=\"item\">{i}.{escape(line)}</p>" for i, line in enumerate(c.changes[1:], 1)]
    cc, issued = c.imprint
    parts.append('<footer class="imprint">' + (f"<p>{escape(cc)}</p>" if cc else "") + f"<p>{escape(issued)}</p></footer>")
    return parts


def _task(t: TaskSection) -> list[str]:
    out = [f'<section class="task" id="task-{escape(t.number)}">', f"<h4>{escape(t.heading)}</h4>",
           *([f"<p>{escape(t.detail)}</p>"] if t.detail else []), f"<p>{escape(t.units_line)}</p>",
           f'<p>目前进展为“<span class="status {escape(t.color)}">{escape(t.status)}</span>”'
           + (f",{escape(t.reason.rstrip('。'))}。" if t.reason.rstrip("。") else "。") + "</p>"]
    out += [f'<p class="item">({i}){escape(v.text)}</p>' for i, v in enumerate(t.values, 1)]
    out += [f"<p>{escape(t.progress_line)}</p>", "</section>"]
    return out


def _table(head: list[str], rows: list[list]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(x))}</td>" for x in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
