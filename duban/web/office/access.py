"""Who may open the office's pages: a signed-in user who sees everything (督查室, 领导, 审核员).
Anonymous users are sent to the login page; anyone else gets 403."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from duban.people.models import Role
from duban.people.roles import role_of, sees_everything


def office_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sees_everything(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def task_page(view):
    """Pages a unit's reporter may open too (they then see only its unit's tasks)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (sees_everything(request.user) or role_of(request.user) == Role.REPORTER):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def today():
    return timezone.localdate()


def query_without(params, *names: str) -> str:
    """The query string without `names` (for paging and sorting links that keep the filters)."""
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()
