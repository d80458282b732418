from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0007_payout_runs"),
    ]

    operations: list = []
