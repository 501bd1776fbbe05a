"""Who is asking: a Bearer token (ApiToken) or the Django session (the pages' own fetches).

- A presented token that is wrong, revoked or of an inactive user is a 401, everywhere — also on
  the public endpoints, so a client with a broken token notices instead of silently seeing less.
- A session-authenticated unsafe request (POST, DELETE …) must pass Django's CSRF check.
- Public endpoints (marked PUBLIC below and in the OpenAPI document by an empty security
  alternative) also answer anonymous requests, with public data only.

And the token endpoints: a logged-in user issues (POST /api/tokens, shown once), lists and revokes
(DELETE /api/tokens/{id}) their own tokens.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from ninja import Path, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from duban.core.audit import record
from duban.errors import NotFound
from duban.people.models import ApiToken
from duban.web.api.schemas import MAX_ID, IssuedTokenOut, TokenIn, TokenOut, errors

LAST_USED_EVERY = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def user_for_token(token: str):
    """The active user a token belongs to; 401 otherwise. Notes the use at most once a minute."""
    token = (token or "").strip()
    found = (ApiToken.objects.select_related("user", "user__profile", "user__profile__unit")
             .filter(digest=ApiToken.digest_of(token)).first()) if token else None
    if found is None or not found.user.is_active:
        raise AuthenticationError(message="API 令牌无效或已撤销")
    now = timezone.now()
    if found.last_used is None or now - found.last_used >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=found.pk).update(last_used=now)
    return found.user


class BearerToken(HttpBearer):
    """Authorization: Bearer <token> — a token issued by ApiToken.issue()."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        request.user = user
        return user


class SessionCookie(APIKeyCookie):
    """The Django session; unsafe methods must carry the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=False)  # checked below, once we know the session is a logged-in one

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            refused = HttpError(403, "CSRF 校验失败:用会话调用 API 的写操作须带 X-CSRFToken 请求头")
            refused.logged = True  # the CSRF check logged it, with its reason: one line is enough
            raise refused
        return user


BEARER = BearerToken()
SESSION = SessionCookie()
AUTH = [BEARER, SESSION]  # token or session: every non-public operation
# Public operations run without ninja auth and call viewer(); this marks them in the OpenAPI
# document: a token, a session, or nothing at all.
PUBLIC = {"security": [{"BearerToken": []}, {"SessionCookie": []}, {}]}


def viewer(request):
    """The user of a request to a public endpoint: the token's, the session's, or anonymous."""
    if request.headers.get("Authorization"):
        user = BEARER(request)
        if not user:
            raise AuthenticationError(message="只支持 Authorization: Bearer <token>")
        return user
    return request.user


# ---------------------------------------------------------------- the token endpoints

router = Router(tags=["tokens"])


def _token_out(t: ApiToken) -> dict:
    return {"id": t.pk, "name": t.name, "created_at": t.created_at, "last_used": t.last_used}


@router.get("/tokens", response={200: list[TokenOut], **errors(401)}, auth=AUTH)
def list_tokens(request):
    """The caller's own tokens (never the tokens themselves: only their hashes are stored)."""
    return [_token_out(t) for t in ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-pk")]


@router.post("/tokens", response={201: IssuedTokenOut, **errors(401, 403, 422)}, auth=[SESSION])
def issue_token(request, payload: TokenIn):
    """Issue a token for the logged-in user (session only, with CSRF); the token is shown once."""
    user = request.auth
    with transaction.atomic():
        token, secret = ApiToken.issue(user, payload.name.strip())
        record(user, "", "tokens.issue", token, after={"name": token.name}, summary=f"签发 API 令牌“{token.name}”")
    return 201, {**_token_out(token), "token": secret}


@router.delete("/tokens/{int:token_id}", response={204: None, **errors(401, 403, 404, 422)}, auth=AUTH)
def revoke_token(request, token_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """Revoke one of the caller's own tokens (another user's token is not found)."""
    user = request.auth
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(f"找不到编号为 {token_id} 的令牌")
    with transaction.atomic():
        record(user, "", "tokens.revoke", token, before={"name": token.name}, summary=f"撤销 API 令牌“{token.name}”")
        token.delete()
    return 204, None
