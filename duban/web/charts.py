"""Charts as inline SVG, drawn on the server: no script, no external library, readable without JS.

Colours come from the page's CSS variables through class names (`site.css`, the `.svgchart` rules);
every mark carries a `<title>` the browser shows as a tooltip; axis labels are in Chinese.
Functions return SVG text (already escaped) for a template to mark safe.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from duban.assess_format import fmt_date, fmt_number

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 18, 40
COLOR_ORDER = ("red", "yellow", "green", "grey")  # stacked bottom → top
COLOR_NAMES = {"red": "红", "yellow": "黄", "green": "绿", "grey": "灰", "none": "未评估"}


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def nice_step(value: float, n: int = 4) -> float:
    """A round tick step (1, 2 or 5 × 10^k) with which about `n` steps reach `value`."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    raw = value / n
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return step * power
    return 10 * power


def nice_max(value: float, n: int = 4) -> float:
    """The top of an axis: the first multiple of the tick step at or above `value`."""
    step = nice_step(value, n)
    return max(math.ceil(value / step - 1e-9), 1) * step


def _ticks(top: float, n: int = 4) -> list[float]:
    step = nice_step(top, n)
    count = round(top / step)
    return [round(step * i, 10) for i in range(count + 1)]


def _label(value: float, unit: str = "") -> str:
    return fmt_number(value, unit, approx=True)


def _svg(body: list[str], title: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (f'<svg class="svgchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _y_axis(top: float, unit: str, y_of, plot_right: float) -> list[str]:
    out = []
    for t in _ticks(top):
        y = y_of(t)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{_f(plot_right)}" y1="{_f(y)}" y2="{_f(y)}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end">{escape(_label(t))}</text>')
    if unit:
        out.append(f'<text class="axis-label" x="4" y="{TOP - 6}">({escape(unit)})</text>')
    return out


# ------------------------------------------------------------------------------ a colour bar


def color_bar(colors: dict[str, int]) -> str:
    """A horizontal bar split by colour (red, yellow, green, grey): an SVG of rects sized in percent
    (SVG attributes, not style attributes: the pages' CSP allows no inline style).
    Built here rather than in a template loop: the dashboard draws dozens of them."""
    total = sum(colors.get(c, 0) for c in COLOR_ORDER)
    label = ",".join(f"{COLOR_NAMES[c]}{colors.get(c, 0)}项" for c in COLOR_ORDER)
    rects, x = [], 0.0
    for c in COLOR_ORDER:
        if total and colors.get(c):
            width = 100 * colors[c] / total
            rects.append(f'<rect class="c-{c}" x="{x:.1f}" width="{width:.1f}" height="1">'
                         f"<title>{COLOR_NAMES[c]} {colors[c]} 项</title></rect>")
            x += width
    return (f'<svg class="stackbar" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" '
            f'aria-label="{label}">{"".join(rects)}</svg>')


# ------------------------------------------------------------------------------ the trend


def trend_chart(rows: list[dict], title: str = "各月末任务状态分布") -> str:
    """Stacked bars, one per month end: how many tasks were red, yellow, green, grey (and unassessed).

    rows: [{"date": date, "counts": {"red": n, …}, "unassessed": n}] as `queries.trend` gives."""
    if not rows:
        return ""
    totals = [sum(r["counts"].values()) + r.get("unassessed", 0) for r in rows]
    top = nice_max(max([*totals, 4]))  # whole tasks: at least 4, so the ticks are whole numbers
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / 12
    bar = slot * 0.62

    def y_of(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    body = _y_axis(top, "项", y_of, WIDTH - RIGHT)
    for r in rows:
        d: date = r["date"]
        x = LEFT + slot * (d.month - 1) + (slot - bar) / 2
        base = 0.0
        parts = [(c, r["counts"].get(c, 0)) for c in COLOR_ORDER] + [("none", r.get("unassessed", 0))]
        tip = f"{d.month}月末:" + ",".join(f"{COLOR_NAMES[c]} {n} 项" for c, n in parts if n or c != "none")
        body.append(f'<g class="bar-group"><title>{escape(tip)}</title>')
        for color, n in parts:
            if not n:
                continue
            y0, y1 = y_of(base), y_of(base + n)
            body.append(f'<rect class="c-{color}" x="{_f(x)}" y="{_f(y1)}" width="{_f(bar)}" '
                        f'height="{_f(max(y0 - y1, 0.5))}"><title>{escape(f"{d.month}月末 {COLOR_NAMES[color]}:{n} 项")}'
                        f'</title></rect>')
            base += n
        body.append("</g>")
    for month in range(1, 13):
        x = LEFT + slot * (month - 1) + slot / 2
        body.append(f'<text class="tick" x="{_f(x)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{month}月</text>')
    body.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y_of(0))}" y2="{_f(y_of(0))}"/>')
    body.append(f'<text class="axis-label" x="{_f(LEFT + plot_w / 2)}" y="{HEIGHT - 6}" text-anchor="middle">'
                f'月份(各月末)</text>')
    return _svg(body, title)


# ------------------------------------------------------------------------------ an indicator


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    label: str = ""  # shown in the tooltip
    counted: bool = True  # an approved report (drawn solid); others are hollow


def planned_points(target: float, checkpoints: list[tuple[date, float]], start: date, end: date,
                   accumulates: bool) -> list[tuple[date, float]]:
    """The planned trajectory: through (start, 0), each checkpoint and (end, target) for an
    accumulation; for a level, the checkpoints as steps ending at the target."""
    cps = sorted((d, v) for d, v in checkpoints if start <= d < end)
    if accumulates:
        points, highest = [], 0.0
        for d, v in [(start, 0.0), *cps, (end, target)]:
            highest = max(highest, v)  # a cumulative plan never goes down
            points.append((d, highest))
        return points
    steps: list[tuple[date, float]] = []
    for d, v in cps:
        steps.append((d, v))
    steps.append((end, target))
    return steps


def indicator_chart(*, metric: str, unit: str, target: float, accumulates: bool,
                    checkpoints: list[tuple[date, float]], observations: list[Point], start: date, end: date,
                    as_of: date | None = None, forecast: float | None = None) -> str:
    """The planned trajectory against what was reported, with a vertical line at the as-of date."""
    plan = planned_points(target, checkpoints, start, end, accumulates)
    values = [v for _, v in plan] + [p.value for p in observations] + [target]
    if forecast is not None and math.isfinite(forecast):
        values.append(forecast)
    top = nice_max(max(values) * 1.05 if values else 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max((end - start).days, 1)

    def x_of(d: date) -> float:
        return LEFT + plot_w * min(max((d - start).days, 0), span) / span

    def y_of(v: float) -> float:
        return TOP + plot_h - plot_h * max(min(v, top), 0) / top

    year = start.year
    body = _y_axis(top, unit, y_of, WIDTH - RIGHT)
    for month in range(1, 13):  # month starts along the x axis
        d = date(year, month, 1)
        if start <= d <= end:
            x = x_of(d)
            body.append(f'<line class="grid faint" x1="{_f(x)}" x2="{_f(x)}" y1="{TOP}" y2="{_f(y_of(0))}"/>')
            body.append(f'<text class="tick" x="{_f(x + plot_w / 24)}" y="{HEIGHT - BOTTOM + 16}" '
                        f'text-anchor="middle">{month}月</text>')
    body.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y_of(0))}" y2="{_f(y_of(0))}"/>')
    body.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{_f(y_of(0))}"/>')
    # target line
    body.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y_of(target))}" '
                f'y2="{_f(y_of(target))}"><title>{escape(f"年度目标 {fmt_number(target, unit)}")}</title></line>')
    # planned trajectory
    if accumulates:
        path = " ".join(f"{_f(x_of(d))},{_f(y_of(v))}" for d, v in plan)
    else:  # a level: steps, each checkpoint held until the next one
        coords, previous = [], None
        for d, v in plan:
            if previous is not None:
                coords.append(f"{_f(x_of(d))},{_f(y_of(previous))}")
            coords.append(f"{_f(x_of(d))},{_f(y_of(v))}")
            previous = v
        path = " ".join(coords)
    body.append(f'<polyline class="plan" points="{path}"><title>计划进度(序时进度)</title></polyline>')
    for d, v in plan:
        if (d, v) == (start, 0.0):
            continue
        body.append(f'<circle class="plan-point" cx="{_f(x_of(d))}" cy="{_f(y_of(v))}" r="3">'
                    f'<title>{escape(f"节点目标 {fmt_date(d, year)}:{fmt_number(v, unit)}")}</title></circle>')
    # what was reported
    counted = sorted((p for p in observations if p.counted), key=lambda p: p.day)
    if len(counted) > 1:
        path = " ".join(f"{_f(x_of(p.day))},{_f(y_of(p.value))}" for p in counted)
        body.append(f'<polyline class="actual" points="{path}"><title>实际完成</title></polyline>')
    for p in observations:
        tip = f"实际 {fmt_date(p.day, year)}:{fmt_number(p.value, unit)}" + (f"({p.label})" if p.label else "")
        cls = "actual-point" if p.counted else "actual-point pending"
        body.append(f'<circle class="{cls}" cx="{_f(x_of(p.day))}" cy="{_f(y_of(p.value))}" r="4.5">'
                    f'<title>{escape(tip)}</title></circle>')
    if forecast is not None and math.isfinite(forecast) and counted:
        last = counted[-1]
        body.append(f'<line class="forecast" x1="{_f(x_of(last.day))}" y1="{_f(y_of(last.value))}" '
                    f'x2="{_f(x_of(end))}" y2="{_f(y_of(forecast))}"><title>'
                    f'{escape(f"年末预测 {fmt_number(forecast, unit, approx=True)}")}</title></line>')
    if as_of is not None and start <= as_of <= end:
        x = x_of(as_of)
        body.append(f'<line class="asof" x1="{_f(x)}" x2="{_f(x)}" y1="{TOP}" y2="{_f(y_of(0))}">'
                    f'<title>{escape(f"评估日期 {fmt_date(as_of, year)}")}</title></line>')
        body.append(f'<text class="asof-label" x="{_f(x + 3)}" y="{TOP + 10}">截至{as_of.month}月{as_of.day}日</text>')
    body.append(f'<text class="axis-label" x="{_f(LEFT + plot_w / 2)}" y="{HEIGHT - 6}" text-anchor="middle">'
                f'{year}年(月份)</text>')
    return _svg(body, f"{metric}:计划进度与实际完成")
