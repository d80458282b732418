"""公示 in working days and objections that hold the case: the award's notice number and held
days; an objection's telephone, evidence, state and resolution.

Objections filed before this sent their case back to review by themselves: they are closed
(随案办结) as of their filing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def close_earlier_objections(apps, schema_editor):
    Objection = apps.get_model("awards", "Objection")
    Objection.objects.filter(state="open").update(
        state="closed", resolved_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0008_payout_runs_and_exports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="award",
            name="announcement_number",
            field=models.CharField(blank=True, max_length=32, verbose_name="公示编号"),
        ),
        migrations.AddField(
            model_name="award",
            name="announcement_held_on",
            field=models.DateField(blank=True, null=True, verbose_name="异议暂停公示日期"),
        ),
        migrations.AddField(
            model_name="award",
            name="announcement_held_days",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="异议暂停工作日数"),
        ),
        migrations.RenameField(model_name="objection", old_name="contact", new_name="phone"),
        migrations.AlterField(
            model_name="objection",
            name="phone",
            field=models.CharField(max_length=100, verbose_name="联系电话"),
        ),
        migrations.AddField(
            model_name="objection",
            name="evidence",
            field=models.FileField(
                blank=True, upload_to="objections/%Y/%m/", verbose_name="证明材料"
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="evidence_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="原文件名"),
        ),
        migrations.AddField(
            model_name="objection",
            name="evidence_type",
            field=models.CharField(blank=True, max_length=50, verbose_name="文件类型"),
        ),
        migrations.AddField(
            model_name="objection",
            name="evidence_size",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="大小（字节）"
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="evidence_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AddField(
            model_name="objection",
            name="state",
            field=models.CharField(
                choices=[
                    ("open", "待核实"),
                    ("upheld", "异议成立"),
                    ("dismissed", "异议不成立"),
                    ("closed", "随案办结"),
                ],
                default="open",
                max_length=12,
                verbose_name="处理状态",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="resolution_reason",
            field=models.TextField(blank=True, verbose_name="处理理由"),
        ),
        migrations.AddField(
            model_name="objection",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="处理人",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="处理时间"),
        ),
        migrations.RunPython(close_earlier_objections, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(fields=["application", "state"], name="objection_case_state"),
        ),
        migrations.AddConstraint(
            model_name="objection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state", "open"), ("resolved_at__isnull", False), _connector="OR"
                ),
                name="objection_resolved_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="objection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state__in", ["open", "closed"]),
                    models.Q(("resolution_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="objection_resolution_needs_reason",
            ),
        ),
    ]
