"""A deterministic mutation fuzzer for the extractor: no input may crash it or take long.

The seeds (/work/shared/seeds) and the corpus (/work/shared/corpus/docs) are rendered to every
format (text, Word, Excel, HTML, PDF, as tests/render.py does for the format tests); each case takes
one of those files and mutates it — bytes flipped, inserted, cut, spliced; for a .docx/.xlsx the XML
inside the package; numbers made huge; hostile text inserted (400-digit figures, 亿亿亿…, deep tags,
wide spans, odd encodings) — then reads and extracts it as `duban extract` does. A case passes when
it yields a plan or the project's own error (DubanError) within MAX_SECONDS; anything else — an
uncaught exception, or a case over the time — is a failure, saved with its case number. The time
is the case's CPU time (time.process_time): on a shared machine the wall clock measures the
neighbours; both are reported.

Case i depends only on (seed, i): `--case i` replays one.

    python -m tests.extract.fuzz --cases 2000            # the CI run (tests/extract/test_fuzz.py)
    python -m tests.extract.fuzz --cases 100000 --jobs 2 --out /tmp/fuzz-finds   # the long run
    python -m tests.extract.fuzz --seed 12 --case 4711   # replay one case
"""
from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "seeds", SHARED / "corpus" / "docs"]
FORMATS = ("txt", "docx", "xlsx", "html", "pdf")
MAX_SECONDS = 5.0
SEED_LINES = 60  # a seed is cut to its first lines: the formats matter more than the length

HOSTILE_TEXT = [
    "9" * 400, "1" * 40 + "万亿元", "亿" * 60, "九" + "亿" * 45 + "个", "1e400", "-0", "NaN", "∞",
    "12345678901234567890.5%", "0." + "0" * 300 + "1%", "1" + ",000" * 100 + "元",
    "\x00", "\ufeff", "\u202e", "\u200b" * 50, "𠀀𪚥", "\ufffd", "\r", "\t" * 200, "\x0c",
    "（" * 500, "【" * 300, "“" * 300, "1." * 500, "一、" * 300, "(一)" * 300, "1.1.1.1.1.1.1.1.1.1.1.",
    "2024年13月45日", "9999年99月99日前", "12月31日前" * 100, "每季度" * 100, "截至" * 100,
    "牵头单位:" * 200, "责任单位:市" + "、市" * 500 + "局", "配合单位:" + "局," * 400,
    "任" * 50_000, "完成" * 10_000 + "%", "\n" * 3000, "\n1.\n" * 2000, "|" * 2000, "|a|b|\n" * 500,
]
HOSTILE_MARKUP = [
    "<b>" * 300, "<div>" * 500, "</td>" * 200, "<table><tr><td colspan=999 rowspan=999>x</td></tr></table>",
    "<td rowspan=0>", "<td colspan=-5>", "&#xFFFFFFF;", "&#99999999999;", "&#0;", "&nbsp;" * 1000,
    "<![CDATA[", "]]>", "<!--", "<?xml?>", '<meta charset="x-unknown">', '<meta charset="utf-16">',
    "<script>" + "x" * 1000, "<pre>" + "\n" * 500, "<br>" * 2000,
]
HUGE_NUMBERS = [b"0", b"-1", b"999", b"1000", b"65535", b"99999999", b"2147483648", b"9" * 30, b"-99999999"]


@dataclass
class Outcome:
    case: int
    base: str
    ok: bool
    seconds: float  # CPU time of the case
    what: str = ""  # "plan: 12 tasks", the refusal, or the traceback
    kind: str = ""  # plan, refused, crash
    wall: float = 0.0  # wall-clock time of the case


@dataclass
class Summary:
    cases: int = 0
    plans: int = 0
    refused: int = 0
    failures: list[Outcome] = field(default_factory=list)
    slow: list[Outcome] = field(default_factory=list)
    slowest: float = 0.0  # CPU seconds
    slowest_wall: float = 0.0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.cases} cases in {self.seconds:.0f} s: {self.plans} plans, {self.refused} refused, "
                f"{len(self.failures)} crashes, {len(self.slow)} over {MAX_SECONDS:g} s of CPU (slowest {self.slowest:.2f} s CPU, "
                f"{self.slowest_wall:.2f} s wall)")


# ------------------------------------------------------------------------------------------- bases


def base_documents(folder: Path) -> dict[str, bytes]:
    """Every seed and corpus document (seeds cut to SEED_LINES lines) in every format: name -> bytes."""
    from duban.extract.readers import read_bytes
    from tests import render

    out: dict[str, bytes] = {}
    for source in SOURCES:
        for path in sorted(source.glob("*.txt")):
            lines = path.read_text("utf-8").splitlines()
            text = "\n".join(lines[:SEED_LINES]) if source.name == "seeds" else "\n".join(lines)
            data = text.encode("utf-8")
            out[f"{path.stem}.txt"] = data
            doc = read_bytes(data, path.name)
            for fmt, writer in (("docx", render.to_docx), ("xlsx", render.to_xlsx), ("html", render.to_html),
                                ("pdf", render.to_pdf)):
                target = folder / f"{path.stem}.{fmt}"
                if not target.exists():
                    writer(doc, target)
                out[target.name] = target.read_bytes()
    return out


# --------------------------------------------------------------------------------------- mutations


def _bytes_mutation(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    b = bytearray(data)
    op = rng.randrange(8)
    n = len(b)
    at = rng.randrange(n + 1)
    if op == 0 and n:  # flip bytes
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(n)
            b[i] = rng.randrange(256)
    elif op == 1:  # insert random bytes
        b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif op == 2 and n:  # cut a range
        del b[at:at + rng.randint(1, max(1, n // 8))]
    elif op == 3 and n:  # duplicate a range
        piece = b[at:at + rng.randint(1, 4096)]
        b[at:at] = piece * rng.randint(1, 20)
    elif op == 4:  # truncate
        del b[rng.randrange(n + 1):]
    elif op == 5 and others:  # splice another document in
        other = rng.choice(others)
        j = rng.randrange(len(other) + 1)
        b[at:] = other[j:j + rng.randint(1, 65536)]
    elif op == 6:  # hostile text, encoded
        b[at:at] = rng.choice(HOSTILE_TEXT + HOSTILE_MARKUP).encode(rng.choice(["utf-8", "gb18030", "utf-16-le"]),
                                                                     "replace")
    else:  # a number made huge
        b = bytearray(_numbers_mutation(rng, bytes(b)))
    return bytes(b)


_NUMBER = re.compile(rb"\d+")


def _numbers_mutation(rng: random.Random, data: bytes) -> bytes:
    spots = [m.span() for _, m in zip(range(2000), _NUMBER.finditer(data))]
    if not spots:
        return data
    out = data
    for start, end in sorted(rng.sample(spots, min(len(spots), rng.randint(1, 6))), reverse=True):
        out = out[:start] + rng.choice(HUGE_NUMBERS) + out[end:]
    return out


def _text_mutation(rng: random.Random, data: bytes) -> bytes:
    """Hostile text or markup inserted between characters (markup only where it is markup)."""
    text = data.decode("utf-8", "replace")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        pool = HOSTILE_TEXT + (HOSTILE_MARKUP if "<" in text[:200] else [])
        text = text[:at] + rng.choice(pool) + text[at:]
    return text.encode("utf-8", "surrogatepass")


def _package_mutation(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    """Mutate the XML (or any member) inside a .docx/.xlsx and zip it again."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i, z.read(i)) for i in z.infolist()]
    except Exception:
        return _bytes_mutation(rng, data, others)
    k = rng.randrange(len(members))
    info, content = members[k]
    op = rng.randrange(5)
    if op == 0:
        content = _numbers_mutation(rng, content)
    elif op == 1:
        content = _text_mutation(rng, content)
    elif op == 2 and content:  # duplicate an element-sized slice (rows, cells, runs)
        at = content.find(b"<", rng.randrange(len(content)))
        end = content.find(b">", at + 1) if at >= 0 else -1
        close = content.find(b"</", end) if end >= 0 else -1
        if close > 0:
            close = content.find(b">", close)
            piece = content[at:close + 1]
            content = content[:at] + piece * rng.randint(2, 50) + content[at:]
    elif op == 3:
        content = _bytes_mutation(rng, content, others)
    else:  # drop the member
        del members[k]
        content = None
    if content is not None:
        members[k] = (info, content)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, c in members:
            z.writestr(i.filename, c)
    return out.getvalue()


def mutate(rng: random.Random, name: str, data: bytes, others: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 3)):
        if name.endswith((".docx", ".xlsx")) and rng.random() < 0.7:
            data = _package_mutation(rng, data, others)
        elif name.endswith((".txt", ".html")) and rng.random() < 0.5:
            data = _text_mutation(rng, data)
        else:
            data = _bytes_mutation(rng, data, others)
    return data


# -------------------------------------------------------------------------------------------- cases


def make_case(seed: int, case: int, bases: dict[str, bytes]) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{case}")
    names = sorted(bases)
    name = rng.choice(names)
    others = [bases[n] for n in rng.sample(names, 3)]
    data = mutate(rng, name, bases[name], others)
    if rng.random() < 0.1:  # the suffix is only a hint: lie about it now and then
        name = name.rsplit(".", 1)[0] + "." + rng.choice(FORMATS)
    return name, data


def run_case(case: int, name: str, data: bytes) -> Outcome:
    """Read and extract as `duban extract` does; a plan or a DubanError passes."""
    from duban.errors import DubanError
    from duban.extract import limits
    from duban.extract.pipeline import extract_document
    from duban.extract.readers import read_bytes

    start, cpu = time.perf_counter(), time.process_time()
    try:
        with limits.reading(name):
            plan = extract_document(read_bytes(data, name))
            plan.as_json()
        what, ok, kind = f"plan: {len(plan.tasks)} tasks", True, "plan"
    except DubanError as e:
        what, ok, kind = f"refused: {e.message}", True, "refused"
    except BaseException as e:  # what the fuzzer is looking for
        if isinstance(e, KeyboardInterrupt):
            raise
        what, ok, kind = "".join(traceback.format_exception(e)), False, "crash"
    return Outcome(case, name, ok, time.process_time() - cpu, what, kind, time.perf_counter() - start)


def run(seed: int, cases: range, bases: dict[str, bytes], out: Path | None = None,
        progress: bool = False) -> Summary:
    summary = Summary()
    began = time.perf_counter()
    for case in cases:
        name, data = make_case(seed, case, bases)
        outcome = run_case(case, name, data)
        summary.cases += 1
        summary.slowest = max(summary.slowest, outcome.seconds)
        summary.slowest_wall = max(summary.slowest_wall, outcome.wall)
        if not outcome.ok:
            summary.failures.append(outcome)
        elif outcome.kind == "plan":
            summary.plans += 1
        else:
            summary.refused += 1
        if outcome.seconds > MAX_SECONDS:
            summary.slow.append(outcome)
        if out is not None and (not outcome.ok or outcome.seconds > MAX_SECONDS):
            out.mkdir(parents=True, exist_ok=True)
            (out / f"case-{seed}-{case}-{name}").write_bytes(data)
            (out / f"case-{seed}-{case}.txt").write_text(
                f"{outcome.seconds:.2f} s CPU, {outcome.wall:.2f} s wall\n{outcome.what}", "utf-8")
        if progress and summary.cases % 500 == 0:
            summary.seconds = time.perf_counter() - began
            print(summary.line(), file=sys.stderr, flush=True)
    summary.seconds = time.perf_counter() - began
    return summary


def _worker(args: tuple[int, int, int, str, str | None]) -> Summary:
    seed, first, last, folder, out = args
    bases = base_documents(Path(folder))
    return run(seed, range(first, last), bases, Path(out) if out else None, progress=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--first", type=int, default=0, help="the first case number")
    ap.add_argument("--case", type=int, help="replay this one case and print its outcome")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", help="save each failing case's input and outcome here")
    ap.add_argument("--bases", help="where the rendered documents are kept (a temporary folder otherwise)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    folder = Path(a.bases) if a.bases else Path(tempfile.mkdtemp(prefix="duban-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    bases = base_documents(folder)
    if a.case is not None:
        name, data = make_case(a.seed, a.case, bases)
        outcome = run_case(a.case, name, data)
        print(f"case {a.case} ({name}, {len(data)} bytes): {outcome.seconds:.2f} s CPU, {outcome.wall:.2f} s wall\n"
              f"{outcome.what}")
        return 0 if outcome.ok and outcome.seconds <= MAX_SECONDS else 1
    if a.jobs > 1:
        import multiprocessing

        step = -(-a.cases // a.jobs)
        chunks = [(a.seed, a.first + k, min(a.first + a.cases, a.first + k + step), str(folder), a.out)
                  for k in range(0, a.cases, step)]
        with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
            parts = pool.map(_worker, chunks)
        summary = Summary()
        for p in parts:
            summary.cases += p.cases
            summary.plans += p.plans
            summary.refused += p.refused
            summary.failures += p.failures
            summary.slow += p.slow
            summary.slowest = max(summary.slowest, p.slowest)
            summary.slowest_wall = max(summary.slowest_wall, p.slowest_wall)
            summary.seconds = max(summary.seconds, p.seconds)
    else:
        summary = run(a.seed, range(a.first, a.first + a.cases), bases, Path(a.out) if a.out else None, progress=True)
    print(summary.line())
    for o in summary.failures[:20] + summary.slow[:20]:
        print(f"-- case {o.case} ({o.base}) {o.seconds:.2f} s CPU, {o.wall:.2f} s wall\n{o.what}")
    return 1 if summary.failures or summary.slow else 0


if __name__ == "__main__":
    sys.exit(main())
