from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0005_programmes"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="programme",
            field=models.CharField(default="city", max_length=16, verbose_name="奖励计划"),
        ),
    ]
