"""Moving a whole ledger between databases (SQLite → PostgreSQL, one server to another).

    dump(path)                 every row of the ledger, accounts included, into one file
    load(path, replace=False)  that file into an empty ledger, primary keys kept

The file (`duban.ledger/1`) is JSON, gzipped when the name ends in `.gz`:

    {"format": "duban.ledger/1", "created": "2024-07-01T08:00:00+00:00",
     "counts": {"ledger.plan": 3, ...},
     "objects": [{"model": "ledger.plan", "pk": 1, "fields": {...}}, ...]}

The objects are Django's "python" serialization, one per line, in dependency order: binary
fields (a source document's bytes) are base64, datetimes keep their microseconds, references to
accounts and permissions are natural keys (permission ids differ from one database to another).
What is dumped: accounts (auth.Group, auth.User with their groups and permissions) and every
model of the duban apps (ledger, people, …) but NOT_MOVED. Sessions and the admin's own history are
not dumped; a load with replace=True deletes them with the accounts.

A dump is written to a temporary file and renamed, so a failed dump leaves nothing. A load
streams the file (a batch of rows in memory at a time) in one transaction: it refuses a ledger
that already holds data (unless replace=True, which first deletes it) and a file that is not
whole — not JSON, another format, cut short, rows missing — and then nothing has changed; it
checks the row counts against the file's before committing. check(path) reads a file through
without loading it.
"""
from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import zlib
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from duban.errors import TransferError

FORMAT = "duban.ledger/1"
# Models that moved to another app since a dump was written: the old label → the new one.
MOVED = {"ledger.auditentry": "core.auditentry"}
ACCOUNT_MODELS = ("auth.Group", settings.AUTH_USER_MODEL)
# short-lived throttling records, not part of the ledger; the trend's points, computed again from the history
NOT_MOVED = frozenset({"people.loginfailure", "ledger.trendpoint", "ledger.tasktally", "ledger.leadtally",
                       "ledger.milestonetally"})


# ----------------------------------------------------------------------------------- models


def transfer_models() -> list:
    """The models a dump holds, each after the models it refers to."""
    chosen = [apps.get_model(label) for label in ACCOUNT_MODELS]
    chosen += [m for config in apps.get_app_configs() if config.name.startswith("duban.")
               for m in config.get_models() if _label(m) not in NOT_MOVED]
    return _dependency_order(chosen)


def _dependency_order(models: list) -> list:
    members = set(models)
    deps = {}
    for m in models:
        related = [f.related_model for f in m._meta.get_fields() if f.concrete and f.is_relation]
        deps[m] = {r for r in related if r in members and r is not m}
    ordered, placed = [], set()
    while len(ordered) < len(models):
        ready = [m for m in models if m not in placed and deps[m] <= placed]
        if not ready:  # a cycle (none today): keep the declared order, the constraints are deferred
            ready = [next(m for m in models if m not in placed)]
        for m in ready:
            ordered.append(m)
            placed.add(m)
    return ordered


def _label(model) -> str:
    return model._meta.label_lower


def counts_line(counts: dict[str, int]) -> str:
    """计划 3、任务 40、… for a CLI line."""
    parts = []
    for label, n in counts.items():
        try:
            name = apps.get_model(label)._meta.verbose_name
        except LookupError:
            name = label
        parts.append(f"{name} {n}")
    return "、".join(parts)


# ------------------------------------------------------------------------------------- dump


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds (it cuts them to ms)."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def dump(path: str | Path, *, using: str = "default", batch: int = 2000) -> dict[str, int]:
    """Write the whole ledger to `path` (gzip when it ends in .gz); return the row counts."""
    path = Path(path)
    models = transfer_models()
    connection = connections[using]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                # Every count and row from one moment (a SQLite transaction reads one snapshot anyway).
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            counts = {_label(m): m._base_manager.using(using).count() for m in models}
            with _open_for_writing(tmp, gz=path.name.endswith(".gz"), name=path.name) as out:
                header = {"format": FORMAT, "created": timezone.now().isoformat(timespec="seconds"),
                          "counts": counts}
                out.write(json.dumps(header, ensure_ascii=False)[:-1] + ',\n"objects": [')
                first = True
                serializer = serializers.get_serializer("python")()
                for model in models:
                    written = 0
                    # A few rows at a time where they carry whole documents.
                    size = 16 if any(f.get_internal_type() == "BinaryField" for f in model._meta.concrete_fields) \
                        else batch
                    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=size)
                    for chunk in _chunks(rows, size):
                        for obj in serializer.serialize(chunk, use_natural_foreign_keys=True):
                            out.write(("\n" if first else ",\n") + json.dumps(obj, cls=_Encoder, ensure_ascii=False))
                            first = False
                            written += 1
                    if written != counts[_label(model)]:  # cannot happen inside one snapshot; never write a lie
                        raise TransferError(f"导出时 {model._meta.verbose_name} 的条数变了,请重试")
                out.write("\n]}\n")
        os.replace(tmp, path)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise TransferError(f"{path}: 无法写入({e.strerror or e})", code="cannot_write") from e
        raise
    return counts


@contextmanager
def _open_for_writing(tmp: Path, *, gz: bool, name: str):
    """A UTF-8 text stream into `tmp` (gzip inside when asked), flushed to disk on a clean exit."""
    with open(tmp, "wb") as raw:
        packed = gzip.GzipFile(filename=name, mode="wb", fileobj=raw, compresslevel=6) if gz else None
        text = io.TextIOWrapper(packed or raw, encoding="utf-8", newline="\n")
        yield text
        text.detach()  # flushes, leaves `raw` open
        if packed:
            packed.close()  # the gzip trailer
        raw.flush()
        os.fsync(raw.fileno())


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ------------------------------------------------------------------------------------- load


def check(path: str | Path) -> dict[str, int]:
    """Read a dump file through without loading it: its row counts, or TransferError saying why not."""
    with _reading(path) as (header, objects):
        seen = defaultdict(int)
        known = {_label(m) for m in transfer_models()}
        for o in objects:
            if o["model"] not in known:
                raise _unknown(path, o["model"])
            seen[o["model"]] += 1
        _check_counts(path, header, seen)
    return header["counts"]


def load(path: str | Path, *, replace: bool = False, using: str = "default", batch: int = 500) -> dict[str, int]:
    """Load a dump into this database's ledger, all or nothing; return the row counts loaded.

    The file is streamed (a batch of rows in memory at a time) inside one transaction: whatever is
    wrong with it, found on the first line or the last, undoes everything."""
    name = Path(path).name
    models = transfer_models()
    connection = connections[using]
    try:
        with _reading(path) as (header, objects), transaction.atomic(using=using):
            present = _present(models, using)
            if present and not replace:
                first = ("ledger.plan", "ledger.task", "ledger.unit", "auth.user")
                present.sort(key=lambda mn: first.index(_label(mn[0])) if _label(mn[0]) in first else len(first))
                listed = "、".join(f"{m._meta.verbose_name} {n} 条" for m, n in present[:4])
                listed += "等" if len(present) > 4 else ""
                raise TransferError(f"目标台账不是空的({listed}),不能载入 {name};"
                                    "如要用文件的内容替换现有台账,请指定替换(replace)", code="not_empty")
            if present:
                _wipe(models, using)
            seen = _insert_all(path, objects, models, using, batch)
            from duban.ledger.models.plans import refresh_sort_keys

            refresh_sort_keys(using=using, only_missing=True)  # a dump made before tasks had one
            _check_counts(path, header, seen)
            _reset_sequences(models, connection)
            loaded = {_label(m): m._base_manager.using(using).count() for m in models}
            expected = {_label(m): header["counts"].get(_label(m), 0) for m in models}
            if loaded != expected:
                diff = "、".join(f"{label} 应为 {expected[label]} 实为 {loaded[label]}"
                                for label in loaded if loaded[label] != expected[label])
                raise TransferError(f"载入后的条数与文件不符({diff}),已全部撤销", code="count_mismatch")
    except TransferError:
        raise
    except (DatabaseError, DeserializationError, ValidationError, LookupError, ValueError, TypeError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise TransferError(f"{name}: 内容无法载入数据库,已全部撤销:{reason}", code="load_failed") from e
    return {label: n for label, n in loaded.items() if n}


# -------------------------------------------------------------------------- reading a file


def _bad(path, reason: str) -> TransferError:
    return TransferError(f"{Path(path).name}: {reason}", code="bad_file")


def _not_json(path) -> TransferError:
    return _bad(path, "不是台账导出文件(无法解析为 JSON,文件可能不完整)")


def _unknown(path, label: str) -> TransferError:
    return _bad(path, f"文件中有本系统不认识的数据类型:{label}")


@contextmanager
def _reading(path: str | Path):
    """(header, objects): the checked header, and an iterator over the objects, each checked.

    A file as dump() writes it (the header on the first line, `"objects": [` on the second, one
    object a line, `]}` at the end) is streamed; any other JSON layout is parsed whole."""
    path = Path(path)
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise TransferError(f"{path.name}: 文件不存在", code="not_found") from None
    except OSError as e:
        raise _bad(path, f"无法读取文件({e.strerror})") from None
    with raw:
        packed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if packed else raw
        text = io.TextIOWrapper(stream, encoding="utf-8")
        lines = _guarded(path, text, packed)
        first, second = next(lines, ""), next(lines, "")
        header = _streamed_header(first)
        if header is not None and second.strip() == '"objects": [':
            _check_header(path, header)
            objects = _streamed_objects(path, lines)
        else:  # another layout: the whole document at once
            header = _parse(path, first + second + "".join(lines))
            _check_header(path, header)
            objects = header.pop("objects", None)
            if not isinstance(objects, list):
                raise _bad(path, "台账导出文件结构不完整")
        yield header, (_checked(path, o) for o in objects)


def _guarded(path, text, packed: bool):
    """The lines of the file, with a damaged file's errors told in words."""
    try:
        yield from text
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
        raise _bad(path, "压缩文件不完整或已损坏" if packed else "无法读取文件") from None
    except UnicodeDecodeError:
        raise _not_json(path) from None


def _streamed_header(line: str) -> dict | None:
    if not line.startswith('{"format"') or not line.rstrip().endswith(","):
        return None
    try:
        header = json.loads(line.rstrip()[:-1] + "}")
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def _streamed_objects(path, lines):
    ended = False
    for line in lines:
        line = line.strip()
        if ended:
            if line:
                raise _not_json(path)
            continue
        if line == "]}":
            ended = True
            continue
        yield _parse(path, line[:-1] if line.endswith(",") else line)
    if not ended:  # cut short
        raise _not_json(path)


def _parse(path, text: str):
    try:
        return json.loads(text)
    except ValueError:
        raise _not_json(path) from None


def _check_header(path, header) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise _bad(path, f"不是台账导出文件(格式标记应为 {FORMAT},实为 {found or '无'})")
    counts = header.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
        raise _bad(path, "台账导出文件结构不完整(缺少条数)")
    header["counts"] = counts = {MOVED.get(label, label): n for label, n in counts.items()}
    known = {_label(m) for m in transfer_models()}
    unknown = sorted(set(counts) - known)
    if unknown:
        raise _unknown(path, "、".join(unknown))


def _checked(path, o):
    if not isinstance(o, dict) or not isinstance(o.get("model"), str) or not isinstance(o.get("fields"), dict):
        raise _bad(path, "台账导出文件结构不完整")
    o["model"] = MOVED.get(o["model"], o["model"])
    return o


def _check_counts(path, header: dict, seen: dict[str, int]) -> None:
    counts = header["counts"]
    wrong = [label for label in set(seen) | set(counts) if seen.get(label, 0) != counts.get(label, 0)]
    if wrong:
        raise _bad(path, f"文件内容与其记载的条数不符({'、'.join(sorted(wrong))}),文件可能不完整")


# ------------------------------------------------------------------------- writing the rows


def _present(models, using) -> list[tuple]:
    return [(m, n) for m in models if (n := m._base_manager.using(using).count())]


def _wipe(models, using) -> None:
    """Delete the ledger and the accounts, and what only points at them (sessions, admin history)."""
    connection = connections[using]
    tables = []
    for extra in ("admin.LogEntry", "sessions.Session"):
        try:
            tables.append(apps.get_model(extra)._meta.db_table)
        except LookupError:
            pass
    for model in reversed(models):
        tables += [f.remote_field.through._meta.db_table for f in _links(model)]
        tables.append(model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def _insert_all(path, objects, models, using: str, batch: int) -> dict[str, int]:
    """Rows as they were (primary keys, timestamps), a batch at a time; returns the rows per model."""
    by_label = {_label(m): m for m in models}
    seen = defaultdict(int)
    pending, model = [], None
    for o in objects:
        following = by_label.get(o["model"])
        if following is None:
            raise _unknown(path, o["model"])
        if pending and (following is not model or len(pending) >= batch):
            _insert(model, pending, using)
            pending = []
        model = following
        pending.append(o)
        seen[o["model"]] += 1
    if pending:
        _insert(model, pending, using)
    return seen


def _insert(model, objects: list[dict], using: str) -> None:
    """One batch of one model's rows; then their many-to-many links."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    manager = model._base_manager.using(using)
    built = list(serializers.deserialize("python", objects, using=using, ignorenonexistent=False))
    size = max(1, connection.ops.bulk_batch_size(fields, built) or len(built))  # SQLite: ≤ 999 parameters
    for chunk in _chunks(built, size):
        # raw=True: the values as given, as loaddata saves them (no auto_now / auto_now_add stamps).
        manager._insert([d.object for d in chunk], fields=fields, raw=True, using=using)
    for f in _links(model):
        through = f.remote_field.through
        source, target = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
        through._base_manager.using(using).bulk_create(
            [through(**{source: d.object.pk, target: pk}) for d in built for pk in d.m2m_data.get(f.name, ())],
            batch_size=size)


def _links(model) -> list:
    """Many-to-many fields whose link table Django made (users ↔ groups); a `through` model is a model."""
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


def _reset_sequences(models, connection) -> None:
    """PostgreSQL: the next id after the highest loaded one (SQLite does it by itself)."""
    everything = list(models) + [f.remote_field.through for m in models for f in _links(m)]
    statements = connection.ops.sequence_reset_sql(no_style(), everything)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
