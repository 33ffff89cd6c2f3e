"""API keys: `Authorization: Bearer KEY`, checked against the store's hashes; scopes per route."""

from __future__ import annotations

from starlette.requests import Request

from docgen.errors import Forbidden, Unauthenticated
from docgen.store import ApiKey, Scope

# A key is dgk_<16 hex>_<43 url-safe>; anything much longer is not one, and is refused unhashed.
_MAX_KEY_LENGTH = 128


def bearer_token(request: Request) -> str:
    """The key a request presents, or Unauthenticated. The key itself never enters a message."""
    header = request.headers.get("authorization")
    if header is None:
        raise Unauthenticated("an API key is required: send Authorization: Bearer KEY")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > _MAX_KEY_LENGTH:
        raise Unauthenticated("the Authorization header must be: Bearer KEY")
    return token


def require_scope(key: ApiKey, scope: Scope) -> None:
    if scope not in key.scopes:
        raise Forbidden(f"this key lacks the {scope.value} scope")


def check_key(key: ApiKey | None) -> ApiKey:
    if key is None:
        raise Unauthenticated("the API key is unknown or revoked")
    return key
