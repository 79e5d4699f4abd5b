from django.urls import URLPattern, URLResolver, path

from .views import stripe_webhook

app_name = "payments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
