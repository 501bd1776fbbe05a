"""The ledger as spreadsheets, both ways.

- `export_plan_xlsx`: a plan in the layout of the published plan tables (title row, then 序号 / 实施内容 /
  牵头单位 / 协办单位 / 实施计划), with progress columns and the status; `duban import` reads it back into
  the same tasks, units, indicators, milestones and checkpoints.
- `progress_template_xlsx` / `read_progress_template`: a unit's progress form, one row per indicator of the
  tasks it leads or co-operates on, pre-filled; read back with every problem named by its row.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from duban.assess_format import fmt_number, plain
from duban.core.inputs import parse_amount
from duban.errors import InvalidInput, TemplateProblems
from duban.extract.dates import month_end
from duban.extract.lexicon import lexicon
from duban.ledger.assessment import COUNTED_STATES, assess_tasks
from duban.ledger.milestones import DoneClaim
from duban.ledger.models import Indicator, Milestone, Observation, Plan, ProgressReport, Responsibility, Task, Unit
from duban.ledger.services import ABSURD_FACTOR

_THIN = Side(style="thin", color="808080")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEAD_FONT = Font(name="黑体", bold=True)
BODY_FONT = Font(name="仿宋")
FILL_IN = PatternFill("solid", fgColor="FFF2CC")

# ---------------------------------------------------------------- the plan, in the layout of the plan tables

PROGRESS_HEADERS = ["截至日期", "进展情况", "完成值", "占年计划", "状态"]


def _stated_domain(task: Task) -> str:
    return "" if task.domain_suggested else task.domain


def export_plan_xlsx(plan: Plan, path_or_stream, *, as_of: dt.date | None = None, with_progress: bool = True) -> None:
    """Write `plan` as an .xlsx plan table. With `as_of`, the progress columns show the latest approved
    report on or before that date and the status as assessed on it; without, the latest report and the
    stored status. `with_progress=False` leaves the progress columns empty (a pure plan table)."""
    tasks = list(Task.objects.filter(plan=plan).select_related("plan", "section").order_by("order", "pk")
                 .prefetch_related("milestones"))
    has_title = any(t.title for t in tasks)
    # A suggested domain is duban's guess, not the plan's: the table carries only stated or confirmed ones.
    has_domain = any(t.domain and not t.domain_suggested for t in tasks)
    head = ["序号", *(["事项名称"] if has_title else []), "实施内容", *(["领域"] if has_domain else []),
            "牵头单位", "协办单位", "实施计划", *PROGRESS_HEADERS]
    units = _units_by_task([t.pk for t in tasks])
    progress = _progress(tasks, as_of) if with_progress else {}
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    width = len(head)
    _merged_row(ws, 1, plan.title or str(plan), width, Font(name="方正小标宋简体", size=16), height=36)
    ws.append(head)
    for cell in ws[2]:
        cell.font, cell.border, cell.alignment = HEAD_FONT, BOX, CENTER
    section = None
    for t in tasks:
        if t.section and t.section.title != section:
            section = t.section.title
            _merged_row(ws, ws.max_row + 1, section, width, HEAD_FONT, align=Alignment(vertical="center"))
        lead, co = units[t.pk]
        row = [t.number, *([t.title] if has_title else []), t.content, *([_stated_domain(t)] if has_domain else []),
               lead, co, schedule_text(t, plan.year)]
        p = progress.get(t.pk) if with_progress else None
        row += [p["as_of"], p["text"], p["values"], p["percents"], p["status"]] if p else [None, None, None, None, None]
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.font, cell.border, cell.alignment = BODY_FONT, BOX, WRAP
        ws.cell(ws.max_row, head.index("截至日期") + 1).number_format = "yyyy-mm-dd"
    widths = {"序号": 6, "事项名称": 18, "实施内容": 50, "领域": 10, "牵头单位": 22, "协办单位": 30, "实施计划": 60,
              "截至日期": 12, "进展情况": 50, "完成值": 24, "占年计划": 10, "状态": 10}
    for i, name in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths[name]
    ws.freeze_panes = "B3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _save(wb, path_or_stream)


def schedule_text(task: Task, year: int) -> str:
    """The milestones as the plan tables print them: `3月底前,…。 6月底前,…。`."""
    return " ".join(f"{due_phrase(m.due, year)}{m.text}" if m.due else m.text
                    for m in sorted(task.milestones.all(), key=lambda m: (m.order, m.pk)))


def due_phrase(due: dt.date, year: int) -> str:
    """3月底前, / 7月15日前, (with the year when it is not the plan year: 2025年3月底前,)."""
    head = "" if due.year == year else f"{due.year}年"
    if due == month_end(due.year, due.month):
        return f"{head}{due.month}月底前,"
    return f"{head}{due.month}月{due.day}日前,"


def _merged_row(ws, row: int, text: str, width: int, font, *, height: float | None = None, align=CENTER) -> None:
    cell = ws.cell(row, 1, text)
    cell.font, cell.alignment = font, align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    if height:
        ws.row_dimensions[row].height = height


def _units_by_task(task_ids: list[int]) -> dict[int, tuple[str, str]]:
    names: dict[int, dict[str, list[str]]] = {pk: {"lead": [], "co": []} for pk in task_ids}
    for task_id, role, name, note in (Responsibility.objects.filter(task_id__in=task_ids)
                                      .order_by("task_id", "role", "order", "pk")
                                      .values_list("task_id", "role", "unit__name", "scope_note")):
        names[task_id]["lead" if role == Responsibility.Role.LEAD else "co"].append(f"{name}({note})" if note else name)
    return {pk: ("、".join(n["lead"]), "、".join(n["co"])) for pk, n in names.items()}


def _progress(tasks: list[Task], as_of: dt.date | None) -> dict[int, dict]:
    """Per task: its latest approved report (on or before as_of), values, percents and status."""
    ids = [t.pk for t in tasks]
    reports = ProgressReport.objects.filter(task_id__in=ids, state__in=COUNTED_STATES)
    if as_of is not None:
        reports = reports.filter(as_of__lte=as_of)
    latest: dict[int, ProgressReport] = {}
    for r in reports.order_by("as_of", "created_at", "pk"):
        latest[r.task_id] = r
    obs = defaultdict(list)
    for o in Observation.objects.filter(report__in=list(latest.values())).select_related("indicator") \
            .order_by("report_id", "order", "pk"):
        obs[o.report_id].append(o)
    statuses = ({pk: a.status.value for pk, a in assess_tasks(tasks, as_of).items()} if as_of is not None
                else {t.pk: t.status for t in tasks})
    out = {}
    for t in tasks:
        r = latest.get(t.pk)
        values, percents = [], []
        for o in obs[r.pk] if r else []:
            metric = o.indicator.metric if o.indicator else o.metric
            values.append(f"{metric} {fmt_number(o.value, o.unit)}".strip())
            share = o.percent
            if share is None and o.indicator is not None and o.indicator.target > 0 and o.indicator.qualifier != "<=":
                share = o.value / o.indicator.target * 100
            percents.append("—" if share is None else plain(share, 1) + "%")
        text = _dated(r.text, r.as_of, t.plan.year) if r else None
        out[t.pk] = {"as_of": r.as_of if r else None, "text": text, "values": "\n".join(values) or None,
                     "percents": "\n".join(percents) or None, "status": statuses.get(t.pk) or None}
    return out


def _dated(text: str, as_of: dt.date, year: int) -> str:
    """A progress text that says its own date (截至2024年11月30日,…), so that reading it back dates it."""
    text = (text or "").strip()
    if text.startswith(("截至", "截止")):
        return text
    return f"截至{as_of.year}年{as_of.month}月{as_of.day}日,{text}" if text else f"截至{as_of.year}年{as_of.month}月{as_of.day}日"


def _save(wb: Workbook, path_or_stream) -> None:
    if isinstance(path_or_stream, (str, Path)):
        wb.save(str(path_or_stream))
    else:
        buffer = io.BytesIO()
        wb.save(buffer)
        path_or_stream.write(buffer.getvalue())


# ---------------------------------------------------------------- a unit's progress template

TEMPLATE_SHEET = "进展填报"
ID_HEADER = "指标编号"
NO_INDICATOR = "(无量化指标)"
TEMPLATE_HEADERS = ["序号", "任务内容", "本单位", "指标", "计量单位", "年度目标", "上次审核值", "上次截至日期",
                    "截至日期", "本期完成值", "进展情况", ID_HEADER]
FILL_COLUMNS = ("截至日期", "本期完成值", "进展情况")
STEP_ID = "节点"  # the hidden id of a milestone's row: 节点<id>
STEP_PREFIX = "时间节点:"
STEP_HINT = "完成的填“已完成”或完成日期"
STEP_DONE_WORDS = ("已完成", "完成", "是", "√")


def progress_template_xlsx(unit: Unit, plan: Plan, stream, *, as_of: dt.date) -> None:
    """A form for `unit`: one row per indicator of each task of `plan` it leads or co-operates on (a task
    without indicators gets one row for text), with the last approved value as of `as_of`."""
    roles = dict(Responsibility.objects.filter(unit=unit, task__plan=plan).values_list("task_id", "role"))
    tasks = list(Task.objects.filter(pk__in=list(roles)).order_by("order", "pk").prefetch_related("indicators"))
    open_steps = defaultdict(list)  # each task's milestones not done yet: a row each, to say 已完成
    for m in (Milestone.objects.filter(task_id__in=list(roles), done_on__isnull=True, due__isnull=False)
              .order_by("due", "order")):
        open_steps[m.task_id].append(m)
    last = _last_values([t.pk for t in tasks], as_of)
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    width = len(TEMPLATE_HEADERS)
    _merged_row(ws, 1, f"{plan}进展填报表({unit.name})", width, Font(name="黑体", size=14, bold=True), height=28)
    _merged_row(ws, 2, f"请只填写黄色的三列:截至日期(如 {plan.year}-11-30,须在{plan.year}年内)、本期完成值(数字,"
                       f"可带万/亿和计量单位,如 15万人)、进展情况。时间节点行:完成的在本期完成值填“已完成”或完成日期,"
                       f"进展情况填完成依据。其他列请勿修改;不报送的行留空即可。",
                width, BODY_FONT, height=36, align=WRAP)
    ws.append(TEMPLATE_HEADERS)
    for cell in ws[3]:
        cell.font, cell.border, cell.alignment = HEAD_FONT, BOX, CENTER
    for t in tasks:
        role = "牵头" if roles[t.pk] == Responsibility.Role.LEAD else "协办"
        indicators = list(t.indicators.all()) or [None]
        for ind in indicators:
            value, when = last.get(ind.pk, (None, None)) if ind else (None, None)
            ws.append([t.number, t.content, role, ind.metric or f"指标{ind.order + 1}" if ind else NO_INDICATOR,
                       ind.unit if ind else "", _target(ind) if ind else "", value, when, None, None, None,
                       ind.pk if ind else None])
            for i, cell in enumerate(ws[ws.max_row]):
                cell.font, cell.border, cell.alignment = BODY_FONT, BOX, WRAP
                if TEMPLATE_HEADERS[i] in FILL_COLUMNS:
                    cell.fill = FILL_IN
            ws.cell(ws.max_row, TEMPLATE_HEADERS.index("上次截至日期") + 1).number_format = "yyyy-mm-dd"
            ws.cell(ws.max_row, TEMPLATE_HEADERS.index("截至日期") + 1).number_format = "yyyy-mm-dd"
        for m in open_steps[t.pk]:
            ws.append([t.number, t.content, role, f"{STEP_PREFIX}{m.due:%Y-%m-%d} {m.text}", "", STEP_HINT, None, None,
                       None, None, None, f"{STEP_ID}{m.pk}"])
            for i, cell in enumerate(ws[ws.max_row]):
                cell.font, cell.border, cell.alignment = BODY_FONT, BOX, WRAP
                if TEMPLATE_HEADERS[i] in FILL_COLUMNS:
                    cell.fill = FILL_IN
            ws.cell(ws.max_row, TEMPLATE_HEADERS.index("截至日期") + 1).number_format = "yyyy-mm-dd"
    for i, w in enumerate((6, 50, 8, 24, 10, 14, 12, 12, 12, 14, 50, 10), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.column_dimensions[get_column_letter(width)].hidden = True
    ws.freeze_panes = "D4"
    _save(wb, stream)


def _target(ind: Indicator) -> str:
    words = {">=": "以上", "<=": "以内", "~": "左右"}.get(ind.qualifier, "")
    return fmt_number(ind.target, ind.unit) + words


def _last_values(task_ids: list[int], as_of: dt.date) -> dict[int, tuple[float, dt.date]]:
    out = {}
    for ind_id, when, value in (Observation.objects.filter(indicator__task_id__in=task_ids,
                                                           report__state__in=COUNTED_STATES,
                                                           report__as_of__lte=as_of)
                                .order_by("report__as_of", "pk").values_list("indicator_id", "report__as_of", "value")):
        out[ind_id] = (value, when)
    return out


@dataclass(frozen=True)
class ParsedRow:
    """One filled row of a progress template: what the unit reports of one indicator (or, for a task
    without indicators, text only) as of a date."""

    row: int  # the spreadsheet's row number, for messages
    task: Task
    indicator: Indicator | None
    as_of: dt.date
    value: float | None
    amount_text: str  # as typed: 15万人 (what `record_progress` takes)
    text: str
    step: DoneClaim | None = None  # a milestone's row: the unit says it is done


@dataclass
class TemplateReport:
    """The rows of one task and date, together: one progress report to submit."""

    task: Task
    as_of: dt.date
    text: str
    values: list[tuple[Indicator, float]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    steps: list[DoneClaim] = field(default_factory=list)  # the milestones it says are done


def read_progress_template(unit: Unit, plan: Plan, stream) -> list[ParsedRow]:
    """The filled rows of a template for `unit` and `plan`, validated all or nothing (TemplateProblems)."""
    ws = _template_sheet(stream)
    header_row, cols = _find_header(ws)
    tasks = {t.number: t for t in Task.objects.filter(plan=plan, responsibilities__unit=unit)
             .prefetch_related("indicators")}
    all_numbers = set(Task.objects.filter(plan=plan).values_list("number", flat=True))
    problems: list[tuple[int, str]] = []
    out: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    for r in range(header_row + 1, ws.max_row + 1):
        get = lambda name, r=r: ws.cell(r, cols[name]).value if name in cols else None  # noqa: E731
        when_raw, value_raw, text = get("截至日期"), get("本期完成值"), _str(get("进展情况"))
        if _blank(when_raw) and _blank(value_raw) and not text:
            continue
        row_problems: list[str] = []
        number = _str(get("序号"))
        task = tasks.get(number)
        if task is None:
            row_problems.append(f"本单位不负责第{number}项任务" if number in all_numbers
                                else f"计划《{plan}》没有第{number or '?'}项任务")
            problems += [(r, m) for m in row_problems]
            continue
        if _str(get(ID_HEADER)).startswith(STEP_ID):
            step, found = _step(task, _str(get(ID_HEADER)), when_raw, value_raw, text, plan.year)
            if found:
                problems.append((r, found))
            elif step is not None:
                key = (task.pk, f"step{step[0].milestone}", step[1])
                if key in seen:
                    problems.append((r, f"与第{seen[key]}行重复(同一时间节点、同一截至日期)"))
                seen.setdefault(key, r)
                out.append(ParsedRow(r, task, None, step[1], None, "", "", step=step[0]))
            continue
        indicator, found = _indicator(task, get(ID_HEADER), _str(get("指标")))
        if found:
            row_problems.append(found)
        as_of, found = _parse_date(when_raw, plan.year)
        if found:
            row_problems.append(found)
        value, amount_text, found = _parse_value(value_raw, indicator)
        if found:
            row_problems.append(found)
        if not row_problems and value is None and not text:
            row_problems.append("只填了截至日期,没有完成值也没有进展情况")
        key = (task.pk, indicator.pk if indicator else None, as_of)
        if not row_problems and value is not None and key in seen:
            row_problems.append(f"与第{seen[key]}行重复(同一指标、同一截至日期)")
        seen.setdefault(key, r)
        if row_problems:
            problems += [(r, m) for m in row_problems]
            continue
        out.append(ParsedRow(r, task, indicator, as_of, value, amount_text, text))
    if problems:
        raise TemplateProblems(problems)
    if not out:
        raise TemplateProblems([(0, "填报表中没有填写任何进展")])
    return out


def group_rows(rows: list[ParsedRow]) -> list[TemplateReport]:
    """Rows of the same task and date as one report (values in row order, texts joined)."""
    reports: dict[tuple[int, dt.date], TemplateReport] = {}
    for p in rows:
        rep = reports.setdefault((p.task.pk, p.as_of), TemplateReport(p.task, p.as_of, ""))
        if p.text and p.text not in rep.text:
            rep.text = f"{rep.text}\n{p.text}".strip()
        if p.indicator is not None and p.value is not None:
            rep.values.append((p.indicator, p.value))
        if p.step is not None:
            rep.steps.append(p.step)
        rep.rows.append(p.row)
    return list(reports.values())


def _step(task: Task, raw_id: str, when_raw, value_raw, text: str, year: int
          ) -> tuple[tuple[DoneClaim, dt.date] | None, str | None]:
    """A milestone's row: (the claim, the report's date), or a problem. 本期完成值 says 已完成 or gives the
    completion date; 进展情况 is the evidence."""
    pk = raw_id[len(STEP_ID):]
    m = task.milestones.filter(pk=int(pk)).first() if pk.isdigit() else None
    if m is None:
        return None, f"第{task.number}项任务没有这个时间节点,请勿修改节点编号列"
    as_of, found = _parse_date(when_raw, year)
    if found:
        return None, found
    if _blank(value_raw):
        return None, f"时间节点“{m.text[:20]}”:完成的请在本期完成值填“已完成”或完成日期"
    done_on = None
    if not (isinstance(value_raw, str) and value_raw.strip() in STEP_DONE_WORDS):
        done_on, found = _parse_date(value_raw, year)
        if found:
            return None, f"时间节点“{m.text[:20]}”的本期完成值应为“已完成”或完成日期,不是“{_str(value_raw)}”"
        if done_on > as_of:
            return None, f"时间节点“{m.text[:20]}”的完成日期 {done_on} 晚于截至日期 {as_of}"
    return (DoneClaim(m.pk, done_on, text), as_of), None


def _template_sheet(stream):
    data = stream.read() if hasattr(stream, "read") else Path(stream).read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:
        raise TemplateProblems([(0, "文件不是有效的 .xlsx 填报表")]) from None
    return wb[TEMPLATE_SHEET] if TEMPLATE_SHEET in wb.sheetnames else wb.worksheets[0]


def _find_header(ws) -> tuple[int, dict[str, int]]:
    for r in range(1, min(ws.max_row, 10) + 1):
        names = {_str(ws.cell(r, c).value): c for c in range(1, ws.max_column + 1)}
        if {"序号", "本期完成值", "截至日期"} <= names.keys():
            return r, {n: c for n, c in names.items() if n}
    raise TemplateProblems([(0, "找不到表头(序号、截至日期、本期完成值):请使用系统下载的填报表")])


def _indicator(task: Task, raw_id, metric: str) -> tuple[Indicator | None, str | None]:
    indicators = list(task.indicators.all())
    if metric == NO_INDICATOR and not indicators:
        return None, None
    if not _blank(raw_id):
        try:
            pk = int(float(raw_id))
        except (TypeError, ValueError):
            pk = None
        found = next((i for i in indicators if i.pk == pk), None)
        if found is not None:
            return found, None
    named = [i for i in indicators if i.metric == metric or (not i.metric and metric == f"指标{i.order + 1}")]
    if len(named) == 1:
        return named[0], None
    names = "、".join(i.metric or f"指标{i.order + 1}" for i in indicators) or "无"
    if len(named) > 1:
        return None, f"第{task.number}项任务有多个指标“{metric}”,请勿修改指标编号列"
    return None, f"第{task.number}项任务没有指标“{metric}”(可用:{names})"


_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _parse_date(raw, year: int) -> tuple[dt.date | None, str | None]:
    if _blank(raw):
        return None, "没有填写截至日期"
    if isinstance(raw, dt.datetime):
        when = raw.date()
    elif isinstance(raw, dt.date):
        when = raw
    else:
        m = _DATE_TEXT.match(str(raw))
        try:
            when = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            when = None
        if when is None:
            return None, f"截至日期“{raw}”无法识别(应写作 {year}-11-30)"
    if when.year != year:
        return None, f"截至日期 {when} 不在计划年度 {year} 年内"
    return when, None


def _parse_value(raw, indicator: Indicator | None) -> tuple[float | None, str, str | None]:
    if _blank(raw):
        return None, "", None
    if indicator is None:
        return None, "", "该任务没有量化指标,只能填写进展情况"
    if isinstance(raw, bool):
        return None, "", f"完成值“{raw}”不是数字"
    if isinstance(raw, (int, float)):
        value, unit, text = float(raw), None, plain(float(raw), 6)
    else:
        text = re.sub(r"(?<=\d)[,,](?=\d{3})", "", str(raw).strip())
        try:
            amount = parse_amount(text)
        except InvalidInput as e:
            return None, "", e.message
        value, unit = amount.value, amount.unit
    if unit is not None and unit != lexicon().unit_name(indicator.unit):
        return None, "", f"指标“{indicator.metric}”的计量单位是“{indicator.unit}”,不是“{unit}”"
    if value < 0:
        return None, "", f"指标“{indicator.metric}”的数值不能为负"
    if indicator.target and value > ABSURD_FACTOR * indicator.target:
        return None, "", f"指标“{indicator.metric}”的数值 {value:g} 超过目标 {indicator.target:g} 的{ABSURD_FACTOR}倍,请核对"
    return value, text, None


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
