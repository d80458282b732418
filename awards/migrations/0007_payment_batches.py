import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A paid award's amount, pay year and payment are history: the database refuses to change them,
# whatever code (or a console session) tries. Same words on both vendors.
_MESSAGE = "a paid award cannot change its amount, pay year or payment record"

_POSTGRESQL_CREATE = f"""
CREATE OR REPLACE FUNCTION awards_award_paid_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.paid_at IS NOT NULL AND (
        NEW.amount IS DISTINCT FROM OLD.amount
        OR NEW.pay_year IS DISTINCT FROM OLD.pay_year
        OR NEW.paid_at IS DISTINCT FROM OLD.paid_at
        OR NEW.payment_reference IS DISTINCT FROM OLD.payment_reference
    ) THEN
        RAISE EXCEPTION '{_MESSAGE} (award %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS award_paid_is_final ON awards_award;
CREATE TRIGGER award_paid_is_final BEFORE UPDATE ON awards_award
    FOR EACH ROW EXECUTE FUNCTION awards_award_paid_is_final();
"""
_POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS award_paid_is_final ON awards_award;
DROP FUNCTION IF EXISTS awards_award_paid_is_final();
"""
# SQLite (make run): RAISE(ABORT) is a constraint failure, i.e. IntegrityError in Django.
_SQLITE_CREATE = f"""
CREATE TRIGGER IF NOT EXISTS award_paid_is_final BEFORE UPDATE ON awards_award
FOR EACH ROW WHEN OLD.paid_at IS NOT NULL AND (
    NEW.amount IS NOT OLD.amount
    OR NEW.pay_year IS NOT OLD.pay_year
    OR NEW.paid_at IS NOT OLD.paid_at
    OR NEW.payment_reference IS NOT OLD.payment_reference
)
BEGIN
    SELECT RAISE(ABORT, '{_MESSAGE}');
END;
"""
_SQLITE_DROP = "DROP TRIGGER IF EXISTS award_paid_is_final;"

_SQL = {
    "postgresql": (_POSTGRESQL_CREATE, _POSTGRESQL_DROP),
    "sqlite": (_SQLITE_CREATE, _SQLITE_DROP),
}


def _run(schema_editor, sql: str) -> None:
    # One execute: PostgreSQL takes the whole script; SQLite's is a single CREATE TRIGGER.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def trigger_create(apps, schema_editor) -> None:
    pair = _SQL.get(schema_editor.connection.vendor)
    if pair is None:
        raise RuntimeError(
            f"no paid-award trigger for {schema_editor.connection.vendor}: add one here"
        )
    _run(schema_editor, pair[0])


def trigger_drop(apps, schema_editor) -> None:
    pair = _SQL.get(schema_editor.connection.vendor)
    if pair is not None:
        _run(schema_editor, pair[1])


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0006_document_programme"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PaymentBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("programme", models.CharField(max_length=16, verbose_name="奖励计划")),
                ("year", models.PositiveSmallIntegerField(verbose_name="预算年度")),
                ("state", models.CharField(choices=[("draft", "草稿"), ("exported", "已导出待回单"), ("settled", "已结清"), ("cancelled", "已撤销")], default="draft", max_length=16, verbose_name="状态")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("exported_at", models.DateTimeField(blank=True, null=True, verbose_name="首次导出时间")),
                ("settled_at", models.DateTimeField(blank=True, null=True, verbose_name="结清时间")),
                ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="创建人")),
            ],
            options={
                "verbose_name": "拨付批次",
                "verbose_name_plural": "拨付批次",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="BankReturnImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file_name", models.CharField(max_length=255, verbose_name="文件名")),
                ("rows", models.JSONField(default=list, verbose_name="回单行")),
                ("state", models.CharField(choices=[("preview", "待确认"), ("committed", "已导入"), ("discarded", "已放弃")], default="preview", max_length=16, verbose_name="状态")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                ("committed_at", models.DateTimeField(blank=True, null=True, verbose_name="导入时间")),
                ("uploaded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="上传人")),
                ("batch", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="imports", to="awards.paymentbatch", verbose_name="拨付批次")),
            ],
            options={
                "verbose_name": "银行回单导入",
                "verbose_name_plural": "银行回单导入",
                "ordering": ["-uploaded_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="PaymentBatchItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="金额（元）")),
                ("outcome", models.CharField(choices=[("pending", "待银行回单"), ("paid", "已支付"), ("failed", "支付失败")], default="pending", max_length=16, verbose_name="结果")),
                ("holds_award", models.BooleanField(default=True, verbose_name="占用奖励")),
                ("voucher", models.CharField(blank=True, max_length=100, verbose_name="支付凭证号")),
                ("paid_on", models.DateField(blank=True, null=True, verbose_name="支付日期")),
                ("failure_reason", models.CharField(blank=True, max_length=200, verbose_name="失败原因")),
                ("award", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="awards.award", verbose_name="奖励决定")),
                ("batch", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="items", to="awards.paymentbatch", verbose_name="拨付批次")),
            ],
            options={
                "verbose_name": "拨付批次明细",
                "verbose_name_plural": "拨付批次明细",
                "ordering": ["batch", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="paymentbatch",
            index=models.Index(fields=["programme", "year"], name="payment_batch_programme_year"),
        ),
        migrations.AddConstraint(
            model_name="paymentbatchitem",
            constraint=models.UniqueConstraint(condition=models.Q(("holds_award", True)), fields=("award",), name="award_in_one_open_batch"),
        ),
        migrations.AddConstraint(
            model_name="paymentbatchitem",
            constraint=models.UniqueConstraint(fields=("batch", "award"), name="award_once_per_batch"),
        ),
        migrations.AddConstraint(
            model_name="paymentbatchitem",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("outcome", "failed"), _negated=True), ("holds_award", False), _connector="OR"), name="failed_item_releases_award"),
        ),
        migrations.RunPython(trigger_create, trigger_drop),
    ]
