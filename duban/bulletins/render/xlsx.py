"""Excel (.xlsx): a summary sheet (总体情况, lagging list, unit ranking, changes) and a per-task sheet
with one row per value and its 占年计划 percentage as a number."""
from __future__ import annotations

import io
import re
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from duban.bulletins.content import BulletinContent

_THIN = Side(style="thin", color="808080")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD = Font(name="黑体", bold=True)
BODY = Font(name="仿宋")
WRAP = Alignment(wrap_text=True, vertical="top")
FILL = {"green": "E2F0D9", "yellow": "FFF2CC", "red": "F8CBAD", "grey": "EDEDED"}
_PCT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")


def render_xlsx(c: BulletinContent) -> bytes:
    wb = Workbook()
    _summary(wb.active, c)
    _tasks(wb.create_sheet("任务进展"), c)
    when = datetime.combine(c.issued_on, time(0))
    wb.properties.creator = wb.properties.lastModifiedBy = c.issuer
    wb.properties.title = c.title
    wb.properties.created = wb.properties.modified = when
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary(ws, c: BulletinContent) -> None:
    ws.title = "总体情况"
    ws.append([c.title])
    ws.append([f"{c.number_label}  {c.issuer}  {c.date_line}"])
    ws.append([c.headline])
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws.merge_cells("A1:H1")
    ws.merge_cells("A2:H2")
    ws.merge_cells("A3:H3")
    ws["A3"].alignment = WRAP
    ws.row_dimensions[3].height = 36
    ws.append([])
    _block(ws, ["任务总数", "已完成", "进展顺利", "滞后", "暂无数据"],
           [[c.counts["total"], c.counts["done"], c.counts["on_track"], c.counts["lagging"], c.counts["no_data"]]])
    ws.append([])
    ws.append([c.headings["ranking"]])
    ws.cell(ws.max_row, 1).font = HEAD
    _block(ws, ["名次", "牵头单位", "牵头任务", "已完成", "进展顺利", "滞后", "暂无数据", "得分"],
           [[_num(r.rank), r.unit, r.led, r.done, r.on_track, r.lagging, r.no_data, _num(r.score)] for r in c.ranking])
    ws.append([])
    ws.append([c.headings["lagging"]])
    ws.cell(ws.max_row, 1).font = HEAD
    if c.lagging:
        _block(ws, ["序号", "任务", "牵头单位", "状态", "原因"],
               [[r.number, r.content, r.lead_units, r.status, r.reason] for r in c.lagging])
    else:
        ws.append(["本期无滞后事项。"])
    ws.append([])
    ws.append([c.headings["changes"]])
    ws.cell(ws.max_row, 1).font = HEAD
    for line in c.changes:
        ws.append([line])
    for col, width in zip("ABCDEFGH", (10, 40, 12, 12, 40, 10, 10, 10)):
        ws.column_dimensions[col].width = width


def _block(ws, head: list[str], rows: list[list]) -> None:
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font, cell.border = HEAD, BOX
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.font, cell.border, cell.alignment = BODY, BOX, WRAP


def _tasks(ws, c: BulletinContent) -> None:
    head = ["序号", "任务内容", "牵头单位", "协办单位", "状态", "状态说明", "指标", "完成值", "占年计划", "年度目标",
            "进展情况"]
    ws.append(head)
    for cell in ws[1]:
        cell.font, cell.border, cell.alignment = HEAD, BOX, Alignment(horizontal="center", vertical="center")
    for t in c.tasks:
        lines = t.values or (None,)
        for v in lines:
            ws.append([t.number, t.content, "、".join(t.lead_units), "、".join(t.co_units), t.status, t.reason,
                       v.metric if v else "", v.value if v else "", _fraction(v.percent) if v else None,
                       v.target if v else "", t.progress_line])
            row = ws[ws.max_row]
            for cell in row:
                cell.font, cell.border, cell.alignment = BODY, BOX, WRAP
            row[8].number_format = "0.0%"
            row[4].fill = PatternFill("solid", fgColor=FILL.get(t.color, "FFFFFF"))
    for i, width in enumerate((6, 48, 20, 20, 11, 40, 24, 14, 10, 14, 60), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{ws.max_row}"


def _fraction(text: str | None) -> float | None:
    m = _PCT.match(text or "")
    return round(float(m.group(1)) / 100, 6) if m else None


def _num(text: str):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text
