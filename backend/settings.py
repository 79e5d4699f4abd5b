"""The one settings module of OCOP Market.

Every value comes from an environment variable (or a `.env` file beside manage.py) and has a
default that runs the embedded setup of `make run`: SQLite, the database search backend, local
media, eager background jobs, the test payment gateway and console e-mail. The README lists
every variable with its default.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Exchange, Queue

from backend.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The development default starts with "django-insecure-", so `check --deploy` refuses it.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-dev-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PUBLIC_URL = env.str("PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "graphene_django",
    "django_htmx",
    "backend.core",
    "backend.accounts",
    "backend.places",
    "backend.producers",
    "backend.catalogue",
    "backend.certification",
    "backend.traceability",
    "backend.markets",
    "backend.compliance",
    "backend.shipping",
    "backend.checkout",
    "backend.orders",
    "backend.payments",
    "search",
    "storefront",
]

MIDDLEWARE = [
    # Answers /healthz and /readyz before the HTTPS redirect and host validation (probes).
    "backend.core.middleware.HealthCheckMiddleware",
    # X-Request-ID on every log line and response; one JSON access line per request.
    "backend.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on HTML pages.
    "backend.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite in var/ by default; CI and production set DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the dev server and background jobs share the file.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # Writers take the lock when their transaction starts, so concurrent requests wait for it
    # (up to the timeout) instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A pooled connection is checked before reuse, so a database restart costs no 500s.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# Optional read replica (PostgreSQL streaming replica) for catalogue reads; see
# backend/core/db_router.py for what is read there. Tests mirror it onto the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})
    DATABASES["replica"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["backend.core.db_router.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache and sessions -----------------------------------------------------------------------
# Local memory by default; production sets CACHE_URL=redis://host:6379/1 (infra/). Only
# CACHE_URL selects Redis: CI exports REDIS_URL for Celery tests, and a cache shared between
# test runs would leak state from one run into the next.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://ocop")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Bounded waits: a Redis outage makes requests fail fast (and /readyz say so), not hang.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 2)
    CACHES["default"].setdefault("KEY_PREFIX", "ocop")
# Rate-limit counters: the same server, their own store (local memory) or key prefix (Redis).
CACHES["ratelimit"] = {**CACHES["default"], "KEY_PREFIX": "ocop-rl"}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["ratelimit"]["LOCATION"] = "ocop-ratelimit"
# Sessions: in the cache backed by the database when the cache is Redis (fast, and nobody is
# logged out when Redis restarts), in the database otherwise.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if "redis" in CACHES["default"]["BACKEND"].lower()
    else "django.contrib.sessions.backends.db"
)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files and media ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Media and documents go to S3 when AWS_STORAGE_BUCKET_NAME is set, local files otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="ap-southeast-1")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
# Scheme of public media URLs on AWS_S3_CUSTOM_DOMAIN ("http:" only for a local MinIO).
AWS_S3_URL_PROTOCOL = env.str("AWS_S3_URL_PROTOCOL", default="https:")
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=600)
# "path" for MinIO and most S3-compatible stores; empty lets boto3 choose (AWS).
AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
# Private documents may live in their own bucket (default: the same bucket, "private/" prefix).
AWS_PRIVATE_BUCKET_NAME = env.str("AWS_PRIVATE_BUCKET_NAME", default="") or AWS_STORAGE_BUCKET_NAME

if AWS_STORAGE_BUCKET_NAME:
    # Public media: plain URLs (bucket policy or CDN grants read on media/).
    _media_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"querystring_auth": False, "location": "media"},
    }
    # Private documents (certificates, Halal/HACCP/FDA files): never public, reached only
    # through signed URLs valid AWS_QUERYSTRING_EXPIRE seconds; never through the CDN domain.
    _private_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_BUCKET_NAME,
            "querystring_auth": True,
            "querystring_expire": AWS_QUERYSTRING_EXPIRE,
            "location": "private",
            "custom_domain": None,
            "default_acl": "private",
        },
    }
else:
    _media_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": "/private/"},
    }

# Serve local media from Django itself (the embedded default); off when media is on S3.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not AWS_STORAGE_BUCKET_NAME)
# Serve static files from the apps' folders without collectstatic (make run); production
# runs collectstatic at build time and sets this to false.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

STORAGES = {
    "default": _media_backend,
    "private": _private_backend,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OCOP Market <no-reply@ocop.local>")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- Background jobs (Celery) ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies mid-run goes back to the queue (tasks are idempotent, see
# infra/README.md), and a worker takes one message at a time so long exports don't hold others.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged message after this many seconds: longer than the
# longest task, or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by kind of work; each gets its own workers (infra/docker-compose.yml, infra/k8s/).
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in ("default", "indexing", "email", "exports")
]
# Routing by module and name: search index work, e-mails and exports/reports. Anything else
# goes to "default".
CELERY_TASK_ROUTES = {
    "search.tasks.*": {"queue": "indexing"},
    "*.tasks.send_*": {"queue": "email"},
    "*.email.*": {"queue": "email"},
    "*.tasks.export_*": {"queue": "exports"},
    "*.exports.*": {"queue": "exports"},
}
# Periodic jobs, run by exactly one `celery beat` process. Only tasks that exist are listed;
# the jobs still to be written are the TODO list in infra/README.md.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "search-retry-failed-sync": {
        "task": "search.tasks.sync_products",
        "schedule": crontab(minute="*/10"),
        "args": ([],),
    },
    # E-mails each producer's owners a digest of certificates and documents expiring within
    # 60 days.
    "producers-expiry-digest": {
        "task": "backend.producers.tasks.send_expiry_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Stored market verdicts follow rules that come into force or end on a date.
    "compliance-rules-by-date": {
        "task": "backend.compliance.tasks.recompute_when_rules_start_or_end",
        "schedule": crontab(hour=0, minute=15),
    },
}

# --- Search ---------------------------------------------------------------------------------
# Empty: the database backend. Set to http://host:9200 to use Elasticsearch.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="ocop")
SEARCH_BACKEND = env.str(
    "SEARCH_BACKEND", default="elasticsearch" if ELASTICSEARCH_URL else "database"
)
# When Elasticsearch is unreachable: answer from the database backend instead of a
# SEARCH_UNAVAILABLE error. Requests to Elasticsearch time out after ELASTICSEARCH_TIMEOUT s.
SEARCH_FALLBACK_TO_DATABASE = env.bool("SEARCH_FALLBACK_TO_DATABASE", default=False)
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=2.0)

# --- Payments -------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="") or None
DEMO_PAYMENT_GATEWAY_ENABLED = env.bool("DEMO_PAYMENT_GATEWAY_ENABLED", default=True)

# --- API ------------------------------------------------------------------------------------
JWT_ACCESS_TTL = timedelta(minutes=env.int("JWT_ACCESS_TTL_MINUTES", default=15))
JWT_REFRESH_TTL = timedelta(days=env.int("JWT_REFRESH_TTL_DAYS", default=30))
GRAPHQL_MAX_PAGE_SIZE = 100
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=12)
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=50_000)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=30)
GRAPHQL_MAX_STRING_LENGTH = env.int("GRAPHQL_MAX_STRING_LENGTH", default=2_000)
GRAPHQL_MAX_MUTATIONS = env.int("GRAPHQL_MAX_MUTATIONS", default=10)
# Rate limits per client IP and per user (backend/core/ratelimit.py): "<scope>=<requests>/<seconds>"
# comma-separated; scopes tokenCreate, accountRegister, checkoutComplete, upload. Empty: off.
RATE_LIMITS = env.str(
    "RATE_LIMITS",
    default="tokenCreate=20/300,accountRegister=10/3600,checkoutComplete=30/300,upload=60/300",
)
# Proxies in front of the app that append to X-Forwarded-For (0: use the socket's address).
RATE_LIMIT_TRUSTED_PROXY_COUNT = env.int("RATE_LIMIT_TRUSTED_PROXY_COUNT", default=0)
GRAPHENE = {
    "SCHEMA": "backend.graphql.api.schema",
    "RELAY_CONNECTION_MAX_LIMIT": GRAPHQL_MAX_PAGE_SIZE,
    "RELAY_CONNECTION_ENFORCE_FIRST_OR_LAST": False,
    "ATOMIC_MUTATIONS": False,
}

# --- Marketplace -----------------------------------------------------------------------------
DEFAULT_CURRENCY = "VND"
OCOP_CERTIFICATE_VALIDITY_MONTHS = 36

# --- Security (production) ------------------------------------------------------------------
# Production sets all of these (infra/.env.example); `manage.py check --deploy` then passes.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Probes call pods over plain HTTP (HealthCheckMiddleware answers them first anyway).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The TLS-terminating proxy (ingress, load balancer) sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json in production: one JSON object per line with time, level, logger, message
# and the request ID (X-Request-ID); "text" is the readable console format of `make run`.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
if CELERY_TASK_ALWAYS_EAGER:
    # In-process jobs would log one "succeeded" line per job into the web server's output.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# --- Checkout, orders and payments (helper "checkout") -----------------------------------------
# Delivery providers and problem checkers are plug points (backend/checkout/delivery.py and
# backend/checkout/problems.py): dotted paths, run in order.
# Domestic flat rate (data) and the markets helper's international rate tables; swap in
# backend.shipping.providers.DomesticZonedProvider for zone-priced domestic delivery.
CHECKOUT_DELIVERY_PROVIDERS = env.list(
    "CHECKOUT_DELIVERY_PROVIDERS",
    default=[
        "backend.checkout.delivery.DomesticFlatRateProvider",
        "backend.shipping.providers.InternationalShippingProvider",
    ],
)
CHECKOUT_PROBLEM_CHECKERS = env.list(
    "CHECKOUT_PROBLEM_CHECKERS",
    default=[
        "backend.checkout.problems.line_problems",
        "backend.checkout.problems.delivery_problems",
        "backend.compliance.checkout.cannot_ship_problems",
    ],
)
# Stock is held this long for a checkout whose shopper is paying.
CHECKOUT_RESERVATION_MINUTES = env.int("CHECKOUT_RESERVATION_MINUTES", default=15)
CHECKOUT_MAX_LINES = env.int("CHECKOUT_MAX_LINES", default=100)
# Checkouts nobody touched for this many days are deleted by a daily job.
CHECKOUT_STALE_DAYS = env.int("CHECKOUT_STALE_DAYS", default=30)
CHECKOUT_MAX_LINE_QUANTITY = env.int("CHECKOUT_MAX_LINE_QUANTITY", default=999)
# Payment gateways offered, in order (backend/payments/gateways.py).
PAYMENT_GATEWAYS = env.list(
    "PAYMENT_GATEWAYS",
    default=[
        "backend.payments.gateways.stripe.StripeGateway",
        "backend.payments.gateways.cod.CashOnDeliveryGateway",
        "backend.payments.gateways.dummy.DemoGateway",
    ],
)
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=20.0)
CELERY_BEAT_SCHEDULE["checkout-release-expired-reservations"] = {
    "task": "backend.checkout.tasks.release_expired_reservations",
    "schedule": crontab(minute="*"),
}
CELERY_BEAT_SCHEDULE["checkout-delete-stale"] = {
    "task": "backend.checkout.tasks.delete_stale_checkouts",
    "schedule": crontab(hour=3, minute=30),
}
