"""Accounts over the API: registration, tokens, refresh, revocation and `me`."""

from __future__ import annotations

import datetime

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from backend.accounts import services
from backend.accounts.models import User
from backend.accounts.tokens import create_access_token, create_refresh_token
from tests.factories import ProducerMemberFactory, UserFactory
from tests.graphql.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

REGISTER = """
mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) {
    user { email fullName languageCode isStaff }
    errors { field code message }
  }
}
"""
TOKEN_CREATE = """
mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token refreshToken user { email }
    errors { field code message }
  }
}
"""
TOKEN_REFRESH = """
mutation($refreshToken: String!) {
  tokenRefresh(refreshToken: $refreshToken) { token user { email } errors { field code } }
}
"""
ME = """
{ me { email fullName languageCode isStaff isExportPartner
       producerMembership { role producer { name slug contactEmail } } } }
"""


def test_register_then_sign_in_then_me(gql):  # noqa: F811
    result = gql(
        REGISTER,
        {
            "input": {
                "email": "Lan@Example.com",
                "password": "trà-sen-tây-hồ-2026",
                "fullName": "Nguyễn Thị Lan",
                "languageCode": "EN",
            }
        },
    )
    payload = result.data["accountRegister"]
    assert payload["errors"] == []
    assert payload["user"] == {
        "email": "lan@example.com",
        "fullName": "Nguyễn Thị Lan",
        "languageCode": "EN",
        "isStaff": False,
    }
    tokens = gql(TOKEN_CREATE, {"email": "lan@example.com", "password": "trà-sen-tây-hồ-2026"})
    created = tokens.data["tokenCreate"]
    assert created["errors"] == []
    me = gql(ME, token=created["token"]).data["me"]
    assert me["email"] == "lan@example.com"
    assert me["producerMembership"] is None


def test_register_duplicate_email_and_weak_password_are_typed_errors(gql):  # noqa: F811
    UserFactory(email="taken@example.com")
    result = gql(
        REGISTER,
        {"input": {"email": "TAKEN@example.com", "password": "12345678", "fullName": ""}},
    )
    errors = result.data["accountRegister"]["errors"]
    codes = {(e["field"], e["code"]) for e in errors}
    assert ("email", "UNIQUE") in codes
    assert ("password", "PASSWORD_ENTIRELY_NUMERIC") in codes
    assert ("password", "PASSWORD_TOO_COMMON") in codes
    assert result.data["accountRegister"]["user"] is None
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_register_password_similar_to_email(gql):  # noqa: F811
    result = gql(
        REGISTER, {"input": {"email": "hoangvanminh@example.com", "password": "hoangvanminh"}}
    )
    codes = [e["code"] for e in result.data["accountRegister"]["errors"]]
    assert "PASSWORD_TOO_SIMILAR" in codes


def test_register_invalid_email(gql):  # noqa: F811
    result = gql(REGISTER, {"input": {"email": "not-an-email", "password": "x-long-passphrase"}})
    assert result.data["accountRegister"]["errors"] == [
        {"field": "email", "code": "INVALID", "message": "Enter a valid e-mail address."}
    ]


def test_token_create_wrong_password(gql):  # noqa: F811
    UserFactory(email="a@example.com")
    result = gql(TOKEN_CREATE, {"email": "a@example.com", "password": "wrong"})
    payload = result.data["tokenCreate"]
    assert payload["token"] is None
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]


def test_token_create_inactive_user_is_refused(gql):  # noqa: F811
    UserFactory(email="gone@example.com", is_active=False)
    result = gql(TOKEN_CREATE, {"email": "gone@example.com", "password": "correct-horse-battery"})
    assert [e["code"] for e in result.data["tokenCreate"]["errors"]] == ["INVALID_CREDENTIALS"]


def test_refresh_gives_a_working_access_token(gql):  # noqa: F811
    user = UserFactory()
    result = gql(TOKEN_REFRESH, {"refreshToken": create_refresh_token(user)})
    payload = result.data["tokenRefresh"]
    assert payload["errors"] == []
    assert gql(ME, token=payload["token"]).data["me"]["email"] == user.email


def test_access_token_cannot_be_used_to_refresh(gql):  # noqa: F811
    user = UserFactory()
    result = gql(TOKEN_REFRESH, {"refreshToken": create_access_token(user)})
    assert result.data["tokenRefresh"]["errors"] == [
        {"field": "refreshToken", "code": "JWT_INVALID_TOKEN"}
    ]


def test_revoked_refresh_token_is_refused(gql):  # noqa: F811
    user = UserFactory()
    refresh = create_refresh_token(user)
    services.tokens_revoke(user=user)
    result = gql(TOKEN_REFRESH, {"refreshToken": refresh})
    assert result.data["tokenRefresh"]["errors"] == [
        {"field": "refreshToken", "code": "JWT_REVOKED"}
    ]


def test_expired_refresh_token_is_refused(gql):  # noqa: F811
    user = UserFactory()
    past = timezone.now() - datetime.timedelta(days=1)
    token = jwt.encode(
        {"type": "refresh", "sub": str(user.pk), "ver": 0, "exp": int(past.timestamp())},
        settings.SECRET_KEY,
        algorithm="HS256",
    )
    result = gql(TOKEN_REFRESH, {"refreshToken": token})
    assert result.data["tokenRefresh"]["errors"] == [
        {"field": "refreshToken", "code": "JWT_SIGNATURE_EXPIRED"}
    ]


def test_me_is_null_for_anonymous(gql):  # noqa: F811
    result = gql(ME)
    assert result.status_code == 200
    assert result.data == {"me": None}


def test_bad_bearer_token_is_401_with_code(gql):  # noqa: F811
    result = gql(ME, token="not.a.jwt")
    assert result.status_code == 401
    assert result.error_codes == ["INVALID_TOKEN"]


def test_expired_access_token_is_401(gql, settings):  # noqa: F811
    user = UserFactory()
    settings.JWT_ACCESS_TTL = datetime.timedelta(seconds=-5)
    token = create_access_token(user)
    result = gql(ME, token=token)
    assert result.status_code == 401
    assert result.error_codes == ["EXPIRED_TOKEN"]


def test_me_shows_roles_and_own_producer_contacts(gql):  # noqa: F811
    member = ProducerMemberFactory(
        user=UserFactory(is_export_partner=True), producer__contact_email="htx@example.com"
    )
    me = gql(ME, user=member.user).data["me"]
    assert me["isExportPartner"] is True
    assert me["producerMembership"]["role"] == "OWNER"
    assert me["producerMembership"]["producer"]["contactEmail"] == "htx@example.com"


def test_token_signed_with_another_key_is_refused(gql):  # noqa: F811
    user = UserFactory()
    token = jwt.encode(
        {"type": "access", "sub": str(user.pk), "ver": 0, "exp": 9999999999},
        "another-secret-key-that-is-long-enough-32b",
        algorithm="HS256",
    )
    assert gql(ME, token=token).status_code == 401


VERIFY = """
mutation($token: String!) { tokenVerify(token: $token) { isValid user { email } errors { code } } }
"""
DEACTIVATE = "mutation { tokensDeactivateAll { errors { code } } }"


def test_token_verify(gql):  # noqa: F811
    user = UserFactory()
    ok = gql(VERIFY, {"token": create_access_token(user)}).data["tokenVerify"]
    assert ok == {"isValid": True, "user": {"email": user.email}, "errors": []}
    bad = gql(VERIFY, {"token": "garbage"}).data["tokenVerify"]
    assert bad == {"isValid": False, "user": None, "errors": [{"code": "JWT_INVALID_TOKEN"}]}


def test_sign_out_everywhere_revokes_access_and_refresh_tokens(gql):  # noqa: F811
    user = UserFactory()
    access, refresh = create_access_token(user), create_refresh_token(user)
    assert gql(DEACTIVATE, token=access).data["tokensDeactivateAll"]["errors"] == []
    assert gql(ME, token=access).status_code == 401
    refreshed = gql(TOKEN_REFRESH, {"refreshToken": refresh}).data["tokenRefresh"]
    assert refreshed["errors"] == [{"field": "refreshToken", "code": "JWT_REVOKED"}]
    anonymous = gql(DEACTIVATE).data["tokensDeactivateAll"]["errors"]
    assert anonymous == [{"code": "PERMISSION_DENIED"}]
