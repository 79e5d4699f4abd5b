from django.db import migrations


def forwards(apps, schema_editor):
    from backend.markets.reference import load_markets

    load_markets(
        apps.get_model("markets", "Market"),
        apps.get_model("markets", "ExchangeRate"),
        apps.get_model("markets", "TaxRule"),
        apps.get_model("markets", "DutyRule"),
        apps.get_model("markets", "RequiredDocument"),
    )


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
