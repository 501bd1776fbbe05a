"""Evidence files attached to a case's feedback: checked, stored under their hash, removed again
when the transaction that stored them rolls back."""
from __future__ import annotations

from duban.ledger.uploads import EXTENSIONS, MAX_FILES, discard, store_uploads  # noqa: F401 - the one rule, named for the pages  # noqa: F401 - discard is used by the case services
from duban.ledger.uploads import check_uploads as check_files  # noqa: F401
from duban.ledger.uploads import upload_problems as file_problems  # noqa: F401
from duban.supervision.models import CaseFile


def store_files(case, event, uploads: list, stored: list[str]) -> list[CaseFile]:
    return store_uploads(lambda **kw: CaseFile(case=case, event=event, **kw), uploads, stored)
