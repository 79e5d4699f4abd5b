from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.compliance.services import verdicts_recompute


class Command(BaseCommand):
    help = "Recompute the stored export-compliance verdicts of every product (or some)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--product", type=int, action="append", help="a product id")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        done = verdicts_recompute(
            product_ids=options["product"],
            chunk_size=options["chunk_size"],
            progress=lambda n: self.stdout.write(f"{n} products", ending="\r"),
        )
        took = time.perf_counter() - start
        self.stdout.write(f"{done} products recomputed in {took:.1f}s")
