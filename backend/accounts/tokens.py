"""JSON Web Tokens for the API (PyJWT, HS256 signed with SECRET_KEY).

Two kinds: short-lived access tokens (JWT_ACCESS_TTL) sent as `Authorization: Bearer <token>`,
and long-lived refresh tokens (JWT_REFRESH_TTL) exchanged by `tokenRefresh` for a new access
token. Both carry the user's `token_version`; bumping it (password change, sign out everywhere)
revokes every token issued before.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

import jwt
from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


class TokenErrorCode(enum.Enum):
    EXPIRED = "expired"
    INVALID = "invalid"
    REVOKED = "revoked"


class TokenError(Exception):
    def __init__(self, code: TokenErrorCode, message: str) -> None:
        self.code = code
        super().__init__(message)


def _encode(user: User, token_type: str, ttl: Any) -> str:
    now = timezone.now()
    payload = {
        "type": token_type,
        "sub": str(user.pk),
        "email": user.email,
        "ver": user.token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, settings.SECRET_KEY, algorithm=ALGORITHM)


def create_access_token(user: User) -> str:
    return _encode(user, ACCESS, settings.JWT_ACCESS_TTL)


def create_refresh_token(user: User) -> str:
    return _encode(user, REFRESH, settings.JWT_REFRESH_TTL)


def decode_token(token: str, token_type: str) -> dict[str, Any]:
    """The payload of a valid, unexpired token of `token_type`; TokenError otherwise."""
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "type"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError(TokenErrorCode.EXPIRED, "The token has expired.") from None
    except jwt.PyJWTError:
        raise TokenError(TokenErrorCode.INVALID, "The token is not valid.") from None
    if payload.get("type") != token_type:
        raise TokenError(TokenErrorCode.INVALID, f"This is not an {token_type} token.")
    return payload


def user_from_token(token: str, token_type: str = ACCESS) -> User:
    """The active user a token was issued to, if the token is still valid and not revoked."""
    payload = decode_token(token, token_type)
    try:
        user = User.objects.get(pk=int(payload["sub"]), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise TokenError(TokenErrorCode.INVALID, "The token's user does not exist.") from None
    if payload.get("ver") != user.token_version:
        raise TokenError(TokenErrorCode.REVOKED, "The token has been revoked.")
    return user
