"""Payout report exports (兑付报表导出): a large export is a job a worker writes to a file."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.models import User


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队等待")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("可下载")
    FAILED = "failed", _("未完成")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class PayoutExport(models.Model):
    """One requested export: who, which filter, how many rows, and the file once written."""

    requested_by = models.ForeignKey(
        User, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    # The report's filter as the requester chose it (year, programme, item, …), as stored.
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("未完成原因"), blank=True)

    class Meta:
        verbose_name = _("兑付报表导出")
        verbose_name_plural = _("兑付报表导出")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self) -> str:
        return f"export #{self.pk} {self.format} {self.state}"
