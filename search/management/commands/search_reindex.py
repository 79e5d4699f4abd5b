"""Full reindex: the database search table, then (when configured) a new Elasticsearch
index loaded with bulk requests and swapped in behind the alias atomically."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search import get_backend
from search.backends.base import SearchBackend, SearchUnavailable
from search.backends.database import DatabaseBackend
from search.models import SyncBacklog


class Command(BaseCommand):
    help = "Rebuild the search index (database table and Elasticsearch when configured)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--backend",
            choices=["all", "database", "elasticsearch"],
            default="all",
            help="Which index to rebuild (default: the database table and the configured one).",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        which = options["backend"]
        progress = not options["no_progress"]
        batch = options["batch_size"]
        backends: list[SearchBackend] = []
        if which in ("all", "database"):
            backends.append(DatabaseBackend())
        if which == "elasticsearch" or (which == "all" and settings.SEARCH_BACKEND != "database"):
            backends.append(get_backend("elasticsearch"))
        for backend in backends:
            started = time.perf_counter()
            try:
                n = backend.reindex(progress=progress, batch_size=batch)
            except SearchUnavailable as exc:
                raise CommandError(f"{backend.name}: {exc}") from exc
            seconds = time.perf_counter() - started
            rate = n / seconds if seconds else 0.0
            self.stdout.write(
                f"{backend.name}: {n} products indexed in {seconds:.1f}s ({rate:.0f}/s)"
            )
        if which == "all":
            SyncBacklog.objects.all().delete()
