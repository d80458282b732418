"""What the token pages and the token check say."""

from django.utils.translation import gettext_lazy as _

TOKEN_INVALID = _("API 令牌无效。")
TOKEN_EXPIRED = _("API 令牌已过期，请在“API 令牌”页面创建新的令牌。")
TOKEN_REVOKED = _("API 令牌已被撤销。")
TOKEN_READ_ONLY = _("该 API 令牌为只读权限，不能进行修改操作。")
TOKEN_NEEDS_SECOND_FACTOR = _("工作人员账号须先启用两步验证，才能创建或使用 API 令牌。")
TOKEN_ACCOUNT_INACTIVE = _("该账号已停用。")
TOKEN_NAME_TAKEN = _("已有同名的有效令牌，请换一个名称。")
TOKEN_LIMIT = _("每个账号最多保留 %(max)s 个有效令牌，请先撤销不再使用的令牌。")
TOKEN_NOT_FOUND = _("未找到该令牌。")
TOKEN_CHOICE = _("请从列表中选择。")
