"""Messages of identity checks (tests reuse them)."""

from django.utils.translation import gettext_lazy as _

LICENCE_REQUIRED = _("请上传营业执照（PDF、JPEG 或 PNG）。")
REGISTERED_PENDING_VERIFICATION = _(
    "注册成功。营业执照已提交所属县区核验：核验通过前可以填写、保存申报草稿，核验通过后才能提交。"
)
IDENTITY_NOT_VERIFIED = _(
    "本单位尚未通过所属县区的身份核验（当前：%(status)s），暂不能提交申报；"
    "可以先保存草稿，核验通过后再提交。"
)
IDENTITY_REFUSED_HINT = _("县区意见：%(reason)s。请在工作台重新上传营业执照，再次申请核验。")
IDENTITY_ALREADY_DECIDED = _("该单位的身份核验状态已是“%(status)s”，已被他人处理，请刷新后查看。")
IDENTITY_ALREADY_VERIFIED = _("本单位已通过身份核验，无需重新上传营业执照。")
REASON_REQUIRED = _("请填写理由。")
REASON_TOO_LONG = _("理由不能超过 %(max)s 个字。")
NOT_YOUR_COUNTY = _("只有该单位所属县区的初审人员可以处理。")

# Claims on a registered credit code (单位认领).
CLAIM_OPENED = _(
    "认领申请已提交，由该单位所属县区核实处理。处理完成前，您的账号不能查看或办理该单位的申报。"
)
CLAIM_CODE_NOT_REGISTERED = _("该统一社会信用代码尚未注册，请直接注册，无需认领。")
CLAIM_STATEMENT_REQUIRED = _("请写明认领理由：您与该单位的关系，以及为何认为现有注册有误。")
CLAIM_ALREADY_DECIDED = _("该认领已处理（%(status)s），请刷新后查看。")
CLAIM_CLAIMANT_ELSEWHERE = _("认领人账号已属于其他单位，不能认领。")
CLAIM_UNKNOWN_OUTCOME = _("请选择处理结果。")

# Bank account changes (收款账户变更).
# The registration form's words, checked again by the service.
BANK_ACCOUNT_FORMAT = _("银行账号应为8至32位数字（可含空格）。")
BANK_CHANGE_NOT_VERIFIED = _("本单位通过身份核验后，才能申请变更收款账户。")
BANK_CHANGE_SAME = _("新的收款账户与现有账户相同，无需变更。")
BANK_CHANGE_PENDING = _("已有一项收款账户变更待县区确认，请等待处理结果后再申请。")
BANK_CHANGE_ALREADY_DECIDED = _("该变更申请已处理（%(status)s），请刷新后查看。")
BANK_CHANGE_STALE = _(
    "该单位的收款账户在申请后已被更改，与申请中的原账户不一致；请退回本申请，由企业重新申请。"
)
