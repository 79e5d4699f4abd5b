"""Writes of accounts: registration and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backend.accounts import selectors, tokens
from backend.accounts.error_codes import AccountErrorCode
from backend.accounts.models import User
from backend.core.errors import FieldError, ServiceError

# Django's password-validator codes -> our error codes.
_PASSWORD_CODES = {
    "password_too_short": AccountErrorCode.PASSWORD_TOO_SHORT,
    "password_too_common": AccountErrorCode.PASSWORD_TOO_COMMON,
    "password_entirely_numeric": AccountErrorCode.PASSWORD_ENTIRELY_NUMERIC,
    "password_too_similar": AccountErrorCode.PASSWORD_TOO_SIMILAR,
}


@dataclass
class TokenPair:
    user: User
    token: str
    refresh_token: str | None = None


def _password_errors(password: str, user: User) -> list[FieldError]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return [
            FieldError(
                code=_PASSWORD_CODES.get(e.code or "", AccountErrorCode.INVALID_PASSWORD),
                message=" ".join(e.messages),
                field="password",
            )
            for e in error.error_list
        ]
    return []


@transaction.atomic
def user_register(
    *, email: str, password: str, full_name: str = "", language_code: str = "vi"
) -> User:
    """Create a shopper account. Raises ServiceError (REQUIRED, INVALID, UNIQUE, PASSWORD_*)."""
    email = (email or "").strip().lower()
    errors: list[FieldError] = []
    if not email:
        errors.append(FieldError(AccountErrorCode.REQUIRED, "Enter an e-mail address.", "email"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                FieldError(AccountErrorCode.INVALID, "Enter a valid e-mail address.", "email")
            )
        else:
            if selectors.user_by_email(email=email) is not None:
                errors.append(
                    FieldError(
                        AccountErrorCode.UNIQUE,
                        "An account with this e-mail address already exists.",
                        "email",
                    )
                )
    if language_code not in User.Language.values:
        errors.append(
            FieldError(AccountErrorCode.INVALID, "Unsupported language.", "language_code")
        )
    user = User(email=email, full_name=(full_name or "").strip(), language_code=language_code)
    if not password:
        errors.append(FieldError(AccountErrorCode.REQUIRED, "Enter a password.", "password"))
    else:
        errors.extend(_password_errors(password, user))
    if errors:
        raise ServiceError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent registration with the same e-mail
        raise ServiceError.single(
            AccountErrorCode.UNIQUE, "An account with this e-mail address already exists.", "email"
        ) from None
    return user


def token_create(*, email: str, password: str) -> TokenPair:
    """Sign in: an access and a refresh token for valid credentials of an active user."""
    user = selectors.user_by_email(email=email or "")
    if user is None:
        # Hash anyway, so an unknown e-mail takes as long as a wrong password.
        User().set_password(password or "")
    if user is None or not user.check_password(password or "") or not user.is_active:
        raise ServiceError.single(
            AccountErrorCode.INVALID_CREDENTIALS,
            "Please enter a correct e-mail address and password.",
            "email",
        )
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return TokenPair(
        user=user,
        token=tokens.create_access_token(user),
        refresh_token=tokens.create_refresh_token(user),
    )


def token_refresh(*, refresh_token: str) -> TokenPair:
    """A new access token for a valid, unrevoked refresh token."""
    try:
        user = tokens.user_from_token(refresh_token or "", tokens.REFRESH)
    except tokens.TokenError as error:
        raise ServiceError.single(_token_error_code(error), str(error), "refresh_token") from None
    return TokenPair(user=user, token=tokens.create_access_token(user))


def token_verify(*, token: str) -> User:
    """The user of a valid, unrevoked access token; ServiceError JWT_* otherwise."""
    try:
        return tokens.user_from_token(token or "", tokens.ACCESS)
    except tokens.TokenError as error:
        raise ServiceError.single(_token_error_code(error), str(error), "token") from None


def _token_error_code(error: tokens.TokenError) -> AccountErrorCode:
    return {
        tokens.TokenErrorCode.EXPIRED: AccountErrorCode.JWT_SIGNATURE_EXPIRED,
        tokens.TokenErrorCode.REVOKED: AccountErrorCode.JWT_REVOKED,
    }.get(error.code, AccountErrorCode.JWT_INVALID_TOKEN)


@transaction.atomic
def tokens_revoke(*, user: User) -> None:
    """Revoke every token issued to the user so far (sign out everywhere)."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
