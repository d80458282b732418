from datetime import datetime, tzinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.roles import Role
from applicants.text import achievement_key
from applicants.verification.states import IdentityStatus

# The city's own programme; a county's matching programme (县区同步奖励) is keyed by its code.
CITY_PROGRAMME = "city"


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
    # Checked once by the county (applicants/verification): until verified, cases are drafts only.
    identity_status = models.CharField(
        _("身份核验状态"),
        max_length=16,
        choices=IdentityStatus.choices,
        default=IdentityStatus.PENDING,
    )
    identity_reason = models.TextField(_("核验意见"), blank=True)
    identity_decided_by = models.ForeignKey(
        "User",
        verbose_name=_("核验人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    # The licence the county checks (or checked) now; earlier ones stay in `licences`.
    licence = models.ForeignKey(
        "BusinessLicence",
        verbose_name=_("营业执照"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("申报单位")
        verbose_name_plural = _("申报单位")
        ordering = ["name"]
        # The queues sort by name: read in name order, a page joins only its own cases. A name
        # search uses a trigram index on PostgreSQL (migration 0014), where LIKE '%…%' needs one.
        indexes = [
            models.Index(fields=["name", "id"], name="enterprise_name"),
            # A county's enterprises (its identity queue and the count on every county page),
            # not a scan of every enterprise in the province.
            models.Index(fields=["jurisdiction", "identity_status"], name="enterprise_county"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class User(AbstractUser):
    """A person who signs in: an enterprise's member or an official of one role."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    # County/district reviewers and county finance are bound to one jurisdiction (a rules code).
    jurisdiction = models.CharField(_("所属县区"), max_length=32, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Set when a colleague created the account with a password they know; cleared once the user
    # chooses their own (until then every page leads to the password change).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[Role.COUNTY_REVIEWER, Role.COUNTY_FINANCE])
                | ~Q(jurisdiction=""),
                name="county_official_has_jurisdiction",
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
        return self.role in {
            Role.COUNTY_REVIEWER,
            Role.COUNTY_FINANCE,
            Role.CITY_REVIEWER,
            Role.FINANCE,
            Role.ADMIN,
        }


class Status(models.TextChoices):
    """States of a case (申报). Keys are stable identifiers; labels are translated."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RECOMMENDED = "recommended", _("县区已推荐")
    # A county's matching case (同步奖励) the portal created from a city award: the county decides.
    PROPOSED = "proposed", _("同步奖励待县区确认")
    REVIEWED = "reviewed", _("市级已复审")
    APPROVED = "approved", _("已批准")
    ANNOUNCED = "announced", _("公示中")
    # An objection to the announcement is being checked by the city: the 公示 clock stops.
    HELD = "held", _("异议核实中")
    CONFIRMED = "confirmed", _("公示无异议")
    SCHEDULED = "scheduled", _("已安排兑付年度")
    PAID = "paid", _("已兑付")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("不予支持")
    WITHDRAWN = "withdrawn", _("已撤回")


# A county's match has no 公示 of its own: "confirmed" means its county confirmed it.
MATCH_CONFIRMED_LABEL = _("县区已确认")


def status_label(status: str, *, is_match: bool = False) -> str:
    """A state's label; a county match's `confirmed` reads 县区已确认, not 公示无异议."""
    if is_match and status == Status.CONFIRMED:
        return str(MATCH_CONFIRMED_LABEL)
    return str(Status(status).label) if status in Status.values else status


class Application(models.Model):
    """One enterprise's application for one reward item and one achievement: the case."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    item = models.CharField(_("奖励事项"), max_length=40)
    # Whose money: the city's programme, or the county whose matching programme this case is.
    programme = models.CharField(
        _("奖励计划"), max_length=16, default=CITY_PROGRAMME, editable=False
    )
    # A county's matching case points at the city case whose confirmed award it matches.
    matched_application = models.ForeignKey(
        "self",
        verbose_name=_("所同步的市级申报"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
        editable=False,
    )
    project_name = models.CharField(_("项目/成果名称"), max_length=200)
    # `achievement_key(project_name)`: what 从优、就高、不重复 and the duplicate flag compare.
    project_key = models.CharField(_("成果名称比对键"), max_length=200, blank=True, editable=False)
    description = models.TextField(_("项目简介"), blank=True)
    event_date = models.DateField(_("事项发生日期"), null=True, blank=True)
    # Item-specific facts as rules.quote receives them (money as "0.00" strings, dates ISO).
    facts = models.JSONField(_("申报要素"), default=dict, blank=True)
    # Snapshot of the enterprise at submission, so a later change of registration moves no case.
    jurisdiction = models.CharField(_("所属县区"), max_length=32)
    applicant_type = models.CharField(_("申报主体类型"), max_length=32)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    expected_amount = models.DecimalField(
        _("预计奖励金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The amount the queues sort by: the award's once approved, else the expected amount. Kept by
    # database triggers (awards migration 0012) on every write of either, bulk ones included, so
    # a sort by amount reads an index instead of sorting a join of every visible case.
    queue_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    quote_rules_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    quote_trace = models.JSONField(_("计算过程"), default=list, blank=True)
    declaration_accepted = models.BooleanField(_("已签署承诺书"), default=False)
    # Set when the same enterprise files the same item and achievement twice (flag for officials).
    possible_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("疑似重复申报"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("提交版本"), default=0)
    created_by = models.ForeignKey(
        User, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    # Set once a county recommends the case: from then on the city sees it.
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    # 免申即享: the published list this draft was prepared from (applicants.winners). It stands in
    # for the item's notice evidence: {"document_number", "event_date", "import", "row", ...}.
    cited_announcement = models.JSONField(
        _("引用的公布名单"), default=dict, blank=True, editable=False
    )
    # "<credit code>|<item>|<document number>" of that list row: one draft per row, however often
    # the list is imported.
    winner_key = models.CharField(max_length=160, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("奖励申报")
        verbose_name_plural = _("奖励申报")
        ordering = ["-submitted_at", "-id"]
        # Each index costs every change of state (a plan moves tens of thousands of cases at once):
        # no LIKE-pattern copies of these coded fields, and no single-column index where a
        # composite one starts with that column. The queues' sort indexes are in migration 0014:
        # on PostgreSQL they cover what the queue filters on, so a deep page is skipped in the
        # index alone (Index.include would warn on SQLite); so is the public list's (0016).
        indexes = [
            models.Index(fields=["status"], name="application_status"),
            models.Index(fields=["item"], name="application_item"),
            models.Index(fields=["jurisdiction", "status"]),
            models.Index(fields=["enterprise", "project_key"], name="application_achievement"),
            # With the id: finance's sums and counts join awards from this index alone.
            models.Index(fields=["programme", "status", "id"], name="application_programme_status"),
        ]
        constraints = [
            # One matching case per city case and county programme, however often it is asked.
            models.UniqueConstraint(
                fields=["matched_application", "programme"],
                condition=Q(matched_application__isnull=False),
                name="one_match_per_case_and_programme",
            ),
            models.UniqueConstraint(
                fields=["winner_key"],
                condition=~Q(winner_key=""),
                name="one_case_per_winner_list_row",
            ),
            models.CheckConstraint(
                condition=Q(programme=CITY_PROGRAMME, matched_application__isnull=True)
                | (~Q(programme=CITY_PROGRAMME) & Q(matched_application__isnull=False)),
                name="county_case_matches_a_city_case",
            ),
        ]
        permissions = [
            ("review_county", _("县区初审推荐")),
            ("review_city", _("市级复审与批准")),
            ("manage_payouts", _("管理预算与兑付")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.project_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived, never typed: kept here so no write path can store a name without its key.
        self.project_key = achievement_key(self.project_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "project_name" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "project_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        """The state's label as this case's readers understand it (see `status_label`)."""
        return status_label(self.status, is_match=self.is_match)

    @property
    def is_match(self) -> bool:
        """Whether this is a county's matching case (同步奖励) rather than a city application."""
        return self.programme != CITY_PROGRAMME

    @property
    def reference(self) -> str:
        """The case number shown to people: XY-<year>-<id>, the year of its creation in Beijing."""
        return case_reference(self.pk, self.created_at)


# What a list of cases never shows: the case's JSON and long text (a trace is ~1.5 kB a row).
# Lists defer them; the case itself reads them.
LIST_DEFERRED_FIELDS = ("facts", "quote_trace", "description", "cited_announcement")
# The same of a case's award (the relation awards defines) read with it by `select_related`.
LIST_DEFERRED_AWARD_FIELDS = ("award__trace", "award__reasons", "award__facts")


def case_reference(pk: int, created_at: datetime | None, zone: tzinfo | None = None) -> str:
    """XY-<year>-<id>: the year of its creation in Beijing (for bulk reads, without a model).

    The stored time is UTC: 07:30 on 1 January in Beijing is still 31 December there.
    """
    if created_at is None:
        return reference_of_year(pk, None)
    return reference_of_year(
        pk, created_at.astimezone(zone or timezone.get_current_timezone()).year
    )


def reference_of_year(pk: int, year: int | None) -> str:
    """XY-<year>-<id> from the year of creation in Beijing (read as such by a bulk query)."""
    return f"XY-{year or 0}-{pk:06d}"


class ApplicationRevision(models.Model):
    """What the enterprise submitted each time (补正 keeps every earlier version)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("提交内容"))
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报版本")
        verbose_name_plural = _("申报版本")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_revision_number_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.number}"


class EvidenceFile(models.Model):
    """An evidence document. Never deleted or replaced once submitted: a new version is added."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="evidence_files"
    )
    kind = models.CharField(_("材料类型"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["application", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "version"], name="one_evidence_version_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class CaseEvent(models.Model):
    """Append-only audit entry; each carries the SHA-256 of the previous entry (a hash chain)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", null=True, blank=True
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actor_role = models.CharField(_("操作角色"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The audit key the MAC was made with (applicants/audit_keys.py); blank: hashed before keys.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.action}"


class AuditHead(models.Model):
    """The single row that holds the chain's last hash; locking it serialises audit writes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="single_audit_head")]

    def __str__(self) -> str:
        return self.last_hash


class Notification(models.Model):
    """A message to one user about a case (also sent by email).

    `code` and `params` let the page word it in the reader's language (applicants.notices);
    `message` keeps the Chinese text as written, for rows older than codes and for search.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    message = models.TextField(_("内容"))
    code = models.CharField(_("消息类型"), max_length=40, blank=True)
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message[:40]


class LoginFailure(models.Model):
    """One failed sign-in: the account name tried and the address it came from (lockout)."""

    username = models.CharField(_("用户名"), max_length=150)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["username", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.created_at:%Y-%m-%d %H:%M}"


# Identity checks' own rows live in their package; imported here so they join this app.
from applicants.api_tokens.models import ApiToken  # noqa: E402, F401
from applicants.verification.models import (  # noqa: E402, F401
    BankAccountChange,
    BusinessLicence,
    EnterpriseClaim,
)
from applicants.winners.models import WinnerImport  # noqa: E402, F401
