"""One error family for the whole system: a stable code and a message in Chinese.

Each edge translates it once: the CLI prints `duban: <message>` and exits 2, the API
answers {"error": {"code", "message"}}, pages render the message.
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


class UnreadableDocument(DubanError):
    """A file that cannot be read as a document: names the file and the reason."""

    code = "unreadable_document"

    def __init__(self, source: str, reason: str, *, code: str | None = None):
        super().__init__(f"{source}: {reason}", code=code)
        self.source = source
        self.reason = reason
