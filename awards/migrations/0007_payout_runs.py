from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0006_document_programme"),
    ]

    operations: list = []
