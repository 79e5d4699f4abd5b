from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.compliance.models import DocumentType, Rule, SpeciesAlias
from backend.compliance.reference import load_rules


class Command(BaseCommand):
    help = "Load or refresh the compliance rules from backend/compliance/data/rules.json."

    def handle(self, *args: Any, **options: Any) -> None:
        load_rules(Rule, DocumentType, SpeciesAlias)
        self.stdout.write(f"{Rule.objects.count()} rules loaded; run recompute_verdicts next")
