"""Rows of identity checks: business licences, claims on a registered code, bank account changes.

Imported at the end of applicants/models.py, so they belong to the applicants app.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import Enterprise, User
from applicants.verification.states import BankChangeStatus, ClaimStatus


class BusinessLicence(models.Model):
    """A business licence (营业执照) as uploaded: checked like evidence, hashed, never replaced.

    `enterprise` is the enterprise it is offered for: its registration, a renewed request after a
    refusal, or a claim on it (then the claim points here too). The county of that enterprise
    is who may open it.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    file = models.FileField(_("文件"), upload_to="licences/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("营业执照")
        verbose_name_plural = _("营业执照")
        ordering = ["enterprise", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class EnterpriseClaim(models.Model):
    """A second registration of a registered credit code: the claimant asks the county to
    decide who acts for the enterprise (单位认领). Until then the claimant sees none of it."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="claims"
    )
    claimant = models.ForeignKey(
        User, verbose_name=_("认领人"), on_delete=models.PROTECT, related_name="enterprise_claims"
    )
    licence = models.ForeignKey(
        BusinessLicence, verbose_name=_("营业执照"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("认领说明"))
    # What the claimant typed at registration (name, representative, contacts), for comparison.
    details = models.JSONField(_("认领人填报的单位信息"), default=dict, blank=True)
    bank_name = models.CharField(_("认领人填报的开户银行"), max_length=200)
    bank_account = models.CharField(_("认领人填报的银行账号"), max_length=40)
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    resolution_reason = models.TextField(_("处理意见"), blank=True)
    # What the decision did besides its outcome, e.g. {"members_disabled": [ids]}.
    resolution = models.JSONField(_("处理结果"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位认领")
        verbose_name_plural = _("单位认领")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "enterprise"],
                condition=Q(status=ClaimStatus.OPEN),
                name="one_open_claim_per_claimant_and_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ← {self.claimant_id}"


class BankAccountChange(models.Model):
    """A change of the account an enterprise's rewards are paid to; the county confirms it."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="bank_changes",
    )
    old_bank_name = models.CharField(_("原开户银行"), max_length=200)
    old_bank_account = models.CharField(_("原银行账号"), max_length=40)
    new_bank_name = models.CharField(_("新开户银行"), max_length=200)
    new_bank_account = models.CharField(_("新银行账号"), max_length=40)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BankChangeStatus.choices, default=BankChangeStatus.PENDING
    )
    reason = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("收款账户变更")
        verbose_name_plural = _("收款账户变更")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status=BankChangeStatus.PENDING),
                name="one_pending_bank_change_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.new_bank_name}"
