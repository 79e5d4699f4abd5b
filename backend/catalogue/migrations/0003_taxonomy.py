from django.db import migrations


def load(apps, schema_editor):
    from backend.catalogue.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("catalogue", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
