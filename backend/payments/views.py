"""The Stripe webhook endpoint."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import stripe_event_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify the Stripe-Signature header, then handle the event once (a replay answers 200
    with outcome "duplicate" and changes nothing)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        return JsonResponse({"error": "webhook not configured"}, status=503)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            request.body, signature, settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("rejected a Stripe webhook with a bad payload or signature")
        return JsonResponse({"error": "invalid signature"}, status=400)
    outcome = stripe_event_handle(event.to_dict())
    return JsonResponse({"received": True, "outcome": outcome})
