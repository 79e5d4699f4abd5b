"""`manage.py import_products --producer <slug or id> listings.xlsx [--dry-run]`

Imports a producer's listings from CSV or XLSX (template: docs/product-import.md) with a
progress bar; prints the validation report (row, column, message) when the file is rejected.
`--template` writes the template's header and example row instead."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from backend.catalogue.bulk_import import import_products, template_csv
from backend.core.errors import ServiceError
from backend.producers.models import Producer


class Command(BaseCommand):
    help = "Import a producer's listings from a CSV or XLSX file (upsert by SKU)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV (UTF-8) or XLSX file.")
        parser.add_argument("--producer", help="Producer slug or id.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and roll back; write nothing."
        )
        parser.add_argument(
            "--template", action="store_true", help="Print the CSV template and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            self.stdout.write(template_csv(), ending="")
            return
        if not options["file"] or not options["producer"]:
            raise CommandError("Give the file and --producer.")
        ref = str(options["producer"])
        producer = (
            Producer.objects.filter(pk=int(ref)).first()
            if ref.isdigit()
            else Producer.objects.filter(slug=ref).first()
        )
        if producer is None:
            raise CommandError(f"No producer '{ref}'.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        console = Console(file=self.stdout, stderr=False)  # type: ignore[arg-type]
        started = time.perf_counter()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task(f"Importing {path.name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                result = import_products(
                    producer=producer,
                    data=path.read_bytes(),
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
            except ServiceError as error:
                raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        if result.errors:
            table = Table("row", "column", "message", title=f"{len(result.errors)} errors")
            for e in result.errors:
                table.add_row(str(e.row), e.column or "", e.message)
            console.print(table)
            raise CommandError(f"{len(result.errors)} bad rows: nothing was imported.")
        verb = "Checked (dry run)" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {result.total} rows in {elapsed:.1f}s: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged "
            f"({result.products_created} new products, waiting for review)."
        )
