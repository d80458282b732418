from django.utils.translation import gettext_lazy as _

NOT_CITY_REVIEWER = _("只有市发展改革委的复审人员可以管理规则修订。")
FILE_NOT_UTF8 = _("规则文件应为 UTF-8 编码的 TOML 文本。")
FILE_TOO_LARGE = _("规则文件不能超过 %(max)s KB。")
FILE_INVALID = _("规则文件有误（第 %(line)s 行，%(key)s）：%(problem)s")
FILE_INVALID_NO_LINE = _("规则文件有误（%(key)s）：%(problem)s")
VERSION_EXISTS = _(
    "已有名为“%(version)s”的规则版本或待决定的修订草案，请在文件中改用新的 version。"
)
DATE_TAKEN = _("%(date)s 已是规则版本“%(version)s”的施行日期，请选择其他日期。")
NOT_PENDING = _("这份修订草案已经采用或放弃，不能再更改。")
DATE_BEFORE_RETROACTIVE = _("施行日期不能早于该版本的追溯起始日期 %(date)s。")
REPORT_NOT_READY = _("影响分析尚未完成，完成后才能采用这份修订。")
REPORT_NOT_READY_TO_EXPORT = _("影响分析尚未完成，完成后才能导出。")
