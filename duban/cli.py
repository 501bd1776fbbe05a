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


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="duban", description="督办: 重点任务督查督办系统")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="读取计划或进展文档,输出 duban.plan/1 JSON")
    ex.add_argument("file")
    ex.add_argument("--year", type=int, default=None, help="计划年度(文档没有写明年份时)")
    ex.add_argument("--indent", type=int, default=1)
    ex.set_defaults(run=_cmd_extract)
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
