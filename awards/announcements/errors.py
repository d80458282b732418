"""Messages of the announcement and objection services (tests reuse them)."""

from django.utils.translation import gettext_lazy as _

# The working-day calendar.
CALENDAR_BEYOND_DATA = _(
    "公示期按国务院办公厅公布的节假日安排计算工作日，但本系统的节假日数据尚不包含 %(year)s 年，"
    "无法确定公示截止日期。请管理员更新 chinesecalendar；在国务院公布安排之前，"
    "也可将设置 ANNOUNCEMENT_BEYOND_CALENDAR 设为 weekdays（按周一至周五计算）。"
)

# The objector.
OBJECTOR_NAME_INVALID = _("请填写真实姓名：2至30个汉字或英文字母（可含间隔号“·”、空格）。")
OBJECTOR_PHONE_INVALID = _(
    "请填写有效的联系电话：11位手机号码（如 13800000000），或带区号的固定电话（如 0376-6200001）。"
)
OBJECTION_TEXT_SHORT = _("异议内容至少 %(min)s 个字，请写明异议的事实和理由。")
OBJECTION_TEXT_LONG = _("异议内容不能超过 %(max)s 个字。")

# Filing and resolving.
OBJECTION_NOT_OPEN = _("该异议已处理（%(state)s），无需再次处理。")
OBJECTION_CASE_NOT_HELD = _("该申报当前状态为“%(status)s”，不在异议核实中。")
OBJECTION_UNKNOWN = _("没有这件异议。")
OBJECTION_OUTCOME_UNKNOWN = _("请选择处理结果。")
RESOLUTION_REASON_REQUIRED = _("请填写处理理由（将记入办理记录并告知申报单位）。")
ANNOUNCEMENT_HELD = _(
    "该项目收到公示异议，正在核实（异议核实中）；异议处理完毕并恢复公示、期满后方可确认。"
)
OBJECTION_ACTION_ELSEWHERE = _("公示异议须在异议处理页面办理。")
