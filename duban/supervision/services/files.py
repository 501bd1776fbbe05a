"""Evidence files attached to a case's feedback: checked, stored under their hash, removed again
when the transaction that stored them rolls back."""
from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.storage import default_storage

from duban.ledger.uploads import EXTENSIONS, MAX_FILES  # noqa: F401 - the one rule, named for the pages
from duban.ledger.uploads import check_uploads as check_files  # noqa: F401
from duban.ledger.uploads import upload_problems as file_problems  # noqa: F401
from duban.supervision.models import CaseFile


def store_files(case, event, uploads: list, stored: list[str]) -> list[CaseFile]:
    """Each file under a name of its own hash (the original name stays in the row); `stored`
    collects the paths written so the caller can remove them if the transaction fails."""
    out = []
    for f in uploads:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        name = PurePath(f.name).name
        row = CaseFile(case=case, event=event, name=name[:255], size=f.size, sha256=digest.hexdigest(),
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
