"""localstripe on 127.0.0.1 (a free port) for the whole session, and an inbox that receives
the webhooks localstripe signs and sends, so tests can deliver them to our endpoint."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

WEBHOOK_SECRET = "whsec_test_ocop_market"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    from aiohttp import web
    from localstripe.server import app

    port = _free_port()
    ready = threading.Event()

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, name="localstripe", daemon=True).start()
    assert ready.wait(10), "localstripe did not start"
    yield f"http://127.0.0.1:{port}"


class WebhookInbox:
    """Collects (body, Stripe-Signature) of the webhooks localstripe sends."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        self.lock = threading.Lock()

    def wait_for(self, event_type: str, object_id: str, timeout: float = 10.0) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for body, signature in self.received:
                    event = json.loads(body)
                    if event["type"] == event_type and event["data"]["object"]["id"] == object_id:
                        return body, signature
            time.sleep(0.1)
        raise AssertionError(f"no {event_type} webhook for {object_id}")


@pytest.fixture(scope="session")
def webhook_inbox(localstripe_url: str) -> Iterator[WebhookInbox]:
    import requests

    inbox = WebhookInbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with inbox.lock:
                inbox.received.append((body, self.headers.get("Stripe-Signature", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    response = requests.post(
        f"{localstripe_url}/_config/webhooks/ocop-tests",
        data={"url": f"http://127.0.0.1:{server.server_port}/", "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    response.raise_for_status()
    yield inbox
    server.shutdown()


@pytest.fixture
def stripe_on(settings: Any, localstripe_url: str) -> str:
    settings.STRIPE_SECRET_KEY = "sk_test_ocop"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_ocop"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_url


@pytest.fixture
def card(stripe_on: str) -> Any:
    """`card(number)` -> a Stripe PaymentMethod id at localstripe."""
    from backend.payments.gateways.stripe import stripe_client

    def make(number: str = "4242424242424242") -> str:
        pm = stripe_client().v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
            }
        )
        return str(pm["id"])

    return make
