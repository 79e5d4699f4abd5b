"""The producer dashboard: a producer's own listings, stock and expiring certificates.

Every view is scoped to the signed-in user's producer; another producer's product is a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.core.errors import ServiceError
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
    parts, sales = adapters.producer_orders_and_sales(producer=producer)
    peak = max((m.gross for m in sales), default=0) or 1
    chart = [(m, int(m.gross * 100 / peak)) for m in sales]
    return render_page(
        request,
        "storefront/producer/dashboard.html",
        {"dash": data, "parts": parts, "chart": chart},
    )


@producer_required
def product_edit(request: HttpRequest, producer: Any, pk: int) -> HttpResponse:
    product = adapters.producer_product(producer=producer, pk=pk)
    if product is None:
        raise Http404("Not one of your products")
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "variant":
                adapters.producer_variant_update(
                    product=product,
                    variant_id=_int(request.POST.get("variant")),
                    price=request.POST.get("price_amount", ""),
                    quantity=request.POST.get("quantity", ""),
                )
            else:
                adapters.producer_listing_update(product=product, data=request.POST)
        except ServiceError as exc:
            errors = [e.message for e in exc.errors]
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("storefront:producer_product", args=[pk]))
        product = adapters.producer_product(producer=producer, pk=pk) or product
    return render_page(
        request,
        "storefront/producer/product.html",
        {"p": product, "errors": errors},
        status=422 if errors else 200,
    )


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


@producer_required
def product_import(request: HttpRequest, producer: Any) -> HttpResponse:
    """Upload a CSV/XLSX of listings; the import runs as a background job."""
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a CSV or XLSX file.")]
        else:
            try:
                job = adapters.producer_import_start(
                    producer=producer, user=request.user, upload=upload
                )
            except ServiceError as exc:
                errors = [e.message for e in exc.errors]
            else:
                return HttpResponseRedirect(
                    reverse("storefront:producer_import_job", args=[job.id])
                )
    return render_page(
        request,
        "storefront/producer/import.html",
        {"errors": errors},
        status=422 if errors else 200,
    )


@producer_required
def product_import_job(request: HttpRequest, producer: Any, job_id: str) -> HttpResponse:
    job = adapters.producer_import_job(producer=producer, job_id=job_id)
    if job is None:
        raise Http404("No such import")
    template = (
        "storefront/producer/import_progress.html"
        if request.headers.get("HX-Request")
        else "storefront/producer/import_job.html"
    )
    return render_page(request, template, {"job": job})


@producer_required
def ship(request: HttpRequest, producer: Any) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("storefront:producer"))
    try:
        adapters.producer_ship(
            producer=producer,
            user=request.user,
            part_id=_int(request.POST.get("part")),
            carrier=request.POST.get("carrier", ""),
            tracking=request.POST.get("tracking_number", ""),
        )
    except ServiceError as exc:
        for e in exc.errors:
            messages.error(request, e.message)
    else:
        messages.success(request, _("Marked as shipped; the shopper gets an e-mail."))
    return HttpResponseRedirect(reverse("storefront:producer") + "#orders-heading")
