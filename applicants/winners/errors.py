"""Why a row of a winners list made no draft: a stable reason code and its message."""

from django.utils.translation import gettext_lazy as _

SKIP_REASONS = {
    "invalid_credit_code": _("统一社会信用代码“%(code)s”格式或校验位不正确。"),
    "unknown_item": _("奖励事项“%(item)s”不是现行规则中的事项（可填事项代码或中文名称）。"),
    "item_not_listed": _("“%(item)s”不按公布名单认定，须由企业自行申报。"),
    "unknown_prize_level": _("获奖等次“%(level)s”无法识别。"),
    "invalid_date": _("日期“%(date)s”无法识别，请使用 2025-03-01 这样的格式。"),
    "no_enterprise": _("统一社会信用代码 %(code)s（%(name)s）尚未在平台注册。"),
    "not_verified": _("“%(name)s”已注册，但单位身份尚未经县区核验。"),
    "no_member": _("“%(name)s”没有可用的企业账号。"),
    "out_of_window": _("日期 %(date)s 不在奖励时间范围内（政策第八条）。"),
    "already_imported": _("该行已导入过，对应申报 %(ref)s。"),
    "duplicate_application": _("“%(name)s”已有该事项同一日期的申报 %(ref)s（%(status)s）。"),
    "missing_document_number": _("缺少公布名单的文号。"),
    "duplicate_row": _("与名单中前面的一行重复（同一单位、同一事项、同一日期或同一成果）。"),
    "imported_meanwhile": _("该行已由另一次导入生成。"),
}

# What the report page shows in its reason column: words, not the codes scripts read.
REASON_LABELS = {
    "invalid_credit_code": _("信用代码有误"),
    "unknown_item": _("事项无法对应"),
    "item_not_listed": _("事项不按名单认定"),
    "unknown_prize_level": _("等次无法识别"),
    "invalid_date": _("日期无法识别"),
    "missing_document_number": _("缺少文号"),
    "no_enterprise": _("单位未注册"),
    "not_verified": _("单位身份未核验"),
    "no_member": _("单位无可用账号"),
    "out_of_window": _("不在奖励时间范围"),
    "already_imported": _("已导入过"),
    "duplicate_row": _("名单内重复"),
    "duplicate_application": _("已有同一申报"),
    "imported_meanwhile": _("已由另一次导入生成"),
}
NOT_CITY_REVIEWER = _("免申即享名单由市发展改革委审核人员导入。")
FILE_TOO_LARGE = _("文件过大：名单文件不能超过 %(max)s MB。")
