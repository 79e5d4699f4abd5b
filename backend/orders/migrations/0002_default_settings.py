from decimal import Decimal

from django.db import migrations


def add_settings(apps, schema_editor):
    Settings = apps.get_model("orders", "MarketplaceSettings")
    Settings.objects.get_or_create(pk=1, defaults={"default_commission_rate": Decimal("0.08")})


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(add_settings, migrations.RunPython.noop)]
