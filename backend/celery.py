"""Celery application. Tasks run eagerly unless CELERY_TASK_ALWAYS_EAGER=false.

Queues, routes, retry limits and the beat schedule are settings (``CELERY_*`` in
backend/settings.py). Conventions every task follows (infra/README.md has the long form):

- **Idempotent**: a task may run twice (late acknowledgement, a worker killed mid-run, a
  retry). Pass IDs, not objects; re-read state from the database; make the effect "set to"
  rather than "add" (re-index product 42, mark order 7 e-mailed only if not yet marked).
- **Retries with back-off**: transient failures (a service down) call
  ``raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries))``; permanent
  ones (bad input) log and return. ``max_retries`` is set on the task.
- **Bounded**: soft/hard time limits from settings; no task waits on another's result.
"""

from __future__ import annotations

import os
import random
import socket
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("ocop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def retry_countdown(retries: int, *, base: float = 5.0, cap: float = 600.0) -> float:
    """Exponential back-off with full jitter: up to base * 2**retries seconds, at most cap."""
    return random.uniform(base / 2, min(cap, base * 2**retries))  # jitter, not crypto


@app.task(name="ocop.ping", ignore_result=False)
def ping(payload: str = "pong") -> dict[str, Any]:
    """Smoke test of the broker and a worker: ``celery -A backend call ocop.ping``."""
    from backend.core.logging import get_request_id

    return {"payload": payload, "worker": socket.gethostname(), "request_id": get_request_id()}


# --- Request IDs across the queue ---------------------------------------------------------
# The ID of the request that queued a task travels in the message headers and is set again
# while the task runs, so its log lines can be joined with the request's.


@before_task_publish.connect
def _add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    from backend.core.logging import get_request_id

    request_id = get_request_id()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


_tokens: dict[str, Any] = {}


@task_prerun.connect
def _set_request_id(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    from backend.core.logging import request_id_var

    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id and task_id:
        _tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect
def _reset_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    from backend.core.logging import request_id_var

    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)
