"""Celery against the real Redis on 127.0.0.1:6379 with real (non-eager) workers: the
production worker command in a subprocess, and a project task (search sync) through a worker
thread, including its retry with back-off when Elasticsearch is down. Bounded in time."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings

from backend.celery import app as project_app
from backend.celery import retry_countdown
from backend.core.logging import request_id_var

from .refs import ROOT

# Databases of the shared Redis used only by these tests.
BROKER = "redis://127.0.0.1:6379/12"
RESULTS = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def real_redis():
    broker = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
    try:
        broker.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    # Databases 12 and 13 belong to these tests: start and end with empty queues.
    broker.flushdb()
    yield
    project_app.set_current()
    broker.flushdb()
    redis.Redis.from_url(RESULTS).flushdb()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_app() -> Celery:
    """A publisher with the project's queues and routes, talking to the test broker."""
    # Not the current app: `shared_task` tasks resolve through the current app, and the
    # rest of the suite must keep publishing through the project's (eager) app.
    client = Celery("ocop-test-client", broker=BROKER, backend=RESULTS, set_as_current=False)
    client.conf.update(
        task_queues=settings.CELERY_TASK_QUEUES,
        task_routes=settings.CELERY_TASK_ROUTES,
        task_default_queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )
    return client


@pytest.fixture
def worker_process():
    """`celery -A backend worker` as in docker-compose, on every queue, in a subprocess."""
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    queues = ",".join(q.name for q in settings.CELERY_TASK_QUEUES)
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": RESULTS,
        "LOG_FORMAT": "json",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "-Q",
            queues,
            "-P",
            "solo",
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    proc.output = output  # type: ignore[attr-defined]


def test_a_task_runs_on_a_real_worker_with_the_request_id(worker_process):
    client = client_app()
    token = request_id_var.set("req-celery-0001")
    try:
        result = client.send_task("ocop.ping", args=["xin chào"])
    finally:
        request_id_var.reset(token)
    from celery.result import allow_join_result

    try:
        # This test process is a client, not a worker, even after an embedded worker ran here.
        with allow_join_result():
            value = result.get(timeout=60)
    except Exception:
        worker_process.terminate()
        pytest.fail(f"no answer from the worker:\n{worker_process.communicate(timeout=20)[0]}")
    assert value["payload"] == "xin chào"
    assert value["request_id"] == "req-celery-0001"
    assert worker_process.poll() is None


def test_routes_send_each_kind_of_work_to_its_queue():
    router = client_app().amqp.router

    def queue(name: str) -> str:
        return router.route({}, name)["queue"].name

    assert queue("search.tasks.sync_products") == "indexing"
    assert queue("orders.tasks.send_order_confirmation") == "email"
    assert queue("catalogue.tasks.export_products") == "exports"
    assert queue("ocop.ping") == "default"


def test_beat_schedule_and_routes_name_only_registered_tasks():
    project_app.loader.import_default_modules()
    for entry, job in settings.CELERY_BEAT_SCHEDULE.items():
        assert job["task"] in project_app.tasks, f"{entry}: {job['task']} is not a task"


def test_retry_countdown_backs_off_with_jitter_and_a_cap():
    for retries in range(12):
        values = [retry_countdown(retries) for _ in range(50)]
        assert all(2.5 <= v <= min(600, 5 * 2**retries) for v in values)
    assert max(retry_countdown(3) for _ in range(200)) > 20  # grows: up to 40 s at try 3
    assert max(retry_countdown(30) for _ in range(50)) <= 600


@pytest.fixture
def worker_thread(settings):
    """The project app, not eager, with a worker thread in this process (it shares the test
    database) on the indexing queue."""
    from celery.contrib.testing.worker import start_worker

    saved = {k: project_app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    project_app.conf.update(task_always_eager=False, broker_url=BROKER, result_backend=RESULTS)
    _forget_connections(project_app)
    try:
        with start_worker(
            project_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=20,
            queues=["indexing"],
        ) as worker:
            yield worker
    finally:
        project_app.conf.update(saved)
        project_app.pool.force_close_all()
        _forget_connections(project_app)


def _forget_connections(app: Celery) -> None:
    """The app caches its producer pool and (per thread) its result backend from the
    configuration it first saw: drop both so that the next use reads the current one, and
    later tests in this process don't publish through a closed pool."""
    from celery._state import _set_task_join_will_block

    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)
    _set_task_join_will_block(False)  # an embedded worker marks the whole process as one


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_search_sync_retries_on_a_worker_and_loses_nothing(worker_thread, settings):
    from search.models import ProductSearchDocument, SyncBacklog
    from search.tasks import sync_products
    from tests.factories import ProductFactory

    product = ProductFactory()
    # Elasticsearch "configured" on a closed port: the database index is written, the
    # Elasticsearch update fails, the id is kept in the backlog and the task is retried.
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    # The worker thread consumes only the "indexing" queue: it runs this task only because
    # the route sends search tasks there.
    result = sync_products.apply_async(args=[[product.pk]])
    assert wait_for(lambda: result.state == "RETRY", 30), result.state
    # The worker writes the backlog in its own transaction, around the retry it schedules.
    assert wait_for(lambda: SyncBacklog.objects.filter(product_id=product.pk).exists(), 10)

    # The service is back (here: the database backend); the scheduled retry (back-off of
    # a few seconds) finishes the job and empties the backlog.
    settings.SEARCH_BACKEND = "database"
    assert wait_for(lambda: result.state == "SUCCESS", 40), result.state
    assert not SyncBacklog.objects.exists()
    assert ProductSearchDocument.objects.filter(product_id=product.pk).exists()
