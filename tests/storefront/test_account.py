from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_an_account_and_signs_in(client):
    response = client.post(
        reverse("storefront:signup"),
        {
            "email": "Lan@Example.com",
            "full_name": "Nguyễn Thị Lan",
            "password1": "ca-phe-sua-da-2026",
            "password2": "ca-phe-sua-da-2026",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="lan@example.com")
    assert user.full_name == "Nguyễn Thị Lan"
    assert user.check_password("ca-phe-sua-da-2026")
    assert client.get("/").context["user"] == user


def test_sign_up_errors_are_shown_in_the_form(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("storefront:signup"),
        {"email": "taken@example.com", "password1": "123", "password2": "456"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã có tài khoản dùng e-mail này." in html
    assert "Hai mật khẩu không khớp nhau." in html


def test_weak_password_is_refused(client):
    response = client.post(
        reverse("storefront:signup"),
        {"email": "new@example.com", "password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="new@example.com").exists()
    assert 'class="field-error"' in response.content.decode()


def test_sign_in_and_out(client):
    UserFactory(email="shopper@example.com")
    page = client.get(reverse("storefront:login"))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(
        reverse("storefront:login"),
        {"username": "shopper@example.com", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert "Đăng xuất" in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert client.post(reverse("storefront:logout")).status_code == 302
    assert client.get("/").context["user"].is_anonymous


def test_wrong_password_shows_an_error(client):
    UserFactory(email="shopper@example.com")
    response = client.post(
        reverse("storefront:login"), {"username": "shopper@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


def test_sign_out_needs_post(client):
    assert client.get(reverse("storefront:logout")).status_code == 405
