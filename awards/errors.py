"""Messages of the awards services; they raise `applicants.errors.ServiceError` and its kinds."""

from django.utils.translation import gettext_lazy as _

NOT_ELIGIBLE = _(
    "按规则计算，该申报不符合奖励条件（%(reasons)s）。如确需批准，请填写批准金额及调整理由。"
)
FACTS_INVALID = _("申报要素有误，无法按规则计算金额：%(errors)s")
OVERRIDE_REASON_REQUIRED = _("批准金额与规则计算金额不同，必须填写调整理由。")
EXEMPT_REASON_REQUIRED = _("设为不占年度名额必须填写理由。")
AMOUNT_NEGATIVE = _("金额不能为负数。")
# An approved amount never exceeds what the policy allows the case (rules.Ceiling).
AMOUNT_OVER_CEILING = _("批准金额不能超过按政策本案最高可奖励的 %(max)s 元（%(clause)s）。")
AMOUNT_OVER_CEILING_AFTER_PRIOR = _(
    "批准金额不能超过按政策本案最高可奖励的 %(max)s 元：%(clause)s 最高 %(limit)s 元，"
    "同一成果已获奖励 %(prior)s 元，按从优、就高、不重复原则（%(top_up_clause)s）只能补差。"
)
OVERRIDE_NOT_NOW = _("只能在批准后、发布公示前调整批准金额。")
EXEMPT_NOT_NOW = _("只能在批准后、兑付前调整是否占用年度名额。")
NO_AWARD = _("该申报尚无奖励决定。")
ANNOUNCEMENT_NOT_OVER = _("公示期至 %(ends_on)s（含当日）结束，期满后方可确认。")
ANNOUNCEMENT_CLOSED = _("该项目不在公示期内，不能再提出异议。")
TOO_MANY_OBJECTIONS = _("提交过于频繁，请一小时后再试。")
PAYMENT_REFERENCE_REQUIRED = _("请填写支付凭证号。")
PAYMENT_DATE_IN_FUTURE = _("兑付日期不能晚于今天。")
PAYMENT_BEFORE_APPROVAL = _("兑付日期不能早于批准日期。")
PAYMENT_BEFORE_PAY_YEAR = _("该奖励安排在 %(year)s 年度兑付，兑付日期不能早于 %(year)s 年1月1日。")
BUDGET_YEAR_INVALID = _("年度应在 2020 至 2100 之间。")
AMOUNT_TOO_LARGE = _("金额不能超过 %(max)s 元。")
ALLOCATION_INPUT_INVALID = _("兑付安排的输入有误：%(errors)s")

# The payout plan as it is now (payments, budgets, exemptions).
PAYMENT_PLAN_STALE = _(
    "兑付安排已因预算或名额调整而过期，正在重新安排；请待兑付安排更新后再登记兑付。"
)
PAYMENT_NOT_PLANNED = _("该奖励尚未安排兑付年度，不能登记兑付。")
PAYMENT_NO_BUDGET = _("%(year)s 年度尚未设置预算，不能登记兑付。")
PAYMENT_OVER_BUDGET = _(
    "%(year)s 年度预算 %(budget)s 元，已兑付 %(paid)s 元，剩余 %(remaining)s 元，"
    "不足以兑付本项 %(amount)s 元。"
)
PAYMENT_OVER_QUOTA = _(
    "%(year)s 年度“%(item)s”已兑付 %(count)s 项，达到每年每项 %(quota)s 项的名额；"
    "本项应次年兑现或设为不占名额。"
)
BUDGET_BELOW_PAID = _("%(year)s 年度已兑付 %(paid)s 元，预算不能低于已兑付金额。")
REPRICE_NOTHING = _("该奖励没有待确认的重新计算金额。")
REPRICE_NOT_NOW = _("只能在兑付前确认重新计算的金额。")
UNKNOWN_PROGRAMME = _("没有这个奖励计划。")
MATCH_NO_AMOUNT = _("该同步奖励没有可确认的金额。")
# Payout planning runs (兑付年度安排任务).
PLAN_RUN_ACTIVE = _(
    "%(programme)s已有一次兑付年度安排%(state)s（%(who)s于 %(at)s 发起），完成后再发起新的安排。"
)
PLAN_RUN_LOST = _("后台进程在 %(seconds)s 秒内没有报告进度，视为中断；可重新发起安排。")
PLAN_RUN_NOT_TAKEN = _("没有后台进程在 %(seconds)s 秒内领取该任务；可重新发起安排。")
PLAN_RUN_FAILED = _("安排未完成：%(error)s")
