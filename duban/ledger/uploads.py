"""What an uploaded evidence file may be (progress evidence, a case's feedback files): one rule."""
from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.storage import default_storage

from duban.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt", "zip")


def upload_problems(files, *, already: int = 0) -> list[str]:
    """What is wrong with a set of uploaded files (empty when they may be stored)."""
    files = list(files or ())
    out = []
    if already + len(files) > MAX_FILES:
        out.append(f"佐证材料最多{MAX_FILES}个文件" + (f"(已有{already}个)" if already else ""))
    for f in files:
        name = PurePath(f.name or "").name
        ext = PurePath(name).suffix.lower().lstrip(".")
        if ext not in EXTENSIONS:
            out.append(f"“{name}”的类型不允许,只能上传 " + "、".join(EXTENSIONS) + " 文件")
        elif f.size > MAX_BYTES:
            out.append(f"“{name}”过大({f.size / 2**20:.1f} MB),每个文件不超过 {MAX_BYTES // 2**20} MB")
        elif f.size == 0:
            out.append(f"“{name}”是空文件")
    return out


def check_uploads(files, *, already: int = 0) -> list:
    problems = upload_problems(files, already=already)
    if problems:
        raise InvalidInput(";".join(problems))
    return list(files or ())


def store_uploads(make_row, uploads: list, stored: list[str]) -> list:
    """Each file saved under a name of its own hash (the original name stays in the row that
    `make_row(name=, size=, sha256=, content_type=)` builds); `stored` collects the paths written
    so that a rolled-back transaction can remove them (`discard`)."""
    out = []
    for f in uploads:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        name = PurePath(f.name).name
        row = make_row(name=name[:255], size=f.size, sha256=digest.hexdigest(),
                       content_type=(getattr(f, "content_type", "") or "")[:100])
        row.file.save(digest.hexdigest()[:32] + PurePath(name).suffix.lower(), f, save=False)
        stored.append(row.file.name)
        row.save()
        out.append(row)
    return out


def discard(paths: list[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
