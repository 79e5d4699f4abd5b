"""Security headers Django's own middleware does not set.

SecurityMiddleware already sends X-Content-Type-Options (SECURE_CONTENT_TYPE_NOSNIFF),
Referrer-Policy (SECURE_REFERRER_POLICY), Cross-Origin-Opener-Policy and HSTS in production;
XFrameOptionsMiddleware sends X-Frame-Options. This adds a Content-Security-Policy and a
Permissions-Policy to HTML pages:

- scripts only from the site itself (the storefront's static files: htmx, site.js), plus
  Stripe's script, frames and API when a publishable key is set (checkout's card form);
- images from the site, data: URLs and the media storage's host (S3 / custom domain);
- no plugins, no framing, forms post only to the site.

GraphiQL (/graphql/ in a browser) loads its editor from a CDN with an inline script and keeps
its own page without this policy.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

STRIPE_SCRIPT = "https://js.stripe.com"
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"
EXEMPT_PREFIXES = ("/graphql",)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(self)"


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None


def media_origins() -> list[str]:
    origins = [
        _origin(getattr(settings, "MEDIA_URL", "")) if "://" in settings.MEDIA_URL else None,
        _origin(getattr(settings, "AWS_S3_CUSTOM_DOMAIN", None)),
        _origin(getattr(settings, "AWS_S3_ENDPOINT_URL", None)),
    ]
    bucket = getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")
    if bucket and not any(origins[1:]):
        region = getattr(settings, "AWS_S3_REGION_NAME", "")
        origins += [
            f"https://{bucket}.s3.amazonaws.com",
            f"https://{bucket}.s3.{region}.amazonaws.com",
        ]
    return sorted({o for o in origins if o})


def content_security_policy() -> str:
    stripe = bool(getattr(settings, "STRIPE_PUBLISHABLE_KEY", ""))
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *([STRIPE_SCRIPT] if stripe else [])],
        # The producer dashboard's bars use a style attribute; htmx adds its indicator style.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *media_origins()],
        "connect-src": ["'self'", *([STRIPE_API] if stripe else [])],
        "frame-src": list(STRIPE_FRAMES) if stripe else ["'none'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
            response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
