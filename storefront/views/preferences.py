"""The ship-to country selector (the language switch is Django's `set_language`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from storefront.shop import set_country


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def ship_to(request: HttpRequest) -> HttpResponse:
    if not set_country(request, request.POST.get("country", "")):
        messages.error(request, _("Unknown country. Please choose one from the list."))
    return HttpResponseRedirect(safe_next(request))
