"""Rate limits on tokenCreate, accountRegister, checkoutComplete and uploads: a typed error
RATE_LIMITED with a retry-after hint (extensions and the Retry-After header), per IP and per
user, counted in the cache; nothing of the refused operation runs."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.accounts.models import User
from backend.core.ratelimit import RateLimitConfigError, parse_rates, rate_limit_hit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field code } } }"""
REGISTER = """mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { email } errors { field code } } }"""
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) { order { id } errors { code } } }"""


def _login(gql, password="wrong password"):
    return gql(TOKEN, {"email": "nobody@example.com", "password": password})


def test_token_create_is_limited_per_ip_with_retry_after(gql, settings):
    settings.RATE_LIMITS = "tokenCreate=3/60"
    for _ in range(3):
        result = _login(gql)
        assert result.status_code == 200 and result.error_codes == []
    refused = _login(gql)
    assert refused.status_code == 429
    assert refused.error_codes == ["RATE_LIMITED"]
    error = refused.errors[0]
    retry = error["extensions"]["retryAfter"]
    assert 1 <= retry <= 60
    assert "tokenCreate" in error["message"] and str(retry) in error["message"]
    assert refused.data is None


def test_retry_after_header(client, settings):
    settings.RATE_LIMITS = "tokenCreate=1/120"
    body = json.dumps({"query": TOKEN, "variables": {"email": "a@b.vn", "password": "x"}})
    first = client.post("/graphql/", body, content_type="application/json")
    second = client.post("/graphql/", body, content_type="application/json")
    assert first.status_code == 200 and "Retry-After" not in first
    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 120
    assert int(second["Retry-After"]) == second.json()["errors"][0]["extensions"]["retryAfter"]


def test_other_ips_are_not_affected(client, settings):
    settings.RATE_LIMITS = "tokenCreate=1/60"
    body = json.dumps({"query": TOKEN, "variables": {"email": "a@b.vn", "password": "x"}})
    kwargs = {"content_type": "application/json"}
    assert client.post("/graphql/", body, REMOTE_ADDR="10.0.0.1", **kwargs).status_code == 200
    assert client.post("/graphql/", body, REMOTE_ADDR="10.0.0.1", **kwargs).status_code == 429
    assert client.post("/graphql/", body, REMOTE_ADDR="10.0.0.2", **kwargs).status_code == 200
    # X-Forwarded-For is not trusted by default: a forged header does not buy a new bucket.
    forged = client.post(
        "/graphql/", body, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4", **kwargs
    )
    assert forged.status_code == 429


def test_trusted_proxy_uses_forwarded_address(client, settings):
    settings.RATE_LIMITS = "tokenCreate=1/60"
    settings.RATE_LIMIT_TRUSTED_PROXY_COUNT = 1
    body = json.dumps({"query": TOKEN, "variables": {"email": "a@b.vn", "password": "x"}})
    kwargs = {"content_type": "application/json", "REMOTE_ADDR": "10.9.9.9"}
    assert (
        client.post("/graphql/", body, HTTP_X_FORWARDED_FOR="1.1.1.1", **kwargs).status_code == 200
    )
    assert (
        client.post("/graphql/", body, HTTP_X_FORWARDED_FOR="1.1.1.1", **kwargs).status_code == 429
    )
    assert (
        client.post("/graphql/", body, HTTP_X_FORWARDED_FOR="2.2.2.2", **kwargs).status_code == 200
    )


def test_aliases_count_each_call(gql, settings):
    settings.RATE_LIMITS = "tokenCreate=3/60"
    many = (
        "mutation {"
        + " ".join(
            f'a{i}: tokenCreate(email: "x@y.vn", password: "p") {{ token }}' for i in range(4)
        )
        + "}"
    )
    result = gql(many)
    assert result.error_codes == ["RATE_LIMITED"]


def test_account_register_is_limited_and_nothing_is_created(gql, settings):
    settings.RATE_LIMITS = "accountRegister=2/3600"
    for i in range(3):
        result = gql(
            REGISTER,
            {
                "input": {
                    "email": f"new{i}@example.com",
                    "password": "Hà Giang 2026!",
                    "fullName": "A",
                }
            },
        )
    assert result.error_codes == ["RATE_LIMITED"]
    assert result.errors[0]["extensions"]["retryAfter"] <= 3600
    assert not User.objects.filter(email="new2@example.com").exists()
    assert User.objects.filter(email__startswith="new").count() == 2


def test_checkout_complete_is_limited_per_user_across_ips(gql, settings):
    settings.RATE_LIMITS = "checkoutComplete=2/60"
    user = UserFactory()
    codes = []
    for i in range(3):
        result = gql(COMPLETE, {"id": "garbage"}, user=user, headers={"REMOTE_ADDR": f"10.1.0.{i}"})
        codes.append(result.error_codes)
    assert codes == [[], [], ["RATE_LIMITED"]]
    # Another user from yet another address is still served.
    other = gql(
        COMPLETE, {"id": "garbage"}, user=UserFactory(), headers={"REMOTE_ADDR": "10.1.0.9"}
    )
    assert other.error_codes == []


def test_multipart_requests_count_as_uploads(client, settings):
    settings.RATE_LIMITS = "upload=1/60"
    operations = json.dumps(
        {"query": "mutation($f: Upload) { __typename }", "variables": {"f": None}}
    )

    def post():
        return client.post(
            "/graphql/",
            {
                "operations": operations,
                "map": json.dumps({"0": ["variables.f"]}),
                "0": SimpleUploadedFile("a.png", b"x", content_type="image/png"),
            },
        )

    assert post().status_code != 429
    refused = post()
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_product_media_create_counts_as_upload_even_as_json(gql, settings):
    settings.RATE_LIMITS = "upload=1/60"
    query = """mutation($input: ProductMediaCreateInput!) {
      productMediaCreate(input: $input) { errors { code } } }"""
    variables = {"input": {"product": "UHJvZHVjdDox", "image": None}}
    first = gql(query, variables)
    assert "RATE_LIMITED" not in first.error_codes
    assert gql(query, variables).error_codes == ["RATE_LIMITED"]


def test_queries_are_never_limited(gql, settings):
    settings.RATE_LIMITS = "tokenCreate=1/60,checkoutComplete=1/60,upload=1/60"
    for _ in range(5):
        assert gql("{ products(first: 1) { totalCount } }").error_codes == []


def test_empty_setting_turns_limits_off(gql, settings):
    settings.RATE_LIMITS = ""
    for _ in range(30):
        assert _login(gql).status_code == 200


def test_rates_are_parsed_and_bad_values_are_refused():
    assert parse_rates("tokenCreate=20/300, upload=60/300") == {
        "tokenCreate": parse_rates("tokenCreate=20/300")["tokenCreate"],
        "upload": parse_rates("upload=60/300")["upload"],
    }
    assert parse_rates("a=5/10")["a"].requests == 5
    for bad in ("tokenCreate=20", "tokenCreate", "x=0/10", "x=a/b", "x=5/-1"):
        with pytest.raises(RateLimitConfigError):
            parse_rates(bad)


def test_window_resets(settings, monkeypatch):
    settings.RATE_LIMITS = "s=2/10"
    now = [1_000_000.0]
    monkeypatch.setattr("backend.core.ratelimit.time.time", lambda: now[0])
    assert rate_limit_hit(scope="s", keys=["ip:x"]) is None
    assert rate_limit_hit(scope="s", keys=["ip:x"]) is None
    assert rate_limit_hit(scope="s", keys=["ip:x"]) == 10
    now[0] += 4
    assert rate_limit_hit(scope="s", keys=["ip:x"]) == 6
    now[0] += 6
    assert rate_limit_hit(scope="s", keys=["ip:x"]) is None
