from django.db import migrations


def forwards(apps, schema_editor):
    from backend.compliance.reference import load_rules

    load_rules(
        apps.get_model("compliance", "Rule"),
        apps.get_model("compliance", "DocumentType"),
        apps.get_model("compliance", "SpeciesAlias"),
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
