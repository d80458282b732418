from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.roles import Role


class Enterprise(models.Model):
    """A registered applicant (申报单位), identified by its unified social credit code."""

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    jurisdiction = models.CharField(_("所属县区"), max_length=32)
    applicant_type = models.CharField(_("申报主体类型"), max_length=32)
    legal_representative = models.CharField(_("法定代表人"), max_length=100)
    contact_name = models.CharField(_("联系人"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"))
    bank_name = models.CharField(_("开户银行"), max_length=200)
    bank_account = models.CharField(_("银行账号"), max_length=40)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报单位")
        verbose_name_plural = _("申报单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class User(AbstractUser):
    """A person who signs in: an enterprise's member or an official of one role."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    # Only county/district reviewers are bound to one jurisdiction (a rules-version code).
    jurisdiction = models.CharField(_("所属县区"), max_length=32, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY_REVIEWER) | ~Q(jurisdiction=""),
                name="county_reviewer_has_jurisdiction",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=True),
                name="only_enterprise_users_belong_to_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_official(self) -> bool:
        return self.role in {Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}
