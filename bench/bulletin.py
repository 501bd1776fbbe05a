"""A bulletin of seed 003's 128 tasks: import it, create the bulletin, time each renderer.

    .venv/bin/python bench/bulletin.py [SEEDS_DIR]

Runs on a fresh SQLite database in a temporary data dir. The target: .docx in ≤ 2 s.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DUBAN_DATA_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
os.environ.pop("DUBAN_DATABASE_URL", None)
LIMIT_DOCX = 2.0


def main() -> int:
    seeds = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DUBAN_SEEDS", ROOT.parent / "shared" / "seeds"))
    source = next(seeds.glob("003_*.txt"), None)
    if source is None:
        print(f"seed 003 not found in {seeds}", file=sys.stderr)
        return 2
    from duban.django_setup import ensure_schema

    ensure_schema()
    from duban.bulletins.render import FORMATS, render
    from duban.bulletins.services import content_of, create_bulletin
    from duban.ledger.importer import import_file
    from duban.ledger.models import Plan

    t0 = time.perf_counter()
    summary = import_file(source)
    plan = Plan.objects.get(pk=summary.plan_id)
    t1 = time.perf_counter()
    bulletin = create_bulletin(None, plan, date(plan.year, 11, 30))
    t2 = time.perf_counter()
    content = content_of(bulletin)
    t3 = time.perf_counter()
    print(f"seed 003: {plan.tasks.count()} tasks; import {t1 - t0:.2f} s, create bulletin (snapshot) {t2 - t1:.2f} s, "
          f"build content {t3 - t2:.3f} s")
    worst = {}
    for fmt in FORMATS:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            data = render(content, fmt)
            times.append(time.perf_counter() - start)
        worst[fmt] = max(times)
        print(f"  {fmt:5} {len(data) / 1024:8.1f} KiB   first {times[0]:.3f} s   best {min(times):.3f} s")
    ok = worst["docx"] <= LIMIT_DOCX
    print(f"docx of {len(content.tasks)} tasks: {worst['docx']:.2f} s (limit {LIMIT_DOCX:.0f} s) {'OK' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
