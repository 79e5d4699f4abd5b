from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.shipping.models import Carrier, RateRow, ShippingService, Zone, ZoneRate
from backend.shipping.reference import load_shipping


class Command(BaseCommand):
    help = "Load or refresh carriers, services, zones and rates from the data file."

    def handle(self, *args: Any, **options: Any) -> None:
        load_shipping(Carrier, ShippingService, Zone, ZoneRate, RateRow)
        self.stdout.write(f"{ShippingService.objects.count()} services loaded")
