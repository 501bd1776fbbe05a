"""Quiet logs: a refused request (403, 404, any 4xx) is the system working, not a failure — one
line, no traceback. A 500 keeps its traceback."""
import logging


class OneLineForbidden(logging.Filter):
    """Drop the traceback Django attaches to a PermissionDenied (403), a SuspiciousOperation (400) …"""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
