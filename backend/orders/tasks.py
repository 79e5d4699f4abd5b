"""Background jobs of orders."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .emails import order_confirmation_send
from .models import Order

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, name="backend.orders.tasks.send_order_confirmation")
def send_order_confirmation(self, order_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Send the confirmation once (a second run sees `confirmation_sent_at` and stops)."""
    from backend.celery import retry_countdown

    order = Order.objects.select_related("shipping_address").filter(pk=order_id).first()
    if order is None or order.confirmation_sent_at is not None:
        return False
    try:
        order_confirmation_send(order)
    except OSError as exc:  # SMTP down: try again later
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    Order.objects.filter(pk=order_id, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return True
