from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0008_payment_batches"),
    ]

    operations: list = []
