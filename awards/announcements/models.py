"""A public objection (公示异议): who (a real name and a telephone), what, and how it was resolved.

Kept beside its services; `awards.models` imports it, so Django finds it in the awards app.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import Application, User


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待核实")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
    # Another objection to the same announcement was upheld: the case left the 公示 with it.
    CLOSED = "closed", _("随案办结")


class Objection(models.Model):
    """A member of the public's objection (异议) to an announced award."""

    application = models.ForeignKey(
        Application, verbose_name=_("奖励申报"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # Normalised: half-width digits, a landline as 区号-号码 (awards.announcements.contact).
    phone = models.CharField(_("联系电话"), max_length=100)
    text = models.TextField(_("异议内容"))
    # Optional evidence, parsed as an enterprise's is (no script, no embedded file, no metadata).
    evidence = models.FileField(_("证明材料"), upload_to="objections/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    evidence_type = models.CharField(_("文件类型"), max_length=50, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Kept to limit how often one address may object (see OBJECTIONS_PER_HOUR).
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    state = models.CharField(
        _("处理状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    resolution_reason = models.TextField(_("处理理由"), blank=True)
    resolved_by = models.ForeignKey(
        User,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["application", "state"], name="objection_case_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ObjectionState.OPEN) | Q(resolved_at__isnull=False),
                name="objection_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[ObjectionState.OPEN, ObjectionState.CLOSED])
                | ~Q(resolution_reason=""),
                name="objection_resolution_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.name}"

    @property
    def is_open(self) -> bool:
        return self.state == ObjectionState.OPEN
