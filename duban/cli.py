"""The `duban` command: a thin front over the library and the services."""
from __future__ import annotations

import argparse
import json
import sys

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
            summary = import_file(path, actor_name=args.actor, year=args.year)
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


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="duban", description="督办: 重点任务督查督办系统")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="读取计划或进展文档,输出 duban.plan/1 JSON")
    ex.add_argument("file")
    ex.add_argument("--year", type=int, default=None, help="计划年度(文档没有写明年份时)")
    ex.add_argument("--indent", type=int, default=1)
    ex.set_defaults(run=_cmd_extract)

    im = sub.add_parser("import", help="抽取文档并存入台账(每个文件要么全部导入,要么不变)")
    im.add_argument("files", nargs="+")
    im.add_argument("--year", type=int, default=None)
    im.add_argument("--actor", default="cli", help="记入审计的操作人")
    im.set_defaults(run=_cmd_import)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except DubanError as e:
        print(f"duban: {e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
