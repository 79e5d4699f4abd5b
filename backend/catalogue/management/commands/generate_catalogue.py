"""manage.py generate_catalogue --products 100000 [--seed N]: a synthetic catalogue for
benchmarks, written in bulk with a progress bar."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from backend.demo.generator import CatalogueGenerator


class Command(BaseCommand):
    help = "Generate a large synthetic OCOP catalogue (bulk inserts) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["products"]
        if total < 1 or total > 5_000_000:
            raise CommandError("--products must be between 1 and 5,000,000")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive")
        console = Console(file=cast(IO[str], self.stdout), force_terminal=False)
        with Progress(
            TextColumn("[bold]products"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        ) as progress:
            task = progress.add_task("products", total=total)
            generator = CatalogueGenerator(
                products=total,
                seed=options["seed"],
                batch_size=options["batch_size"],
                progress=lambda advance: progress.advance(task, advance),
            )
            report = generator.run()
        rate = report.products / report.seconds if report.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.products} products, {report.variants} variants, "
                f"{report.producers} producers, {report.certificates} certificates "
                f"({report.expired_certificates} expired) in {report.seconds:.1f}s "
                f"({rate:,.0f} products/s)."
            )
        )
        self.stdout.write("Search is not synced row by row: run `manage.py search_reindex`.")
