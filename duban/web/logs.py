"""Quiet logs: a refused request (403) is the system working, not a failure — one line, no traceback."""
import logging


class OneLineForbidden(logging.Filter):
    """Drop the traceback Django attaches to a PermissionDenied (403) in `django.request`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
