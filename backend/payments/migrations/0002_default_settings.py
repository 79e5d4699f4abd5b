from decimal import Decimal

from django.db import migrations


def add_settings(apps, schema_editor):
    Cod = apps.get_model("payments", "CashOnDeliverySettings")
    Cod.objects.get_or_create(pk=1, defaults={"max_amount": Decimal("5000000"), "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(add_settings, migrations.RunPython.noop)]
