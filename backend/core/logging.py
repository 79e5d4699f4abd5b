"""Structured logs with a request ID.

Every log record gets a ``request_id`` attribute: the ID of the HTTP request (or Celery task)
being served, ``"-"`` outside one. ``LOG_FORMAT=json`` writes one JSON object per line
(python-json-logger), ``text`` a readable line for the console.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An incoming X-Request-ID is kept only when it looks like an ID (no spaces, no control
# characters, bounded length); anything else is replaced, so logs cannot be forged through it.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The incoming ID if it is acceptable, a fresh one otherwise."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return new_request_id()


def get_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` from the context of the current request or task."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # ISO 8601 UTC time with milliseconds, as "time".
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)


def logging_config(*, fmt: str, level: str) -> dict:
    """The LOGGING dict for settings.py."""
    formatter = "json" if fmt == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "backend.core.logging.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "backend.core.logging.JsonLogFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The request middleware writes one access line per request (with its ID).
            "django.server": {"level": "WARNING"},
            "celery": {"level": level},
        },
    }
