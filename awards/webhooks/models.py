"""Integrations an administrator configures, and every delivery to them (the delivery log)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    # The shared key of the HMAC signature: the receiver needs it as it is, so it is kept as it is.
    secret = models.CharField(_("签名密钥"), max_length=200)
    # Space-separated workflow actions (e.g. "approve pay"); blank: every change of state.
    actions = models.CharField(_("只发送这些操作"), max_length=500, blank=True)
    # A county code: only that county's cases; blank: all.
    jurisdiction = models.CharField(_("只发送该县区的申报"), max_length=32, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 接收端")
        verbose_name_plural = _("Webhook 接收端")

    def __str__(self) -> str:
        return self.name

    def wants(self, *, action: str, jurisdiction: str) -> bool:
        wanted = self.actions.split()
        return (not wanted or action in wanted) and (
            not self.jurisdiction or self.jurisdiction == jurisdiction
        )


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("接收端"),
    )
    event = models.CharField(_("事件"), max_length=40)
    # The body exactly as signed and sent, so every retry sends the same bytes.
    body = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_status_code = models.PositiveIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 发送记录")
        verbose_name_plural = _("Webhook 发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
