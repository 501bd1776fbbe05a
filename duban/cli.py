"""The `duban` command: a thin front over the library and the services."""
from __future__ import annotations

import argparse
import json
import os
import sys

from duban.cli_words import ChineseParser
from duban.cli_words import install as install_chinese_words
from duban.errors import DubanError


def _cmd_extract(args) -> int:
    from duban.extract import extract

    plan = extract(args.file, year=args.year)
    for finding in plan.findings:
        print(finding.as_line(plan.source), file=sys.stderr)
    json.dump(plan.as_json(), sys.stdout, ensure_ascii=False, indent=args.indent)
    sys.stdout.write("\n")
    return 0


def _ledger():
    """Django and the schema, on first use: every command works on a fresh database."""
    from duban.django_setup import ensure_schema

    ensure_schema()


def _read_ledger() -> bool:
    """Django, for a command that only reads: True when there is a ledger (nothing is created —
    no data directory, no key, no database — when there is none)."""
    from duban.django_setup import open_ledger_read_only, setup

    exists = open_ledger_read_only()
    setup()
    return exists


def _cmd_import(args) -> int:
    _ledger()
    from duban.ledger.importer import import_file

    failed = 0
    total = len(args.files)
    for n, path in enumerate(args.files, 1):
        if total > 1 and sys.stderr.isatty():
            done = int(30 * (n - 1) / total)
            print(f"\r[{'#' * done}{'.' * (30 - done)}] {n - 1}/{total}", end="", file=sys.stderr, flush=True)
        try:
            summary = import_file(path, actor_name=args.actor, year=args.year, today=_today())
        except DubanError as e:  # one bad file: its import is undone, the others go on
            failed += 1
            print(f"{'' if not sys.stderr.isatty() else chr(13)}duban: {e.message}", file=sys.stderr)
            continue
        if total > 1 and sys.stderr.isatty():
            print("\r" + " " * 50 + "\r", end="", file=sys.stderr)
        print(summary.line())
        for change in summary.changes:
            print(f"  {change}")
    return 2 if failed else 0


def _today():
    """The date a command acts on: the machine's local date (the domain takes it as a parameter)."""
    from datetime import date

    return date.today()


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD,而不是“{text}”") from None


def _cmd_status(args) -> int:
    """Read-only: no ledger yet is an empty one (nothing is created to say so)."""
    from duban.django_setup import open_ledger_read_only, setup

    exists = open_ledger_read_only()
    setup()
    from datetime import date

    from duban.ledger import report
    from duban.ledger.services import get_plan

    if not exists and args.plan:
        raise DubanError(f"台账中没有计划“{args.plan}”(台账还是空的:先用 duban import 或 duban init 导入)")
    rows = report.status_rows(as_of=args.as_of or date.today(), year=args.year,
                              plan=get_plan(args.plan) if args.plan else None, unit=args.unit,
                              status=args.status) if exists else []
    print({"table": report.as_table, "json": report.as_json, "csv": report.as_csv}[args.format](rows))
    return 0


def _cmd_progress_add(args) -> int:
    _ledger()
    from duban.ledger.services import get_plan, get_task, record_progress

    values = []
    for item in args.value or []:
        metric, sep, amount = item.partition("=")
        if not sep:
            raise DubanError(f"--value 应写作 指标=数值(如 城镇新增就业=15万),而不是“{item}”")
        values.append((metric, amount))
    task = get_task(get_plan(args.plan), args.task)
    from duban.ledger.milestones import find_milestone

    done = [find_milestone(task, ref) for ref in args.milestone_done or []]
    rep = record_progress(None, task, args.as_of, values, args.text or "", actor_name=args.actor, today=_today(),
                          milestones_done=done)
    print(f"已记录:《{task.plan}》第{task.number}项 截至{rep.as_of} "
          + "、".join(f"{o.metric} {o.value:g}{o.unit}" for o in rep.observations.all())
          + "".join(f";时间节点“{m.text[:30]}”已完成" for m in task.milestones.filter(pk__in=[c.milestone for c in done])))
    return 0


def _cmd_units(args) -> int:
    if args.action == "list" and not _read_ledger():
        print("台账中还没有单位(先用 duban import 或 duban init 导入)")
        return 0
    if args.action != "list":
        _ledger()
    from duban.ledger.models import Unit
    from duban.ledger.units import get_unit, merge_units

    if args.action == "merge":
        if len(args.names) != 2:
            raise DubanError("用法:duban units merge 保留的单位 并入的单位")
        keep, absorb = get_unit(args.names[0]), get_unit(args.names[1])
        moved = merge_units(keep, absorb, actor_name=args.actor)
        print(f"已将“{absorb.name}”并入“{keep.name}”,移交 {moved} 项责任分工")
        return 0
    for u in Unit.objects.prefetch_related("aliases").order_by("kind", "name"):
        aliases = "、".join(a.name for a in u.aliases.all())
        print(f"{u.name}\t{u.get_kind_display()}\t{u.responsibilities.count()}项" + (f"\t别名:{aliases}" if aliases else ""))
    return 0


def _cmd_dump(args) -> int:
    if not _read_ledger():  # reading only: an absent ledger is not created to be dumped
        raise DubanError("台账还是空的,没有可导出的内容(先用 duban import 或 duban init 导入)")
    from duban.ledger.transfer import dump

    counts = dump(args.file)
    print(f"已导出到 {args.file}:" + ",".join(f"{k} {v}" for k, v in counts.items() if v))
    return 0


def _cmd_load(args) -> int:
    _ledger()
    from duban.ledger.transfer import load

    counts = load(args.file, replace=args.replace)
    print(f"已导入 {args.file}:" + ",".join(f"{k} {v}" for k, v in counts.items() if v))
    return 0


def _cmd_users(args) -> int:
    if args.action == "list" and not _read_ledger():
        print("账号\t姓名\t职务\t角色·单位\t状态\n共 0 个账号(台账还是空的)")
        return 0
    if args.action != "list":
        _ledger()
    from duban.people.services import add_user, describe, get_user, list_users, reset_password, role_label, set_active

    if args.action == "add":
        user, password = add_user(args.name, args.role, unit=args.unit, password=args.password,
                                  name=args.full_name or "", title=args.title or "", actor_name=args.actor)
        shown = "" if args.password else f",初始密码:{password}(只显示这一次)"
        print(f"已创建用户 {user.get_username()}({role_label(user)}{'·' + args.unit if args.unit else ''}){shown}")
    elif args.action == "list":
        users = list(list_users(role=args.role, active=None if args.all else True))
        print("账号\t姓名\t职务\t角色·单位\t状态")
        for user in users:
            print(describe(user))
        print(f"共 {len(users)} 个账号" + ("" if args.all else "(不含已停用的;--all 全部列出)"))
    elif args.action in ("disable", "enable"):
        user = get_user(args.name)
        set_active(user, args.action == "enable", actor_name=args.actor)
        print(f"已{'启用' if args.action == 'enable' else '停用'}用户 {user.get_username()}")
    elif args.action == "reset":
        user = get_user(args.name)
        password = reset_password(user, args.password, actor_name=args.actor)
        shown = "" if args.password else f",新密码:{password}(只显示这一次)"
        print(f"已重置用户 {user.get_username()} 的密码{shown}")
    return 0


def _cmd_bulletin(args) -> int:
    _ledger()
    from duban.bulletins.commands import cmd_bulletin

    print(cmd_bulletin(args.plan, args.as_of, args.format, args.output))
    return 0


def _cmd_export(args) -> int:
    if not _read_ledger():
        raise DubanError(f"台账中没有计划“{args.plan}”(台账还是空的:先用 duban import 或 duban init 导入)")
    from duban.bulletins.commands import cmd_export

    print(cmd_export(args.plan, args.format, args.output))
    return 0


def _cmd_remind(args) -> int:
    """The daily run (cron): urge cases whose feedback is due or late, and reassess every plan."""
    _ledger()
    from datetime import date

    from duban.ledger.assessment import assess_plans
    from duban.ledger.models import Plan
    from duban.supervision.services.reminders import run_reminders

    today = args.date or date.today()
    print(run_reminders(today).line())
    judged = assess_plans(list(Plan.objects.values_list("pk", flat=True)), today)
    print(f"已评估 {judged} 项任务(截至 {today})")
    return 0


def _cmd_init(args) -> int:
    """First start on a machine: the documents imported, an office account (its password shown
    once), every plan assessed as of today. Safe to run again: nothing is done twice."""
    _ledger()
    from datetime import date
    from importlib import resources

    from django.contrib.auth import get_user_model

    from duban.ledger.assessment import assess_plans
    from duban.ledger.importer import import_file
    from duban.ledger.models import Plan
    from duban.people.services import add_user

    files = args.files or [str(resources.files("duban.samples").joinpath("sample_plan.txt"))]
    for path in files:
        try:
            print(import_file(path, actor_name="init").line())
        except DubanError as e:
            print(f"duban: {e.message}", file=sys.stderr)
    if not get_user_model().objects.filter(username=args.office).exists():
        _, password = add_user(args.office, "office", actor_name="init")
        print(f"督查室账号:{args.office}  初始密码:{password}  (只显示这一次,请登录后妥善保管)")
    judged = assess_plans(list(Plan.objects.values_list("pk", flat=True)), date.today())
    print(f"已评估 {judged} 项任务(截至 {date.today()})")
    return 0


def _cmd_serve(args) -> int:
    from duban.django_setup import production_problems

    problems = production_problems()  # checked before anything is written
    if problems:
        raise DubanError("生产模式(设置了 DUBAN_DATABASE_URL 或 DUBAN_PRODUCTION=1)下拒绝启动:\n  "
                         + "\n  ".join(problems))
    _ledger()
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve

    call_command("collectstatic", interactive=False, verbosity=0)
    from duban.wsgi import application  # after collectstatic: WhiteNoise indexes the files when it starts

    # Behind a TLS proxy: its X-Forwarded-Proto (https) and -For (the client's address, for the
    # login throttle) are believed from that proxy only; anyone else's are dropped by waitress.
    proxy = os.environ.get("DUBAN_TRUSTED_PROXY") or ("127.0.0.1" if settings.HTTPS else None)
    behind = {"trusted_proxy": proxy, "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}} if proxy else {}
    scheme = "https" if settings.HTTPS else "http"
    print(f"督办 已启动:{scheme}://{args.host}:{args.port}/  (Ctrl+C 停止)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="duban", **behind)
    return 0


# Django management commands that write nothing (and, SQLite's file aside, read no ledger).
READ_ONLY_MANAGE = frozenset({"help", "--help", "-h", "version", "check", "diffsettings"})


def _cmd_manage(args) -> int:
    """Django's own management commands (migrate, createsuperuser, shell …). The ones that only
    tell something (help, version, check, diffsettings) make no data directory."""
    from duban.django_setup import prepare_data_dir, setup

    if (args.rest[:1] or ["help"])[0] not in READ_ONLY_MANAGE:
        prepare_data_dir()
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["duban manage", *args.rest])
    return 0


def _with_description(add_parser):
    """A subcommand's own --help starts with what it does (its help line)."""
    def add(name, **kwargs):
        kwargs.setdefault("description", kwargs.get("help"))
        return add_parser(name, **kwargs)
    return add


def build_parser() -> argparse.ArgumentParser:
    install_chinese_words()
    ap = ChineseParser(prog="duban", description="督办:重点任务督查督办系统")
    sub = ap.add_subparsers(dest="command", required=True, metavar="命令",
                            parser_class=ChineseParser)
    sub.add_parser = _with_description(sub.add_parser)
    ex = sub.add_parser("extract", help="读取计划或进展文档,输出 duban.plan/1 JSON")
    ex.add_argument("file", metavar="文件", help="计划或进展文档(txt、docx、xlsx、xls、html、pdf)")
    ex.add_argument("--year", type=int, default=None, metavar="年度", help="计划年度(文档没有写明年份时)")
    ex.add_argument("--indent", type=int, default=1, metavar="缩进", help="JSON 缩进的空格数(默认1)")
    ex.set_defaults(run=_cmd_extract)

    im = sub.add_parser("import", help="抽取文档并存入台账(每个文件要么全部导入,要么不变)")
    im.add_argument("files", nargs="+", metavar="文件", help="一个或多个计划或进展文档")
    im.add_argument("--year", type=int, default=None, metavar="年度", help="计划年度(文档没有写明年份时)")
    im.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    im.set_defaults(run=_cmd_import)

    st = sub.add_parser("status", help="按序时进度评估任务,列出状态和原因")
    st.add_argument("--year", type=int, metavar="年度", help="只看某年度的计划")
    st.add_argument("--plan", metavar="计划", help="计划编号或导入时的文件名")
    st.add_argument("--as-of", type=_date, metavar="日期", help="评估日期 YYYY-MM-DD(默认今天)")
    st.add_argument("--unit", metavar="单位", help="只看某单位牵头或参与的任务")
    st.add_argument("--status", metavar="状态", help="只看某状态:滞后、严重滞后、逾期、未开始 …")
    st.add_argument("--format", choices=["table", "json", "csv"], default="table", help="输出格式(默认表格)")
    st.set_defaults(run=_cmd_status)

    pr = sub.add_parser("progress", help="记录任务进展")
    prs = pr.add_subparsers(dest="action", required=True, metavar="操作")
    add = prs.add_parser("add", help="记录一条进展", description="记录一条进展")
    add.add_argument("--plan", required=True, metavar="计划", help="计划编号或导入时的文件名")
    add.add_argument("--task", required=True, metavar="序号", help="任务序号")
    add.add_argument("--as-of", type=_date, required=True, metavar="日期", help="截至日期 YYYY-MM-DD")
    add.add_argument("--value", action="append", metavar="指标=数值", help="如 城镇新增就业=15万 (可多次)")
    add.add_argument("--text", metavar="文字", help="进展情况文字")
    add.add_argument("--milestone-done", action="append", metavar="节点",
                     help="报告已完成的时间节点:其截止日期 YYYY-MM-DD 或 #编号,可加 @完成日期 (可多次)")
    add.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    add.set_defaults(run=_cmd_progress_add)

    un = sub.add_parser("units", help="单位名录:list 列出,merge 合并同一单位的两种写法")
    un.add_argument("action", nargs="?", choices=["list", "merge"], default="list", help="操作(默认 list)")
    un.add_argument("names", nargs="*", metavar="单位", help="merge 时:保留的单位 并入的单位")
    un.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    un.set_defaults(run=_cmd_units)

    du = sub.add_parser("dump", help="把整个台账导出为一个文件(可迁移到另一个数据库)")
    du.add_argument("file", metavar="文件", help="导出到的文件")
    du.set_defaults(run=_cmd_dump)
    lo = sub.add_parser("load", help="从 dump 文件导入整个台账(目标须为空)")
    lo.add_argument("file", metavar="文件", help="dump 导出的文件")
    lo.add_argument("--replace", action="store_true", help="先清空现有台账")
    lo.set_defaults(run=_cmd_load)

    us = sub.add_parser("users", help="用户:add 新建、list 列出、disable 停用、enable 启用、reset 重置密码")
    uss = us.add_subparsers(dest="action", required=True, metavar="操作")
    ua = uss.add_parser("add", help="新建账号", description="新建账号")
    ua.add_argument("name", metavar="账号", help="登录用的账号名")
    ua.add_argument("--role", required=True, metavar="角色",
                    help="office(督查室) / leader(领导) / reporter(单位填报员) / reviewer(审核员)")
    ua.add_argument("--unit", metavar="单位", help="单位填报员所属单位")
    ua.add_argument("--full-name", metavar="姓名", help="姓名(操作记录中显示)")
    ua.add_argument("--title", metavar="职务", help="职务,如:科长")
    ua.add_argument("--password", metavar="密码", help="不指定则生成随机密码并显示一次")
    ua.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    ul = uss.add_parser("list", help="列出账号", description="列出账号(账号、姓名、职务、角色、单位、状态)")
    ul.add_argument("--role", metavar="角色", help="只列某角色:office / leader / reporter / reviewer")
    ul.add_argument("--all", action="store_true", help="连同已停用的账号")
    for action, words in (("disable", "停用账号(不能再登录,历史记录保留)"), ("enable", "重新启用已停用的账号")):
        ud = uss.add_parser(action, help=words, description=words)
        ud.add_argument("name", metavar="账号")
        ud.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    ur = uss.add_parser("reset", help="重置密码", description="重置密码(旧密码立即失效)")
    ur.add_argument("name", metavar="账号")
    ur.add_argument("--password", metavar="密码", help="不指定则生成随机密码并显示一次")
    ur.add_argument("--actor", default="cli", metavar="操作人", help="记入审计的操作人")
    ur.set_defaults(run=_cmd_users)
    us.set_defaults(run=_cmd_users)

    bu = sub.add_parser("bulletin", help="生成通报(草稿,冻结快照;印发时编号):docx / pdf / html / md / xlsx")
    bu.add_argument("--plan", required=True, metavar="计划", help="计划编号或导入时的文件名")
    bu.add_argument("--as-of", type=_date, required=True, metavar="日期", help="截至日期 YYYY-MM-DD")
    bu.add_argument("--format", choices=["docx", "pdf", "html", "md", "xlsx"], default="docx",
                    help="文件格式(默认 docx;pdf 需服务器装有 LibreOffice)")
    bu.add_argument("-o", "--output", required=True, metavar="文件", help="写入的文件")
    bu.set_defaults(run=_cmd_bulletin)

    xp = sub.add_parser("export", help="导出台账为 xlsx(一览表格式,可原样导入)")
    xp.add_argument("--plan", required=True, metavar="计划", help="计划编号或导入时的文件名")
    xp.add_argument("--format", choices=["xlsx"], default="xlsx", help="文件格式")
    xp.add_argument("-o", "--output", required=True, metavar="文件", help="写入的文件")
    xp.set_defaults(run=_cmd_export)

    rm = sub.add_parser("remind", help="每日运行:督办件到期催办、逾期报领导,并重新评估全部任务(可放入 cron)")
    rm.add_argument("--date", type=_date, metavar="日期", help="按哪一天运行 YYYY-MM-DD(默认今天)")
    rm.set_defaults(run=_cmd_remind)

    it = sub.add_parser("init", help="首次启动:导入文档(默认为示例计划)、创建督查室账号、评估全部任务")
    it.add_argument("files", nargs="*", metavar="文件", help="要导入的文档(不给则导入示例计划)")
    it.add_argument("--office", default="office", metavar="账号", help="督查室账号名")
    it.set_defaults(run=_cmd_init)

    sv = sub.add_parser("serve", help="启动网站(生产级服务器 waitress;静态文件由督办自己提供)")
    sv.add_argument("--host", default="127.0.0.1", metavar="地址", help="监听地址(默认 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, metavar="端口", help="端口(默认 8000)")
    sv.add_argument("--threads", type=int, default=8, metavar="线程数", help="工作线程数(默认 8)")
    sv.set_defaults(run=_cmd_serve)

    mg = sub.add_parser("manage", help="Django 管理命令(migrate、createsuperuser、shell …)")
    mg.add_argument("rest", nargs=argparse.REMAINDER, metavar="参数", help="传给 Django 管理命令的参数")
    mg.set_defaults(run=_cmd_manage)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A command prints what it did; the audit's log lines are the server's (read when the settings load).
    quiet = args.command != "serve" and "DUBAN_AUDIT_LOG_LEVEL" not in os.environ
    if quiet:
        os.environ["DUBAN_AUDIT_LOG_LEVEL"] = "WARNING"
    try:
        return args.run(args)
    except DubanError as e:
        print(f"duban: {e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `duban status | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    finally:
        if quiet:
            os.environ.pop("DUBAN_AUDIT_LOG_LEVEL", None)
