"""Quiet, useful logs.

A refused request (403, 404, any 4xx) is the system working, not a failure — one line, no traceback.
A 500 keeps its one traceback. Every request has an id (RequestIdMiddleware): the proxy's
X-Request-ID when it is a sane one, else a new one; it is sent back in the X-Request-ID header, put
on every log record written while the request runs ([id] in each line), and shown on the 500 page,
so that what a user reports can be found in the log."""
from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{5,63}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("duban_request_id", default="-")


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def request_id_of(request) -> str:
    """The id of `request`: set by the middleware (or given by a proxy), else the current one."""
    return getattr(request, "request_id", None) or _current.get()


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    """Outermost: the id is known to everything below (the views, the services' log lines, the 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if _SANE.fullmatch(given) else new_request_id()
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Every record gets `request_id`: that of the request it is about (Django's request log passes
    the request), else that of the request being handled, else "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current.get()
        return True


class OneLineForbidden(logging.Filter):
    """Drop the traceback Django attaches to a PermissionDenied (403), a SuspiciousOperation (400) …"""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
