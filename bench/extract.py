"""Extraction speed over the seeds and the corpus in one warm process: documents/s and MB/s, the ratio
to a read + Traditional→Simplified + three regexes pass over the same text; import and cold start.

    python bench/extract.py [FOLDER ...] [--rounds N]
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


def bound_pass(docs: list[Path]) -> None:
    """What any extractor must do at least: read and decode, Traditional→Simplified, three regexes."""
    import re

    from duban.extract.normalize import normalize
    from duban.extract.readers.txt import decode

    numbers, units, sentences = re.compile(r"\d+(?:\.\d+)?"), re.compile(r"(?:牵头|责任|配合)单位"), re.compile(r"[。;]")
    for d in docs:
        text = normalize(decode(d.read_bytes(), d.name))
        numbers.findall(text), units.findall(text), sentences.split(text)


def timed(fn, docs, rounds: int) -> float:
    fn(docs)  # warm: OpenCC dictionaries, regexes, word lists
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn(docs)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "seeds"),
                                                    str(ROOT.parent / "shared" / "corpus" / "docs")])
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from duban.extract import extract

    def run(docs):
        for d in docs:
            extract(d)

    every = []
    for folder in a.folders:
        docs = sorted(Path(folder).glob("*.txt"))
        every += docs
        size = sum(d.stat().st_size for d in docs)
        median = timed(run, docs, a.rounds)
        print(f"{folder}: {len(docs)} documents, {size / 1024:.1f} KB: {median * 1000:.1f} ms (median of {a.rounds}), "
              f"{len(docs) / median:.0f} documents/s, {size / median / 1e6:.2f} MB/s")
    size = sum(d.stat().st_size for d in every)
    median = timed(run, every, a.rounds)
    bound = timed(bound_pass, every, a.rounds)
    print(f"all: {size / median / 1e6:.2f} MB/s (goal >= 2 MB/s); read + t2s + 3 regexes: {bound * 1000:.1f} ms, "
          f"extraction {median * 1000:.1f} ms = {median / bound:.1f}x that bound")
    for d in every:
        t = time.perf_counter()
        plan = extract(d)
        print(f"  {d.name}: {(time.perf_counter() - t) * 1000:.1f} ms, {len(plan.tasks)} tasks")
    print(f"import duban.extract: {import_seconds():.3f} s (goal <= 0.3 s)")
    print(f"first extraction in a fresh process ({every[0].name}, imports included): {cold_seconds(every[0]):.3f} s")


if __name__ == "__main__":
    main()
