"""Gunicorn settings for the web container (``gunicorn -c infra/gunicorn.conf.py``).

Sized by environment variables so one image fits a laptop and a large node:
WEB_CONCURRENCY (worker processes, default 2 x CPU + 1), GUNICORN_THREADS (threads per
worker), GUNICORN_TIMEOUT (seconds before a stuck worker is replaced), PORT.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25  # below Kubernetes' default 30 s terminationGracePeriodSeconds
keepalive = 5
# Recycle workers now and then so a slow leak never takes a pod down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Heartbeat files in memory, not on the (possibly slow or read-only) container disk.
worker_tmp_dir = "/dev/shm"
# Trust X-Forwarded-* from the ingress / load balancer in front of the pods.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# The app writes one JSON access line per request, with its request ID
# (backend.core.middleware.RequestIdMiddleware); gunicorn's own access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "backend.core.logging.JsonLogFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
    },
}
