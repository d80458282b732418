"""A rendered document: immutable once written (file, SHA-256, who and when), never overwritten."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import Application, User


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("奖励资金审批表")
    BATCH = "batch", _("兑现资金汇总表")
    RECEIPT = "receipt", _("申报回执")


class Document(models.Model):
    """One version of one document; a re-render supersedes it with a new row and a new code."""

    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices)
    # Unguessable (from `secrets`, not from ids): the public verification page's key.
    code = models.CharField(_("验证码"), max_length=32, unique=True)
    application = models.ForeignKey(
        Application,
        verbose_name=_("奖励申报"),
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
    )
    pay_year = models.PositiveSmallIntegerField(_("兑付年度"), null=True, blank=True)
    # Whose batch list: the city's programme or a county's matching one (同步奖励).
    programme = models.CharField(_("奖励计划"), max_length=16, default="city")
    # The submission a receipt acknowledges (ApplicationRevision.number).
    revision = models.PositiveIntegerField(_("提交版本"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    pages = models.PositiveIntegerField(_("页数"))
    # What the verification page shows: case number, enterprise, item, amount, date (as text).
    subject = models.JSONField(_("文书摘要"), default=dict)
    # A fingerprint of what the document states: the same state renders no new version.
    content_key = models.CharField(_("内容指纹"), max_length=64)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("已被新版本取代"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when what the document approves was undone (the award rejected after an objection).
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["application", "kind"]), models.Index(fields=["pay_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="batch", pay_year__isnull=False, application__isnull=True)
                | (~Q(kind="batch") & Q(application__isnull=False)),
                name="document_has_its_subject",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("id")), name="document_not_its_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None and self.voided_at is None


class DocumentLookup(models.Model):
    """One public verification lookup, kept to limit lookups per address (works across workers)."""

    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("查询时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("文书验证查询")
        verbose_name_plural = _("文书验证查询")

    def __str__(self) -> str:
        return f"{self.ip_address} {self.created_at}"
