import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_report"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreport",
            name="updated",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="last change",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="report",
            name="updated",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last change"
            ),
            preserve_default=False,
        ),
    ]
