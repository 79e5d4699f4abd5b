"""Health endpoints for load balancers and orchestrators.

- ``/healthz``: liveness. The process is up and can answer; touches no other service, so a
  database outage never gets healthy web pods killed.
- ``/readyz``: readiness. Database (and replica), cache and search reachable; 503 with the
  details of each check otherwise, so traffic goes elsewhere until it recovers.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from .health import readiness_checks


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> JsonResponse:
    results = readiness_checks()
    ready = all(r.ok for r in results)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {r.name: r.as_dict() for r in results},
    }
    return _no_store(JsonResponse(body, status=200 if ready else 503))
