"""One import of a winners list, with its report (kept for download and for the record)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WinnerImport(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # "page" or "command" (manage.py import_winners).
    via = models.CharField(_("导入方式"), max_length=10)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("仅预览"), default=False)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("名单行数"), default=0)
    created_count = models.PositiveIntegerField(_("生成草稿数"), default=0)
    skipped_count = models.PositiveIntegerField(_("跳过行数"), default=0)
    # {"created": [{"row", "case", "id", "enterprise", "item"}],
    #  "skipped": [{"row", "reason", "message"}]}
    report = models.JSONField(_("导入报告"), default=dict)

    class Meta:
        verbose_name = _("免申即享名单导入")
        verbose_name_plural = _("免申即享名单导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
