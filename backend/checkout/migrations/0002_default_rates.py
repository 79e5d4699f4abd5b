from decimal import Decimal

from django.db import migrations


def add_rates(apps, schema_editor):
    Rate = apps.get_model("checkout", "DomesticShippingRate")
    if Rate.objects.exists():
        return
    Rate.objects.create(
        name_vi="Giao hàng tiêu chuẩn", name_en="Standard delivery",
        price_per_parcel=Decimal("30000"), min_days=2, max_days=5, sort_order=0,
    )
    Rate.objects.create(
        name_vi="Giao hàng nhanh", name_en="Express delivery",
        price_per_parcel=Decimal("55000"), min_days=1, max_days=2, sort_order=1,
    )


class Migration(migrations.Migration):
    dependencies = [("checkout", "0001_initial")]
    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
