"""群众线索 on the public portal (no login): the form on a task (a honeypot field and a signed timing
token keep robots out), the tracking code, the public status page by that code.

The service (`duban.supervision.services.clues`) checks the text, limits each address (3 an hour,
10 a day: answered here with HTTP 429) and stores only a keyed hash of the address."""
from __future__ import annotations

from urllib.parse import quote

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from duban.errors import DubanError
from duban.ledger.models import Task
from duban.supervision.rules import POLICY
from duban.supervision.services import (
    BadToken,
    RateLimited,
    check_clue_token,
    clue_form_token,
    clue_status,
    submit_public_clue,
)
from duban.supervision.services.clues import MAX_CONTACT
from duban.web import queries as Q

HONEYPOT = "website"
PORTAL_TITLE = "走进市办实事、见证民生项目"


def _form(request, task, *, text="", contact="", error="", status=200):
    return render(request, "web/clues/new.html", {
        "task": task, "token": clue_form_token(timezone.now()), "text": text, "contact": contact, "error": error,
        "honeypot": HONEYPOT, "max_chars": POLICY.clue_max_chars, "max_contact": MAX_CONTACT,
        "title": PORTAL_TITLE}, status=status)


@require_http_methods(["GET", "POST"])
def clue_new(request):
    pk = Q.parse_int(request.GET.get("task") or request.POST.get("task"))
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk or 0)
    if request.method == "GET":
        return _form(request, task)
    text = (request.POST.get("text") or "").strip()
    contact = (request.POST.get("contact") or "").strip()
    if (request.POST.get(HONEYPOT) or "").strip():
        return _form(request, task, text=text, contact=contact, error="提交未被接受,请刷新页面后重新填写", status=400)
    now = timezone.now()
    try:
        check_clue_token(request.POST.get("token", ""), now)
        clue = submit_public_clue(task, text, contact, ip=request.META.get("REMOTE_ADDR", ""), now=now)
    except RateLimited as e:
        return _form(request, task, text=text, contact=contact, error=e.message, status=429)
    except (BadToken, DubanError) as e:
        return _form(request, task, text=text, contact=contact, error=e.message, status=400)
    return redirect(f"/public/clues/{quote(clue.code)}/?new=1")


def clue_lookup(request):
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect(f"/public/clues/{quote(code, safe='')}/")
    return render(request, "web/clues/lookup.html", {"title": PORTAL_TITLE})


def clue_track(request, code: str):
    status = clue_status(code)  # not found: the error page, 404
    response = render(request, "web/clues/status.html", {
        "status": status, "new": request.GET.get("new") == "1", "title": PORTAL_TITLE})
    response["Cache-Control"] = "private, no-store"
    return response
