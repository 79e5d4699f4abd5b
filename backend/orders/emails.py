"""The order confirmation e-mail, in the shopper's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Order


def order_confirmation_render(order: Order) -> tuple[str, str]:
    language = order.language_code if order.language_code in ("vi", "en") else "vi"
    lines = list(order.lines.all())
    context = {
        "order": order,
        "lines": [
            {
                "name": (line.product_name_en or line.product_name_vi)
                if language == "en"
                else line.product_name_vi,
                "variant": (line.variant_name_en or line.variant_name_vi)
                if language == "en"
                else line.variant_name_vi,
                "producer": line.producer_name,
                "quantity": line.quantity,
                "unit_price": line.unit_price_amount,
                "total": line.total_price_amount,
            }
            for line in lines
        ],
        "shipping_address": order.shipping_address,
        "site_url": settings.PUBLIC_URL,
    }
    with translation.override(language):
        subject = render_to_string(f"orders/email/confirmation_subject_{language}.txt", context)
        body = render_to_string(f"orders/email/confirmation_{language}.txt", context)
    return " ".join(subject.split()), body


def order_confirmation_send(order: Order) -> None:
    subject, body = order_confirmation_render(order)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.user_email])
