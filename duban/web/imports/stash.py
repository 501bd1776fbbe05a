"""Uploaded documents kept between preview and confirm: the bytes in MEDIA_ROOT/uploads/<sha256>,
beside them <sha256>.json with the file name, its format and the extraction as previewed. The token
is the sha256, so a token names exactly the bytes it was made from; nothing goes into the session."""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from django.conf import settings

from duban.errors import StaleUpload

KEEP_SECONDS = 2 * 24 * 3600  # an upload not confirmed within two days is dropped
_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def put(data: bytes, meta: dict) -> str:
    folder = _dir()
    folder.mkdir(parents=True, exist_ok=True)
    prune(folder)
    token = hashlib.sha256(data).hexdigest()
    _write(folder / token, data)
    _write(folder / f"{token}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def get(token: str) -> tuple[bytes, dict]:
    """The bytes and the metadata of an upload, or StaleUpload."""
    if not _TOKEN.match(token or ""):
        raise StaleUpload()
    folder = _dir()
    try:
        data = (folder / token).read_bytes()
        meta = json.loads((folder / f"{token}.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise StaleUpload() from None
    if hashlib.sha256(data).hexdigest() != token:
        raise StaleUpload()
    return data, meta


def drop(token: str) -> None:
    if _TOKEN.match(token or ""):
        for path in (_dir() / token, _dir() / f"{token}.json"):
            path.unlink(missing_ok=True)


def prune(folder: Path | None = None) -> None:
    folder = folder or _dir()
    horizon = time.time() - KEEP_SECONDS
    for path in folder.glob("*"):
        try:
            if path.stat().st_mtime < horizon:
                path.unlink()
        except OSError:
            pass
