from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', html)


def test_search_folds_vietnamese_and_lists_matches(client, catalogue):
    response = client.get("/search/", {"q": "cha ca"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    names = _cards(response.content.decode())
    assert "Chả cá Lã Vọng" in names
    assert "Chả cá Thăng Long" in names
    assert "Chả cá bản nháp" not in names  # drafts are never public
    assert "Nước mắm Phú Quốc 40 độ đạm" not in names


def test_search_facets_have_counts_and_narrow_by_stars_and_province(client, catalogue):
    html = client.get("/search/", {"q": "cha ca"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    # A stars facet with a checkbox for 5 stars; the expired one does not count.
    assert re.search(r'name="stars" value="5"', html)
    assert re.search(r'name="province" value="01"', html)
    narrowed = client.get(
        "/search/", {"q": "cha ca", "stars": "5", "province": "01"}, HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert _cards(narrowed) == ["Chả cá Lã Vọng"]
    # the selected filter is checked and kept in the links (state in the URL)
    assert re.search(r'name="stars" value="5" checked', narrowed)
    assert "stars=5" in narrowed and "province=01" in narrowed


def test_search_sorting_and_pagination_links_keep_state(client, catalogue):
    html = client.get(
        "/search/", {"sort": "price_desc", "province": "01"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    names = _cards(html)
    assert names[0] == "Bat Trang blue-glaze vase"  # 650,000 VND first
    assert "province=01" in html


def test_search_bad_input_is_safe(client, catalogue):
    for params in (
        {"page": "abc"},
        {"page": "-5"},
        {"stars": "9"},
        {"sort": "DROP TABLE"},
        {"q": "x" * 5000},
        {"q": '"(*&^%$#@!'},
        {"price_range": "nonsense"},
    ):
        response = client.get("/search/", params)
        assert response.status_code == 200, params


def test_htmx_search_returns_only_the_fragment(client, catalogue):
    response = client.get(
        "/search/", {"q": "cha ca"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Chả cá Lã Vọng" in html


def test_suggestions_fragment(client, catalogue):
    response = client.get(reverse("storefront:suggest"), {"q": "cha c"})
    assert response.status_code == 200
    assert "Chả cá Lã Vọng" in response.content.decode()
    assert client.get(reverse("storefront:suggest"), {"q": ""}).content.strip() == b""


def test_language_switch_sets_english(catalogue):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    assert 'lang="vi"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    english = client.get("/").content.decode()
    assert 'lang="en"' in english
    assert "La Vong fish cake" in english
    assert "The six OCOP groups" in english


def test_forms_carry_a_csrf_token_and_posts_without_it_are_refused(catalogue):
    client = Client(enforce_csrf_checks=True)
    html = client.get("/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 2  # language and ship-to forms
    response = client.post(reverse("storefront:ship_to"), {"country": "JP", "next": "/"})
    assert response.status_code == 403


def test_ship_to_country_is_kept_in_the_session(client, catalogue):
    response = client.post(reverse("storefront:ship_to"), {"country": "jp", "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert client.session["ship_to_country"] == "JP"
    html = client.get("/").content.decode()
    assert '<option value="JP" selected>' in html
    # an unknown country is refused and the previous choice stays
    client.post(reverse("storefront:ship_to"), {"country": "XX", "next": "/"})
    assert client.session["ship_to_country"] == "JP"
    # an off-site "next" is not followed
    response = client.post(
        reverse("storefront:ship_to"), {"country": "VN", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_no_secrets_in_pages(client, catalogue, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_do_not_leak_123"
    for url in ("/", "/search/", "/p/cha-ca-la-vong/"):
        html = client.get(url).content.decode()
        assert "sk_test_do_not_leak_123" not in html
        assert settings.SECRET_KEY not in html


def test_500_page_renders_without_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "500" in html and "site.css" in html


def test_highlight_snippet_keeps_only_em_markup():
    from storefront.templatetags.storefront import snippet

    assert snippet("<em>Chả</em> cá &lt;script&gt;") == "<em>Chả</em> cá &lt;script&gt;"
    assert "<script>" not in snippet("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert snippet(None) == ""
