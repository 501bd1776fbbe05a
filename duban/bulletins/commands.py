"""Command-line entry points for the lead to wire into `duban` (each returns a one-line message):

    duban bulletin --plan PLAN --as-of DATE --format docx|html|md|xlsx -o FILE   → cmd_bulletin
    duban export --plan PLAN --format xlsx -o FILE                               → cmd_export

The CLI is the operator at the server (actor None). Errors are DubanError (the CLI prints, exits 2).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from duban.errors import DubanError


def _date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DubanError(f"日期应写作 YYYY-MM-DD,而不是“{value}”", code="invalid") from None


def _write(out, data: bytes) -> Path:
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as e:
        raise DubanError(f"无法写入 {path}:{e.strerror or e}", code="io") from None
    return path


def cmd_bulletin(plan_ref: str, as_of, fmt: str, out) -> str:
    """Render the bulletin of PLAN as of DATE. A bulletin already made for that plan and date is
    rendered again from its frozen snapshot; otherwise a draft is created (numbered when issued)."""
    from duban.bulletins.render import FORMATS
    from duban.bulletins.services import create_bulletin, find_bulletin, render_bulletin
    from duban.ledger.services import get_plan

    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise DubanError(f"不支持的通报格式“{fmt}”,可用:{'、'.join(FORMATS)}", code="invalid")
    plan = get_plan(plan_ref)
    when = _date(as_of)
    bulletin = find_bulletin(plan, when)
    made = bulletin is None
    if made:
        bulletin = create_bulletin(None, plan, when, actor_name="cli")
    data, _, _ = render_bulletin(bulletin, fmt)
    path = _write(out, data)
    how = "新编" if made else "沿用已有的"
    label = bulletin.series_label if bulletin.number else "未编号"
    return (f"{how}《{bulletin.title}》{label}({bulletin.get_state_display()}),"
            f"已写入 {path}({len(data) / 1024:.0f} KB)")


def cmd_export(plan_ref: str, fmt: str, out, as_of=None) -> str:
    """The plan's ledger as a spreadsheet in the layout of the plan tables (re-importable)."""
    from duban.ledger.services import get_plan
    from duban.ledger.spreadsheet import export_plan_xlsx

    fmt = (fmt or "xlsx").lower().lstrip(".")
    if fmt != "xlsx":
        raise DubanError(f"不支持的导出格式“{fmt}”,可用:xlsx", code="invalid")
    plan = get_plan(plan_ref)
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        export_plan_xlsx(plan, path, as_of=_date(as_of) if as_of else None)
    except OSError as e:
        raise DubanError(f"无法写入 {path}:{e.strerror or e}", code="io") from None
    return f"已导出《{plan}》{plan.tasks.count()}项任务到 {path}"
