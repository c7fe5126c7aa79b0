import django.utils.timezone
from django.db import migrations, models


def _updated_at(model_name, verbose_name):
    return migrations.AddField(
        model_name=model_name,
        name="updated_at",
        field=models.DateTimeField(
            auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name=verbose_name
        ),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    """What a nightly sync through the API asks for (`updated_since`)."""

    dependencies = [("pilotage", "0002_steps")]

    operations = [
        _updated_at("accompaniment", "modifié le"),
        _updated_at("actionrecord", "modifiée le"),
        _updated_at("indicator", "modifié le"),
    ]
