"""Messages of payout reports and their exports (tests reuse them)."""

from django.utils.translation import gettext_lazy as _

YEAR_MIN = 2000
YEAR_MAX = 2100

# Keep in step with YEAR_MIN and YEAR_MAX (a lazy message cannot be formatted at import).
BAD_YEAR = _("兑付年度应为 2000 至 2100 之间的年份。")
UNKNOWN_PROGRAMME = _("没有这个奖励计划：%(value)s。")
UNKNOWN_CHOICE = _("没有这个选项：%(value)s。")
UNKNOWN_EXPORT_FORMAT = _("不支持的导出格式（应为 xlsx 或 csv）。")
OUT_NOT_WRITABLE = _("无法写入文件：%(path)s（%(reason)s）。")
EXPORT_FAILED = _("生成文件时出错，请重新导出；如仍失败，请联系系统管理员。")
EXPORT_QUEUED = _("共 %(rows)s 行，文件在后台生成：完成后可在本页下载。")
EXPORT_NOT_READY = _("文件尚未生成完毕。")
