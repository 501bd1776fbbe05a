"""Security headers on every response — pages, API, static files, errors alike.

The pages load only their own scripts and style sheets (no inline script, style or handler: the
templates keep them in static/duban/), so the policy allows 'self' and nothing else. A response
that needs another policy sets its own Content-Security-Policy (the bulletin page does); a page
that may be framed by its own site says so with X-Frame-Options SAMEORIGIN, and frame-ancestors
follows it.
"""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy(frame_options: str) -> str:
    return CSP.format(ancestors="'self'" if frame_options.upper() == "SAMEORIGIN" else "'none'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", policy(response.headers["X-Frame-Options"]))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
