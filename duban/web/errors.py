"""DubanError → a page with the message (403 for a forbidden action, 404 for what is not there,
400 for bad input). The API translates the same errors to {"error": {"code", "message"}}."""
from django.shortcuts import render

from duban.errors import DubanError

STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409, "unavailable": 503}


def status_of(error: DubanError) -> int:
    return STATUS.get(error.code, 400)


class DubanErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DubanError) and not request.path.startswith("/api/"):
            return render(request, "web/error.html", {"message": exception.message, "code": exception.code},
                          status=status_of(exception))
        return None
