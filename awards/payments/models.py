"""Payment batches (拨付批次): scheduled awards of one programme's pay year sent to the treasury
together, exported as a 财政直接支付申请书 and settled by importing the bank's return file."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import User


class BatchState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    EXPORTED = "exported", _("已导出待回单")
    SETTLED = "settled", _("已结清")
    CANCELLED = "cancelled", _("已撤销")


# A batch in one of these still holds its awards: no other batch may take them.
OPEN_STATES = frozenset({BatchState.DRAFT, BatchState.EXPORTED})


class PaymentBatch(models.Model):
    """One programme's batch of one pay year; each change is an audit entry."""

    programme = models.CharField(_("奖励计划"), max_length=16)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    state = models.CharField(
        _("状态"), max_length=16, choices=BatchState.choices, default=BatchState.DRAFT
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    exported_at = models.DateTimeField(_("首次导出时间"), null=True, blank=True)
    settled_at = models.DateTimeField(_("结清时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "year"], name="payment_batch_programme_year")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The batch number people quote to the treasury: PB-<programme>-<year>-<id>."""
        return f"PB-{self.programme}-{self.year}-{self.pk or 0:04d}"


class ItemOutcome(models.TextChoices):
    PENDING = "pending", _("待银行回单")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")


class PaymentBatchItem(models.Model):
    """One award in a batch, with what the bank answered for it."""

    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("拨付批次"), on_delete=models.PROTECT, related_name="items"
    )
    award = models.ForeignKey(
        "awards.Award", verbose_name=_("奖励决定"), on_delete=models.PROTECT, related_name="+"
    )
    # The amount as exported: the bank's return is checked against it and against the award.
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    outcome = models.CharField(
        _("结果"), max_length=16, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    # True while the batch is open and the bank has not refused the payment: the award is held.
    holds_award = models.BooleanField(_("占用奖励"), default=True)
    voucher = models.CharField(_("支付凭证号"), max_length=100, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("拨付批次明细")
        verbose_name_plural = _("拨付批次明细")
        ordering = ["batch", "id"]
        constraints = [
            # Each award in at most one open batch, whatever the code above does.
            models.UniqueConstraint(
                fields=["award"], condition=Q(holds_award=True), name="award_in_one_open_batch"
            ),
            models.UniqueConstraint(fields=["batch", "award"], name="award_once_per_batch"),
            models.CheckConstraint(
                condition=~Q(outcome="failed") | Q(holds_award=False),
                name="failed_item_releases_award",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.award_id}"


class ImportState(models.TextChoices):
    PREVIEW = "preview", _("待确认")
    COMMITTED = "committed", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class BankReturnImport(models.Model):
    """An uploaded bank return file between its preview and its confirmation (rows as parsed)."""

    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("拨付批次"), on_delete=models.PROTECT, related_name="imports"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    # [{line, reference, account, amount, voucher, paid_on, status, reason}] as text, as read.
    rows = models.JSONField(_("回单行"), default=list)
    state = models.CharField(
        _("状态"), max_length=16, choices=ImportState.choices, default=ImportState.PREVIEW
    )
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("银行回单导入")
        verbose_name_plural = _("银行回单导入")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.file_name}"
