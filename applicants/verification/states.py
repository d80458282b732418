"""States of identity checks: stable keys, translated labels (no model imports here, so the
Enterprise model can use them without an import cycle)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityStatus(models.TextChoices):
    """An enterprise's verification by its county (单位身份核验)."""

    PENDING = "pending", _("待县区核验")
    VERIFIED = "verified", _("已核验")
    REFUSED = "refused", _("核验未通过")


class ClaimStatus(models.TextChoices):
    """A claim on a credit code someone else registered (单位认领)."""

    OPEN = "open", _("待县区处理")
    UPHELD = "upheld", _("认领成立")
    DISMISSED = "dismissed", _("认领不成立")


class BankChangeStatus(models.TextChoices):
    """A change of the account rewards are paid to (收款账户变更)."""

    PENDING = "pending", _("待县区确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("未予确认")
