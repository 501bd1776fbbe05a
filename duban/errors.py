"""One error family for the whole system: a stable code and a message in Chinese. Every error class
and its code live here, so each edge can translate them once: the CLI prints `duban: <message>` and
exits 2, the API answers {"error": {"code", "message"}}, pages render the message.
"""


class DubanError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(DubanError):
    """Input that breaks a rule of the ledger: nothing was written."""

    code = "invalid"


class Forbidden(DubanError):
    code = "forbidden"


class NotFound(DubanError):
    code = "not_found"


class Unauthorized(DubanError):
    code = "unauthorized"


class Conflict(DubanError):
    """Someone else changed the row meanwhile (a guarded update changed nothing)."""

    code = "conflict"

    def __init__(self, message: str = "该记录已被他人修改,请刷新后重试"):
        super().__init__(message)


class InvalidTransition(DubanError):
    code = "invalid_transition"


class RateLimited(DubanError):
    code = "rate_limited"


class BadToken(DubanError):
    code = "invalid_token"


class Unavailable(DubanError):
    """A part the server lacks or that did not answer in time (LibreOffice for PDF …): try again or another way."""

    code = "unavailable"


class TransferError(DubanError):
    code = "transfer"


class UnreadableDocument(DubanError):
    """A file that cannot be read as a document: names the file and the reason."""

    code = "unreadable_document"

    def __init__(self, source: str, reason: str, *, code: str | None = None):
        super().__init__(f"{source}: {reason}", code=code)
        self.source = source
        self.reason = reason

    def __reduce__(self):  # pickled whole: it crosses the extraction worker's pipe (duban/extract/isolated.py)
        return (_rebuild_unreadable, (type(self), self.source, self.reason, self.code, self.__dict__))


def _rebuild_unreadable(cls, source: str, reason: str, code: str, state: dict) -> UnreadableDocument:
    error = cls.__new__(cls)
    Exception.__init__(error, f"{source}: {reason}")
    error.__dict__.update(state)
    error.code = code
    return error


class DocumentLimitExceeded(UnreadableDocument):
    """A document past one of the reading limits (duban/extract/limits.py): refused before it can
    take the memory or the time of the process; the reason names the limit."""

    code = "limit_exceeded"

    def __init__(self, source: str, reason: str, *, limit: str = ""):
        super().__init__(source, reason)
        self.limit = limit  # the name of the limit in duban/extract/limits.py


class TemplateProblems(InvalidInput):
    """Every problem of a filled template, each with its row; nothing is taken when there is one."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        lines = [f"第{row}行:{message}" if row else message for row, message in problems]
        super().__init__(f"填报表有{len(problems)}处问题,未导入任何数据:" + ";".join(lines))


class StaleUpload(DubanError):
    """An upload kept for its preview that is gone: expired, or imported already."""

    code = "not_found"

    def __init__(self):
        super().__init__("上传的文件已过期或已经导入,请重新上传")


class BulletinStateError(DubanError):
    """A bulletin step its state does not allow (approving an issued one, deleting an issued one …)."""

    code = "conflict"


class BulkItemError(DubanError):
    """A DubanError of the `index`th item of a bulk request (its code, the item named in the message)."""

    def __init__(self, index: int, error: DubanError):
        super().__init__(f"第{index + 1}条进展:{error.message}", code=error.code)
        self.index = index


class LoginBusy(DubanError):
    """Every place to compute a password hash is taken: the login waits no longer."""

    code = "busy"

    def __init__(self) -> None:
        super().__init__("同时登录的人较多,请稍后再试")


class LoginThrottled(RateLimited):
    """Too many failed logins from one account or address: try again in `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"登录失败次数过多,请 {seconds} 秒后再试")
        self.seconds = seconds


# Codes used with DubanError(…, code=…) directly, beside the classes' own codes.
CODES = {
    "error", "invalid", "forbidden", "not_found", "unauthorized", "conflict", "invalid_transition",
    "rate_limited", "invalid_token", "transfer", "unreadable_document", "unknown_unit", "unknown_status",
    "invalid_policy", "exists", "too_large", "limit_exceeded", "unavailable", "busy",
}
