"""A snapshot → the bulletin's content: every sentence and row, already written; renderers only lay it out.

Pure: no database, no clock. The same snapshot always gives the same content.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from duban.assess import Status
from duban.assess_format import plain
from duban.bulletins import words as W


@dataclass(frozen=True)
class ValueLine:
    """One value of a task's progress: 城镇新增就业:36.61万人,占年计划的104.6%(年度目标35万人以上)."""

    metric: str
    value: str  # 36.61万人, or 尚无数据
    percent: str | None = None  # 104.6%
    target: str | None = None  # 35万人以上
    note: str = ""  # (截至6月30日) when older than the task's latest report

    @property
    def text(self) -> str:
        head = f"{self.metric}:" if self.metric else ""
        share = f",占年计划的{self.percent}" if self.percent else ""
        goal = f"(年度目标{self.target})" if self.target else ""
        return f"{head}{self.value}{share}{goal}{self.note}"


@dataclass(frozen=True)
class TaskSection:
    number: str
    content: str
    section: str
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    status: str
    color: str
    reason: str
    values: tuple[ValueLine, ...]
    report_as_of: str  # 截至11月底
    report_text: str
    title: str = ""  # 建设崂山实验室 (plans that open each task with a short title sentence)

    @property
    def heading(self) -> str:
        """1.建设崂山实验室。 (with a title) or 1.the whole content."""
        if self.title:
            return f"{self.number}.{self.title}" + ("" if self.title.endswith(("。", ".")) else "。")
        return f"{self.number}.{self.content}"

    @property
    def detail(self) -> str:
        """The content beyond the heading (empty when the heading says it all)."""
        if not self.title:
            return ""
        rest = self.content
        if rest.startswith(self.title):
            rest = rest[len(self.title):].lstrip("。. ")
        return rest

    @property
    def units_line(self) -> str:
        lead = "、".join(self.lead_units) or "未明确"
        co = f";协办单位:{'、'.join(self.co_units)}" if self.co_units else ""
        return f"牵头单位:{lead}{co}"

    @property
    def status_line(self) -> str:
        """目前进展为“滞后”,…。 — a sentence of the bulletin, not an internal label line."""
        reason = self.reason.rstrip("。")
        return f"目前进展为“{self.status}”" + (f",{reason}。" if reason else "。")

    @property
    def progress_line(self) -> str:
        if not self.report_text:
            return "进展情况:本期未报送进展。"
        head = "" if self.report_text.startswith("截至") else f"{self.report_as_of},"
        return f"进展情况:{head}{self.report_text}"


@dataclass(frozen=True)
class LaggingRow:
    number: str
    content: str
    lead_units: str
    status: str
    reason: str


@dataclass(frozen=True)
class RankRow:
    rank: str  # 1, 2 … or — when nothing of the unit could be judged
    unit: str
    led: int
    done: int
    on_track: int
    lagging: int
    no_data: int
    score: str  # 95 / 82.5 / —


@dataclass(frozen=True)
class BulletinContent:
    title: str  # 2024年市办实事1-11月具体进展情况
    number: int | None  # in the office's yearly series; None until issued
    number_label: str  # 2024年第3期, or 未编号 (a draft)
    issuer: str
    issued_on: date
    issued_label: str  # 2024年11月30日
    as_of: date
    as_of_label: str
    headline: str
    counts: dict
    tasks: tuple[TaskSection, ...]
    lagging: tuple[LaggingRow, ...]
    ranking: tuple[RankRow, ...]
    changes: tuple[str, ...]
    scoring_note: str = W.SCORING_NOTE
    sections: tuple[str, ...] = field(default=())
    cc: str = ""  # 抄送 of the 版记
    issued: bool = False  # a draft shows 未编号 and no 印发 line

    @property
    def headings(self) -> dict[str, str]:
        return {"summary": "一、总体情况", "tasks": "二、各项任务进展情况", "lagging": "三、滞后事项",
                "ranking": "四、牵头单位推进情况", "changes": "五、与上期相比"}

    def section_heading(self, section: str) -> str:
        """(一)实施创新驱动发展战略: the plan's own numbering replaced by the bulletin's second level."""
        return f"({W.cn_number(self.sections.index(section) + 1)}){W.without_numbering(section)}"

    @property
    def date_line(self) -> str:
        """The date beside the issuer under the masthead: the 印发日期, or 草稿 before issue."""
        return self.issued_label if self.issued else "(草稿,未印发)"

    @property
    def imprint(self) -> tuple[str, str]:
        """The 版记: (抄送:…。, 印发机关 + 印发日期 印发)."""
        cc = f"抄送:{self.cc}。" if self.cc else ""
        issued = f"{self.issuer}    {self.issued_label}印发" if self.issued else f"{self.issuer}    (印发时填写日期)"
        return cc, issued


def build_bulletin(snapshot: dict) -> BulletinContent:
    plan = snapshot["plan"]
    year = plan["year"]
    as_of = date.fromisoformat(snapshot["as_of"])
    issued = date.fromisoformat(snapshot.get("issued_on") or snapshot["as_of"])
    number = snapshot.get("number")
    title = f"{plan['name']}{W.period(as_of, year)}具体进展情况"
    tasks = tuple(_task(t, as_of, year) for t in snapshot["tasks"])
    return BulletinContent(
        title=title, number=number, number_label=W.series_label(snapshot.get("series_year"), number),
        issuer=snapshot["issuer"], issued_on=issued, issued_label=W.cn_date(issued), as_of=as_of,
        as_of_label=W.cn_date(as_of), headline=headline(as_of, plan, snapshot["counts"]),
        counts=dict(snapshot["counts"]), tasks=tasks,
        lagging=tuple(LaggingRow(r["number"], W.shorten(r["content"], 60), "、".join(r["lead_units"]), r["status"],
                                 r["reason"]) for r in snapshot["lagging"]),
        ranking=tuple(_rank(r) for r in snapshot["ranking"]),
        changes=tuple(_changes(snapshot, year)),
        sections=tuple(dict.fromkeys(t.section for t in tasks if t.section)),
        cc=snapshot.get("cc", ""), issued=bool(number))


def headline(as_of: date, plan: dict, counts: dict) -> str:
    """截至2024年11月30日,15件市办实事中,11项已完成年度目标,2项进展顺利,1项滞后。 (the title is not
    repeated: it stands above)"""
    noun = {"practical": "件市办实事", "key_work": "项重点工作任务", "campaign": "项攻坚事项"}.get(plan["genre"], "项任务")
    parts = [f"{counts['done']}项已完成年度目标", f"{counts['on_track']}项进展顺利", f"{counts['lagging']}项滞后"]
    if counts.get("no_data"):
        parts.append(f"{counts['no_data']}项暂无可评价数据")
    return f"截至{W.cn_date(as_of)},{counts['total']}{noun}中,{','.join(parts)}。"


def _task(t: dict, as_of: date, year: int) -> TaskSection:
    report = t.get("report") or {}
    report_as_of = date.fromisoformat(report["as_of"]) if report.get("as_of") else as_of
    return TaskSection(
        number=t["number"], content=t["content"], section=t.get("section") or "",
        lead_units=tuple(t["lead_units"]), co_units=tuple(t["co_units"]), status=t["status"], color=t["color"],
        reason=t["reason"], values=tuple(_values(t, report, year)),
        report_as_of=W.as_of_phrase(report_as_of, year), report_text=(report.get("text") or "").strip(),
        title=(t.get("title") or "").strip())


def _values(t: dict, report: dict, year: int):
    """Each indicator with its latest value; then the report's other values (those no indicator shows)."""
    shown = set()
    latest = report.get("as_of")
    for ind in t["indicators"]:
        goal = W.target(ind["target"], ind["unit"], ind["qualifier"])
        if ind["value"] is None and ind["percent"] is None:
            yield ValueLine(ind["metric"], "尚无数据", None, goal)
            continue
        shown.add(ind["observation"])
        value = W.amount(ind["value"], ind["unit"]) if ind["value"] is not None else "—"
        older = ind["value_as_of"] and latest and ind["value_as_of"] < latest
        note = f"(截至{W.short_date(date.fromisoformat(ind['value_as_of']), year)})" if older else ""
        yield ValueLine(ind["metric"], value, W.percent(ind["percent"]), goal, note)
    for v in report.get("values", []):
        if v["id"] in shown:
            continue
        yield ValueLine(v["metric"], W.amount(v["value"], v["unit"], v["qualifier"]), W.percent(v["percent"]))


def _rank(r: dict) -> RankRow:
    score = "—" if r["score"] is None else plain(r["score"], 1)
    return RankRow("—" if r["rank"] is None else str(r["rank"]), r["unit"], r["led"], r["done"], r["on_track"],
                   r["lagging"], r["no_data"], score)


def _changes(snapshot: dict, year: int) -> list[str]:
    prev, ch = snapshot.get("previous"), snapshot.get("changes")
    if prev is None or ch is None:
        return ["本期为首期通报,无上期可比。"]
    when = W.short_date(date.fromisoformat(prev["as_of"]), year)
    out = [f"与上期通报({W.series_label(prev.get('series_year'), prev['number'])},截至{when})相比:"]
    better = [c for c in ch["status"] if Status.parse(c["to"]).severity < Status.parse(c["from"]).severity]
    out.append(f"状态变化{len(ch['status'])}项(好转{len(better)}项),新报送数值{len(ch['values'])}个"
               + (f",新增任务{len(ch['added'])}项。" if ch["added"] else "。"))
    for c in ch["status"]:
        out.append(f"第{c['number']}项({W.shorten(c['content'], 24)}):由“{c['from']}”变为“{c['to']}”。")
    for c in ch["added"]:
        out.append(f"第{c['number']}项({W.shorten(c['content'], 24)}):新增任务。")
    for c in ch["values"]:
        before = "无数据" if c["before"] is None else W.amount(c["before"], c["unit"])
        share = f"(占年计划的{W.percent(c['percent'])})" if c["percent"] is not None else ""
        when = W.short_date(date.fromisoformat(c["as_of"]), year) if c["as_of"] else ""
        out.append(f"第{c['number']}项 {c['metric'] or '数值'}:{before} → {W.amount(c['after'], c['unit'])}{share}"
                   f"{f'(截至{when})' if when else ''}。")
    return out
