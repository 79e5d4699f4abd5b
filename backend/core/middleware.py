"""Request-level middleware: health probes and request IDs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from . import views
from .logging import clean_request_id, request_id_var

access_log = logging.getLogger("ocop.request")

REQUEST_ID_HEADER = "X-Request-ID"


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` first, before SecurityMiddleware and host checks.

    Kubernetes and Docker probe a pod by its IP over plain HTTP: with ``SECURE_SSL_REDIRECT``
    and a strict ``ALLOWED_HOSTS`` those requests would get a redirect or a 400. Must be the
    first middleware.
    """

    routes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
        "/healthz": views.healthz,
        "/readyz": views.readyz,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info.rstrip("/"))
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives every request an ID: the incoming ``X-Request-ID`` (set by the ingress or the
    caller) when it is well formed, a new UUID otherwise. The ID is on every log line written
    while serving the request, on ``request.request_id`` and in the response header, and one
    access line per request is logged with method, path, status and duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Not reset at the end of this method: Django logs 4xx/5xx responses (django.request)
        # after the middleware returns. `request_finished` clears it (see below).
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="ocop.clear_request_id")
def _clear_request_id(**kwargs: object) -> None:
    request_id_var.set("-")
