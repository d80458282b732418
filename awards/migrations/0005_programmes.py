"""Budgets and the payout plan's state per programme (the city's, and each county's matching one).

The plan state changes its key from the single row id=1 to the programme code: a new table takes
the old row's state under "city", then takes the old table's name.
"""

from django.db import migrations, models


def copy_city_state(apps, schema_editor):
    old = apps.get_model("awards", "PayoutPlanState")
    new = apps.get_model("awards", "ProgrammePlanState")
    for row in old.objects.all():
        new.objects.create(
            programme="city",
            stale=row.stale,
            stale_since=row.stale_since,
            stale_reason=row.stale_reason,
            planned_at=row.planned_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0005_programmes"),
        ("awards", "0004_documents"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="budget",
            options={
                "ordering": ["programme", "year"],
                "verbose_name": "年度预算",
                "verbose_name_plural": "年度预算",
            },
        ),
        migrations.AddField(
            model_name="budget",
            name="programme",
            field=models.CharField(default="city", max_length=16, verbose_name="奖励计划"),
        ),
        migrations.AlterField(
            model_name="budget",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="年度"),
        ),
        migrations.AddConstraint(
            model_name="budget",
            constraint=models.UniqueConstraint(
                fields=("programme", "year"), name="one_budget_per_programme_year"
            ),
        ),
        migrations.CreateModel(
            name="ProgrammePlanState",
            fields=[
                (
                    "programme",
                    models.CharField(
                        default="city",
                        max_length=16,
                        primary_key=True,
                        serialize=False,
                        verbose_name="奖励计划",
                    ),
                ),
                ("stale", models.BooleanField(default=False, verbose_name="兑付安排待更新")),
                (
                    "stale_since",
                    models.DateTimeField(blank=True, null=True, verbose_name="待更新起始时间"),
                ),
                (
                    "stale_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="待更新原因"),
                ),
                (
                    "planned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="最近安排时间"),
                ),
            ],
            options={"verbose_name": "兑付安排状态", "verbose_name_plural": "兑付安排状态"},
        ),
        migrations.RunPython(copy_city_state, migrations.RunPython.noop),
        migrations.DeleteModel(name="PayoutPlanState"),
        migrations.RenameModel(old_name="ProgrammePlanState", new_name="PayoutPlanState"),
    ]
