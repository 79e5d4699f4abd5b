from django.core.management.base import BaseCommand

from backend.markets.models import DutyRule, ExchangeRate, Market, RequiredDocument, TaxRule
from backend.markets.reference import load_markets


class Command(BaseCommand):
    help = "Load or refresh markets, exchange rates, tax and duty rules from the data file."

    def handle(self, *args: object, **options: object) -> None:
        load_markets(Market, ExchangeRate, TaxRule, DutyRule, RequiredDocument)
        self.stdout.write(f"{Market.objects.count()} markets loaded")
