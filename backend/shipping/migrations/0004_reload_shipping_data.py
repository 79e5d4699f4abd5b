from django.db import migrations


def forwards(apps, schema_editor):
    from backend.shipping.reference import load_shipping

    load_shipping(
        apps.get_model("shipping", "Carrier"),
        apps.get_model("shipping", "ShippingService"),
        apps.get_model("shipping", "Zone"),
        apps.get_model("shipping", "ZoneRate"),
        apps.get_model("shipping", "RateRow"),
    )


class Migration(migrations.Migration):
    dependencies = [("shipping", "0003_peak_season")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
