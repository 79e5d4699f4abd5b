"""Home, search/browse and product pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from storefront import adapters
from storefront.shop import get_shop
from storefront.views.common import render_page

MAX_QUERY_LENGTH = 200
MAX_PAGE = 1000


def home(request: HttpRequest) -> HttpResponse:
    data = adapters.home_sections(shop=get_shop(request))
    return render_page(request, "storefront/home.html", {"home": data})


def _page(value: str | None) -> int:
    try:
        page = int(value or 1)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def search_params(request: HttpRequest) -> adapters.SearchParams:
    get = request.GET
    selected = {
        param: [v[:64] for v in get.getlist(param) if v][:40] for param in adapters.FACET_PARAMS
    }
    sort = get.get("sort", "relevance")
    return adapters.SearchParams(
        query=get.get("q", "")[:MAX_QUERY_LENGTH].strip(),
        selected={k: v for k, v in selected.items() if v},
        ships_to=get_shop(request).country if get.get("ships") == "1" else None,
        sort=sort if sort in adapters.SORTS else "relevance",
        page=_page(get.get("page")),
    )


def search(request: HttpRequest) -> HttpResponse:
    params = search_params(request)
    shop = get_shop(request)
    result = adapters.search_products(params, shop=shop)
    pages = max((result.total + params.page_size - 1) // params.page_size, 1)
    context = {
        "params": params,
        "result": result,
        "page": params.page,
        "pages": pages,
        "has_prev": params.page > 1,
        "has_next": params.page < pages,
        "sorts": adapters.sort_choices(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "search-page":
        return render(request, "storefront/includes/search_body.html", {"shop": shop, **context})
    return render_page(request, "storefront/search.html", context)


def suggestions(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    items = adapters.suggest(query, shop=get_shop(request)) if query.strip() else []
    return render(request, "storefront/includes/suggestions.html", {"items": items, "q": query})


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    shop = get_shop(request)
    page = adapters.product_page(slug=slug, shop=shop)
    if page is None:
        raise Http404("No such product")
    canonical = page.product.slug_en if shop.language == "en" and page.product.slug_en else None
    canonical = canonical or page.product.slug
    if slug != canonical and slug in {page.product.slug, page.product.slug_en}:
        return redirect("storefront:product", slug=canonical)
    return render_page(
        request,
        "storefront/product.html",
        {"page": page, "p": page.product, "add_to_cart_url": reverse("storefront:cart_add")},
    )
