"""The task list as a table that leaves the browser: rows in the layout of the plan tables (序号, 任务,
牵头单位, 配合单位, 目标) plus the stored status, its reason and the latest approved progress, and the
same rows written as an .xlsx workbook.

`task_rows(tasks)` takes any ordered queryset of tasks (the office's list as filtered) and reads it in
chunks, a few queries per chunk, never one per task; `write_task_table(rows, stream, title=...)` writes
them with openpyxl's write-only workbook, so a list of tens of thousands of tasks stays in little memory.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from duban.assess_format import fmt_number
from duban.ledger.assessment import COUNTED_STATES
from duban.ledger.models import Indicator, ProgressReport, Responsibility, Task

HEADERS = ("序号", "任务", "牵头单位", "配合单位", "目标", "状态", "原因", "最新进展", "进展截至", "计划")
WIDTHS = (7, 50, 22, 30, 26, 10, 40, 50, 12, 30)
CHUNK = 1000
UNASSESSED = "未评估"
QUALIFIER_WORDS = {">=": "以上", "<=": "以内", "~": "左右"}
STATUS_FILLS = {"red": "FED7D7", "yellow": "FEFCBF", "green": "C6F6D5", "grey": "E2E8F0"}

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEAD_FONT = Font(name="黑体", bold=True)
_BODY_FONT = Font(name="仿宋")
_TITLE_FONT = Font(name="方正小标宋简体", size=16)


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    number: str
    task: str
    lead: str
    co: str
    targets: str
    status: str
    color: str
    reason: str
    progress: str
    progress_as_of: dt.date | None
    plan: str

    def cells(self) -> tuple:
        return (self.number, self.task, self.lead, self.co, self.targets, self.status, self.reason, self.progress,
                self.progress_as_of, self.plan)


def target_text(metric: str, target: float, unit: str, qualifier: str) -> str:
    """城镇新增就业 35万人以上."""
    return f"{metric} {fmt_number(target, unit)}{QUALIFIER_WORDS.get(qualifier, '')}".strip()


def task_rows(tasks: QuerySet) -> Iterator[TaskRow]:
    """The rows of `tasks`, in its order."""
    ids: list[int] = []
    for pk in tasks.values_list("pk", flat=True).iterator(chunk_size=CHUNK):
        ids.append(pk)
        if len(ids) == CHUNK:
            yield from _chunk_rows(ids)
            ids = []
    if ids:
        yield from _chunk_rows(ids)


def _chunk_rows(ids: list[int]) -> list[TaskRow]:
    by_id = {t.pk: t for t in Task.objects.filter(pk__in=ids).select_related("plan")
             .only("pk", "number", "title", "content", "status", "status_color", "status_reason",
                   "plan__title", "plan__year", "plan__genre")}
    units = _units(ids)
    targets = _targets(ids)
    latest = _latest_reports(ids)
    rows = []
    for pk in ids:
        t = by_id.get(pk)
        if t is None:  # deleted while the list was read
            continue
        lead, co = units.get(pk, ("", ""))
        report = latest.get(pk)
        rows.append(TaskRow(
            task_id=pk, number=t.number, task=f"{t.title}:{t.content}" if t.title else t.content,
            lead=lead, co=co, targets="\n".join(targets.get(pk, [])), status=t.status or UNASSESSED,
            color=t.status_color or "grey", reason=t.status_reason, progress=report.text.strip() if report else "",
            progress_as_of=report.as_of if report else None, plan=f"{t.plan.year} · {t.plan}"))
    return rows


def _units(ids: list[int]) -> dict[int, tuple[str, str]]:
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "co": []})
    for task_id, role, name, note in (Responsibility.objects.filter(task_id__in=ids)
                                      .order_by("task_id", "role", "order", "pk")
                                      .values_list("task_id", "role", "unit__name", "scope_note")):
        names[task_id]["lead" if role == Responsibility.Role.LEAD else "co"].append(f"{name}({note})" if note else name)
    return {pk: ("、".join(n["lead"]), "、".join(n["co"])) for pk, n in names.items()}


def _targets(ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for task_id, metric, target, unit, qualifier in (
            Indicator.objects.filter(task_id__in=ids, implied=False).order_by("task_id", "order", "pk")
            .values_list("task_id", "metric", "target", "unit", "qualifier")):
        out[task_id].append(target_text(metric, target, unit, qualifier))
    return out


def _latest_reports(ids: list[int]) -> dict[int, ProgressReport]:
    """Each task's latest approved report (by its date, then by when it was filed): one row per task."""
    newest = (ProgressReport.objects.filter(task_id=OuterRef("pk"), state__in=COUNTED_STATES)
              .order_by("-as_of", "-created_at", "-pk").values("pk")[:1])
    report_ids = [r for r in Task.objects.filter(pk__in=ids).annotate(r=Subquery(newest)).values_list("r", flat=True)
                  if r is not None]
    reports = ProgressReport.objects.filter(pk__in=report_ids).only("pk", "task_id", "as_of", "text")
    return {r.task_id: r for r in reports}


def write_task_table(rows: Iterable[TaskRow], stream, *, title: str, subtitle: str = "") -> int:
    """Write `rows` as an .xlsx to `stream` (a title row, an optional subtitle row, the header, one row per
    task); the number of task rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("任务清单")
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C4" if subtitle else "C3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3" if subtitle else "2:2"
    styles = _Styles(ws)
    ws.append([styles.cell(title, "title")])
    if subtitle:
        ws.append([styles.cell(subtitle, "subtitle")])
    ws.append([styles.cell(h, "head") for h in HEADERS])
    status_at, date_at = HEADERS.index("状态"), HEADERS.index("进展截至")
    n = 0
    for row in rows:
        cells = [styles.cell(v, "body") for v in row.cells()]
        cells[status_at] = styles.cell(row.status, row.color if row.color in STATUS_FILLS else "grey")
        cells[date_at] = styles.cell(row.progress_as_of, "date")
        ws.append(cells)
        n += 1
    wb.save(stream)
    return n


class _Styles:
    """Cells of a few fixed styles. Styling a cell hashes its font, border and alignment each time (most
    of an export's time); a cell copied from a styled prototype's style array costs nothing more."""

    def __init__(self, ws):
        self.ws = ws
        self.protos = {
            "title": self._proto(_TITLE_FONT, Alignment(vertical="center")),
            "subtitle": self._proto(_BODY_FONT, Alignment(vertical="center")),
            "head": self._proto(_HEAD_FONT, _CENTER, _BOX),
            "body": self._proto(_BODY_FONT, _WRAP, _BOX),
            "date": self._proto(_BODY_FONT, _WRAP, _BOX, number_format="yyyy-mm-dd"),
            **{color: self._proto(_BODY_FONT, _WRAP, _BOX, fill=PatternFill("solid", fgColor=rgb))
               for color, rgb in STATUS_FILLS.items()},
        }

    def _proto(self, font, align, border=None, *, fill=None, number_format=None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        cell.font, cell.alignment = font, align
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        return cell

    def cell(self, value, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=None if value == "" else value)
        cell._style = copy(self.protos[style]._style)
        return cell
