"""The authentication backend: Django's ModelBackend behind the login throttle.

Every password login goes through it — the login page, the admin's login, `client.login` — so
each is throttled alike (duban.people.throttle). Unknown accounts cost the same hash as known ones
(ModelBackend hashes the password anyway) and get the same answer, so the answers do not tell
which accounts exist. The hash itself runs in one of a few slots (duban.people.hashers).
"""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from duban.errors import LoginThrottled
from duban.people import throttle


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:64]


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        address = client_address(request)
        wait = throttle.seconds_to_wait(username, address)
        if wait:
            raise LoginThrottled(wait)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.note_failure(username, address)
        else:
            throttle.clear_account(username)
        return user
