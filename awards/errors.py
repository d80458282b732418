"""Messages of the awards services; they raise `applicants.errors.ServiceError` and its kinds."""

from django.utils.translation import gettext_lazy as _

NOT_ELIGIBLE = _(
    "按规则计算，该申报不符合奖励条件（%(reasons)s）。如确需批准，请填写批准金额及调整理由。"
)
FACTS_INVALID = _("申报要素有误，无法按规则计算金额：%(errors)s")
OVERRIDE_REASON_REQUIRED = _("批准金额与规则计算金额不同，必须填写调整理由。")
EXEMPT_REASON_REQUIRED = _("设为不占年度名额必须填写理由。")
AMOUNT_NEGATIVE = _("金额不能为负数。")
OVERRIDE_NOT_NOW = _("只能在批准后、发布公示前调整批准金额。")
EXEMPT_NOT_NOW = _("只能在批准后、兑付前调整是否占用年度名额。")
NO_AWARD = _("该申报尚无奖励决定。")
ANNOUNCEMENT_NOT_OVER = _("公示期至 %(ends_on)s（含当日）结束，期满后方可确认。")
ANNOUNCEMENT_CLOSED = _("该项目不在公示期内，不能再提出异议。")
TOO_MANY_OBJECTIONS = _("提交过于频繁，请一小时后再试。")
PAYMENT_REFERENCE_REQUIRED = _("请填写支付凭证号。")
PAYMENT_DATE_IN_FUTURE = _("兑付日期不能晚于今天。")
PAYMENT_BEFORE_APPROVAL = _("兑付日期不能早于批准日期。")
BUDGET_YEAR_INVALID = _("年度应在 2020 至 2100 之间。")
ALLOCATION_INPUT_INVALID = _("兑付安排的输入有误：%(errors)s")
