"""Reading a document in a worker process with a hard time and memory limit: what the web runs.

The readers bound what they expand (limits.py), but a parse still costs up to the wall-time limit
and its CPU, and a format library may expand something no check foresaw. In the web server's own
process either would hold other requests back (the GIL, or memory shared by every thread), so the
import page runs extraction here instead:

    extracted = extract_isolated(data, "计划.xlsx", year=2024)  # or DubanError, as read_bytes raises
    extracted.plan, extracted.format, extracted.preamble

Each document gets a fresh process forked from a forkserver that has the format libraries loaded
(so a job starts in milliseconds, not the second an import takes). In it, RLIMIT_AS caps the address
space at the idle worker's plus MEMORY_BUDGET, and the parent kills it past the wall-time limit (plus
a grace for the child's own, politer, refusal). At most WORKERS documents are read at once; the
others wait their turn. Nothing of the document stays in the server's process but the result.
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
from dataclasses import dataclass

from duban.errors import DocumentLimitExceeded, DubanError, UnreadableDocument
from duban.extract import limits

WORKERS = 2  # documents read at once (each may take MEMORY_BUDGET)
GRACE = 5.0  # seconds the parent waits beyond the limit before it kills the worker
_PRELOAD = ["duban.extract.isolated", "duban.extract.warm"]

log = logging.getLogger("duban.extract")
_slots = threading.BoundedSemaphore(WORKERS)
_context = None
_context_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Extracted:
    plan: dict | None  # duban.plan/1 (None when only the preamble was asked for)
    format: str        # txt, docx, xlsx, xls, html, pdf
    preamble: str      # the document's first 30 lines of text (the genre is told by them)


def extract_isolated(data: bytes, source: str, *, year: int | None = None, plan: bool = True,
                     seconds: float | None = None, memory: int = limits.MEMORY_BUDGET) -> Extracted:
    """Read (and unless plan=False extract) a document in a worker process; raises what read_bytes
    raises, and DocumentLimitExceeded when the worker ran out of time or memory."""
    seconds = limits.DEFAULT.seconds if seconds is None else seconds
    context = _forkserver()
    if context is None:  # no fork on this platform: the readers' own limits only
        return _extract(data, source, year, plan, limits.Limits(seconds=seconds))
    with _slots:
        receive, send = context.Pipe(duplex=False)
        worker = context.Process(target=_child, args=(send, data, source, year, plan, seconds, memory),
                                 name="duban-extract", daemon=True)
        worker.start()
        send.close()
        answer, timed_out = None, False
        try:
            if receive.poll(seconds + GRACE):
                answer = receive.recv()
            else:
                timed_out = True
        except EOFError:  # died without a word: killed for its memory, or crashed
            pass
        finally:
            receive.close()
            if answer is None and worker.is_alive():
                worker.kill()
            worker.join(5)
    if answer is None:
        budget = limits.Budget(source, limits.Limits(seconds=seconds, memory_bytes=memory))
        raise budget.refuse("seconds" if timed_out else "memory_bytes")
    kind, payload = answer
    if kind == "ok":
        return payload
    if kind == "error":
        raise payload
    log.error("extraction worker failed on %s: %s", source, payload)
    raise UnreadableDocument(source, "文档读取出错(已记录),请另存为其他格式后重试", code="corrupt")


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            try:
                context = multiprocessing.get_context("forkserver")
            except ValueError:
                return None
            context.set_forkserver_preload(_PRELOAD)
            _context = context
        return _context


def _extract(data: bytes, source: str, year: int | None, plan: bool, bounds: limits.Limits) -> Extracted:
    from duban.extract.pipeline import extract_document
    from duban.extract.readers import read_bytes

    with limits.reading(source, bounds):
        document = read_bytes(data, source)
        preamble = "\n".join(b.text for b in document.lines()[:30])
        extraction = extract_document(document, year=year).as_json() if plan else None
    return Extracted(extraction, document.format, preamble)


def _child(send, data: bytes, source: str, year: int | None, plan: bool, seconds: float, memory: int) -> None:
    """In the worker: cap the address space, extract, send ("ok", Extracted) or ("error", DubanError)."""
    _limit_memory(memory)
    started = time.monotonic()
    try:
        answer = ("ok", _extract(data, source, year, plan, limits.Limits(seconds=seconds, memory_bytes=memory)))
    except DubanError as e:
        answer = ("error", e)
    except MemoryError:
        answer = ("error", DocumentLimitExceeded(source, limits.describe("memory_bytes", memory), limit="memory_bytes"))
    except BaseException:
        answer = ("crash", f"after {time.monotonic() - started:.1f} s\n{traceback.format_exc()}")
    del data
    try:
        send.send(answer)
    except MemoryError:
        send.send(("error", DocumentLimitExceeded(source, limits.describe("memory_bytes", memory), limit="memory_bytes")))
    send.close()


def _limit_memory(memory: int) -> None:
    """RLIMIT_AS: the address space the idle worker has mapped, plus the budget."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on a POSIX system
        return
    mapped = _mapped_bytes()
    if mapped is None:
        return
    cap = mapped + memory
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


__all__ = ["GRACE", "WORKERS", "Extracted", "extract_isolated"]
