"""Messages of the second factor and of re-authentication (tests reuse them)."""

from django.utils.translation import gettext_lazy as _

CODE_REQUIRED = _("请输入验证码。")
CODE_WRONG = _(
    "验证码不正确或已过期，请重新输入身份验证器当前显示的6位数字，或一个未用过的备用码。"
)
CODE_THROTTLED = _("验证码错误次数较多，请 %(seconds)s 秒后再试。")
ENROLMENT_CODE_WRONG = _(
    "验证码不正确：请确认已在身份验证器中添加上面的密钥，并输入它当前显示的6位数字。"
)
ENROLMENT_EXPIRED = _("这次绑定已失效（可能已在其他窗口完成），请刷新页面后重试。")
PASSWORD_WRONG = _("密码不正确。")
PASSWORD_REQUIRED = _("请输入当前密码。")
SECOND_FACTOR_REQUIRED = _("请先完成两步验证（输入身份验证器中的验证码），再使用平台。")
ENROLMENT_REQUIRED = _("工作人员账号须启用两步验证：请先绑定身份验证器。")
REAUTH_REQUIRED = _("为保护账户安全，进行此操作前请再次确认身份。")
NOT_FOR_THIS_ACCOUNT = _("两步验证适用于工作人员账号，您的账号无需设置。")
