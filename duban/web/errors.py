"""DubanError → a page with the message (403 for a forbidden action, 404 for what is not there,
400 for bad input). The API translates the same errors to {"error": {"code", "message"}}."""
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from duban.errors import DubanError
from duban.web.logs import request_id_of

STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409, "rate_limited": 429, "busy": 503,
          "unavailable": 503}


def status_of(error: DubanError) -> int:
    return STATUS.get(error.code, 400)


def back_url(request) -> str:
    """Where 返回 leads: the page the user came from, if it is on this site (no script: the CSP)."""
    referer = request.META.get("HTTP_REFERER", "")
    return referer if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else "/"


class DubanErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DubanError) and not request.path.startswith("/api/"):
            return render(request, "web/error.html", {"message": exception.message, "code": exception.code,
                                                      "back": back_url(request)}, status=status_of(exception))
        return None


def server_error(request, template_name="500.html"):
    """handler500: a page of its own (no base template, no context processors: whatever broke the
    view may break them too) telling the request's id, the one its traceback carries in the log."""
    html = loader.get_template(template_name).render({"request_id": request_id_of(request)})
    return HttpResponseServerError(html)
