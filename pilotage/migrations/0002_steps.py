from django.db import migrations


def load_steps(apps, schema_editor):
    from pilotage.catalogue import load_steps

    load_steps(step_model=apps.get_model("pilotage", "Step"))


class Migration(migrations.Migration):
    dependencies = [("pilotage", "0001_initial")]

    operations = [migrations.RunPython(load_steps, migrations.RunPython.noop)]
