"""The export partner portal: the catalogue by market and verdict, compliance detail per
product, and catalogue feeds (CSV/JSON) to download."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.core.errors import ServiceError
from storefront import partner
from storefront.views.common import render_page


def partner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("storefront:login"))
        if not partner.is_partner(request.user):
            return render_page(request, "storefront/partner/not_partner.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _page(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


@partner_required
def portal(request: HttpRequest) -> HttpResponse:
    markets = partner.markets()
    code = request.GET.get("market") or (markets[0].code if markets else "")
    verdicts = request.GET.getlist("verdict")
    error = ""
    data = None
    try:
        data = partner.catalogue(
            market_code=code, verdicts=verdicts, page=_page(request.GET.get("page"))
        )
    except ServiceError as exc:
        error = str(exc)
    return render_page(
        request,
        "storefront/partner/portal.html",
        {
            "markets": markets,
            "data": data,
            "error": error,
            "all_verdicts": partner.VERDICTS,
            "feeds": partner.feeds_of(request.user),
        },
    )


@partner_required
def product_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    detail = partner.compliance_detail(product_pk=pk, market_code=request.GET.get("market", ""))
    if detail is None:
        raise Http404("No such product or market")
    return render_page(request, "storefront/partner/compliance.html", {"d": detail})


@partner_required
@require_POST
def feed_request(request: HttpRequest) -> HttpResponse:
    market = request.POST.get("market", "")
    try:
        partner.request_feed(
            user=request.user,
            market_code=market,
            format=request.POST.get("format", "CSV"),
            verdicts=request.POST.getlist("verdict"),
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your feed is being prepared; it appears below when ready."))
    return HttpResponseRedirect(reverse("storefront:partner") + f"?market={market}#feeds")


@partner_required
def feed_download(request: HttpRequest, token: str) -> Any:
    return partner.download(request, token)
