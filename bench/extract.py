"""Extraction speed over the seeds in one warm process: documents/s and MB/s; import time.

    python bench/extract.py [SEEDS_DIR] [--rounds N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def import_seconds() -> float:
    """`import duban.extract` in a fresh interpreter (best of 5)."""
    code = "import time; t=time.perf_counter(); import duban.extract; print(time.perf_counter()-t)"
    return min(float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT)) for _ in range(5))


def cold_seconds(doc: Path) -> float:
    """One `extract` in a fresh interpreter, imports and word lists included (best of 3)."""
    code = ("import sys, time; t=time.perf_counter(); from duban.extract import extract; "
            "extract(sys.argv[1]); print(time.perf_counter()-t)")
    return min(float(subprocess.check_output([sys.executable, "-c", code, str(doc)], cwd=ROOT)) for _ in range(3))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from duban.extract import extract

    docs = sorted(Path(a.seeds).glob("*.txt"))
    size = sum(d.stat().st_size for d in docs)
    for d in docs:  # warm: OpenCC dictionaries, regexes, word lists
        extract(d)
    rounds = []
    for _ in range(a.rounds):
        t = time.perf_counter()
        for d in docs:
            extract(d)
        rounds.append(time.perf_counter() - t)
    best, median = min(rounds), statistics.median(rounds)
    print(f"documents: {len(docs)}, {size / 1024:.1f} KB")
    print(f"all documents, best of {a.rounds}: {best * 1000:.1f} ms (median {median * 1000:.1f} ms)")
    print(f"throughput: {len(docs) / median:.0f} documents/s, {size / median / 1e6:.2f} MB/s (median)")
    for d in docs:
        t = time.perf_counter()
        plan = extract(d)
        print(f"  {d.name}: {(time.perf_counter() - t) * 1000:.1f} ms, {len(plan.tasks)} tasks")
    print(f"import duban.extract: {import_seconds():.3f} s (goal <= 0.3 s)")
    print(f"first extraction in a fresh process ({docs[0].name}, imports included): {cold_seconds(docs[0]):.3f} s")


if __name__ == "__main__":
    main()
