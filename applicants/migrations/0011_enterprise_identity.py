import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0010_objection_held_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="identity_decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="核验时间"),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="identity_decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="核验人",
            ),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="identity_reason",
            field=models.TextField(blank=True, verbose_name="核验意见"),
        ),
        # Enterprises registered before identity checks count as verified (the old rule
        # admitted them): the column is added with that default, which then becomes "pending".
        migrations.AddField(
            model_name="enterprise",
            name="identity_status",
            field=models.CharField(
                choices=[
                    ("pending", "待县区核验"),
                    ("verified", "已核验"),
                    ("refused", "核验未通过"),
                ],
                default="verified",
                max_length=16,
                verbose_name="身份核验状态",
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="identity_status",
            field=models.CharField(
                choices=[
                    ("pending", "待县区核验"),
                    ("verified", "已核验"),
                    ("refused", "核验未通过"),
                ],
                default="pending",
                max_length=16,
                verbose_name="身份核验状态",
            ),
        ),
        migrations.CreateModel(
            name="BusinessLicence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to="licences/%Y/%m/", verbose_name="文件")),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=50, verbose_name="文件类型")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小（字节）")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="licences",
                        to="applicants.enterprise",
                        verbose_name="申报单位",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "营业执照",
                "verbose_name_plural": "营业执照",
                "ordering": ["enterprise", "-uploaded_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="enterprise",
            name="licence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="applicants.businesslicence",
                verbose_name="营业执照",
            ),
        ),
        migrations.CreateModel(
            name="BankAccountChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_bank_name", models.CharField(max_length=200, verbose_name="原开户银行")),
                ("old_bank_account", models.CharField(max_length=40, verbose_name="原银行账号")),
                ("new_bank_name", models.CharField(max_length=200, verbose_name="新开户银行")),
                ("new_bank_account", models.CharField(max_length=40, verbose_name="新银行账号")),
                ("requested_at", models.DateTimeField(auto_now_add=True, verbose_name="申请时间")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待县区确认"),
                            ("confirmed", "已确认"),
                            ("refused", "未予确认"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("reason", models.TextField(blank=True, verbose_name="处理意见")),
                (
                    "decided_at",
                    models.DateTimeField(
                        blank=True, db_index=True, null=True, verbose_name="处理时间"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="处理人",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_changes",
                        to="applicants.enterprise",
                        verbose_name="申报单位",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申请人",
                    ),
                ),
            ],
            options={
                "verbose_name": "收款账户变更",
                "verbose_name_plural": "收款账户变更",
                "ordering": ["-requested_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("enterprise",),
                        name="one_pending_bank_change_per_enterprise",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EnterpriseClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.TextField(verbose_name="认领说明")),
                (
                    "details",
                    models.JSONField(blank=True, default=dict, verbose_name="认领人填报的单位信息"),
                ),
                (
                    "bank_name",
                    models.CharField(max_length=200, verbose_name="认领人填报的开户银行"),
                ),
                (
                    "bank_account",
                    models.CharField(max_length=40, verbose_name="认领人填报的银行账号"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "待县区处理"),
                            ("upheld", "认领成立"),
                            ("dismissed", "认领不成立"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("resolution_reason", models.TextField(blank=True, verbose_name="处理意见")),
                ("resolution", models.JSONField(blank=True, default=dict, verbose_name="处理结果")),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="处理时间"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="提交时间")),
                (
                    "claimant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprise_claims",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="认领人",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="处理人",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="applicants.enterprise",
                        verbose_name="申报单位",
                    ),
                ),
                (
                    "licence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="applicants.businesslicence",
                        verbose_name="营业执照",
                    ),
                ),
            ],
            options={
                "verbose_name": "单位认领",
                "verbose_name_plural": "单位认领",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("claimant", "enterprise"),
                        name="one_open_claim_per_claimant_and_enterprise",
                    )
                ],
            },
        ),
    ]
