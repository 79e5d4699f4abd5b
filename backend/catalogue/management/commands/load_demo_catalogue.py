"""manage.py load_demo_catalogue: the 50-product demo catalogue, loaded through the services.

Idempotent: `make run` calls it on every start; a second run creates nothing."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.demo.loader import ADMIN_EMAIL, DEMO_USERS, DemoLoader


class Command(BaseCommand):
    help = "Load the demo OCOP catalogue (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-images", action="store_true", help="Skip the generated product pictures."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        loader = DemoLoader(
            with_images=not options["no_images"],
            log=(lambda message: self.stdout.write(message)) if verbose else (lambda m: None),
        )
        report = loader.run()
        took = time.monotonic() - started
        if report.created:
            made = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo catalogue loaded in {took:.1f}s: {made}."))
        else:
            self.stdout.write(
                f"Demo catalogue already loaded ({report.skipped_products} products); "
                "nothing to do."
            )
        if report.admin_password:
            self.stdout.write(
                f"Staff account: {ADMIN_EMAIL} / {report.admin_password} (admin at /admin/)"
            )
        if report.created.get("users"):
            users = ", ".join(DEMO_USERS.values())
            self.stdout.write(f"Demo users ({users}) have the password {loader.user_password}")
