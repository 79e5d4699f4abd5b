"""The producer dashboard: a producer's own listings, stock and expiring certificates.

Every view is scoped to the signed-in user's producer; another producer's product is a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from storefront import adapters
from storefront.views.common import render_page


def producer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("storefront:login"))
        producer = adapters.producer_of(request.user)
        if producer is None:
            return render_page(request, "storefront/producer/not_member.html", status=403)
        return view(request, producer, *args, **kwargs)

    return wrapper


@producer_required
def dashboard(request: HttpRequest, producer: Any) -> HttpResponse:
    data = adapters.producer_dashboard(producer=producer)
    return render_page(request, "storefront/producer/dashboard.html", {"dash": data})


@producer_required
def product_edit(request: HttpRequest, producer: Any, pk: int) -> HttpResponse:
    product = adapters.producer_product(producer=producer, pk=pk)
    if product is None:
        raise Http404("Not one of your products")
    return render_page(request, "storefront/producer/product.html", {"p": product})
