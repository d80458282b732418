"""Models of awards: the approved amount of a case, annual budgets; public objections live in
`awards.announcements.models`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import CITY_PROGRAMME, Application, User


class Award(models.Model):
    """The decision on a case's money: what the rules computed, what was approved, and why.

    Written once at approval (批准) in the same transaction as the `approve` transition; later
    steps (公示, 兑付安排, 兑付) fill in their dates. Every change is also an audit entry.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("奖励申报"), on_delete=models.PROTECT, related_name="award"
    )
    amount = models.DecimalField(_("批准金额（元）"), max_digits=14, decimal_places=2)
    computed_amount = models.DecimalField(_("规则计算金额（元）"), max_digits=14, decimal_places=2)
    computed_eligible = models.BooleanField(_("规则计算是否符合条件"), default=True)
    rules_version = models.CharField(_("规则版本"), max_length=40)
    # [{clause, step, value, description, description_en}] — the quote's trace at approval.
    trace = models.JSONField(_("计算过程"), default=list, blank=True)
    # Reasons of ineligibility, if any (only with an override), as [{zh, en}].
    reasons = models.JSONField(_("不符合条件的原因"), default=list, blank=True)
    # The facts the rules were given at approval, as strings: the decision can be re-run later.
    facts = models.JSONField(_("计算所用要素"), default=dict, blank=True)
    overridden = models.BooleanField(_("已调整金额"), default=False)
    override_reason = models.TextField(_("调整理由"), blank=True)
    # 原则上每年每项不超过5项: an official may exempt one award from the quota, with a reason.
    quota_exempt = models.BooleanField(_("不占年度名额"), default=False)
    exempt_reason = models.TextField(_("不占名额理由"), blank=True)
    approved_by = models.ForeignKey(
        User, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"))
    # 超过的次年兑现: the queue position is the first approval's, kept when an objection sends the
    # case back and it is approved again (REWARDS.md §3.1). The allocation orders by it.
    first_approved_at = models.DateTimeField(_("首次批准时间"))
    # Set when an award it deducted changed after this one was announced: the amount the rules now
    # give, for the city to accept (the approved amount stays until then).
    reprice_to = models.DecimalField(
        _("重新计算金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reprice_note = models.TextField(_("重新计算说明"), blank=True)
    announcement_days = models.PositiveSmallIntegerField(_("公示天数"), null=True, blank=True)
    announcement_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    announcement_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    # 公示编号, shown on the public list: GS-<year>-<case id>, "-2" on from a second announcement
    # (unique by construction: the case id, and its count of announcements under its row lock).
    announcement_number = models.CharField(_("公示编号"), max_length=32, blank=True)
    # While an objection holds the case (异议核实中): the day the hold began. The working days
    # held so far are added to announcement_ends_on when the 公示 resumes.
    announcement_held_on = models.DateField(_("异议暂停公示日期"), null=True, blank=True)
    announcement_held_days = models.PositiveSmallIntegerField(_("异议暂停工作日数"), default=0)
    pay_year = models.PositiveSmallIntegerField(_("兑付年度"), null=True, blank=True)
    # The date finance paid (a calendar date in Beijing time, as on the bank's record).
    paid_at = models.DateField(_("兑付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("支付凭证号"), max_length=100, blank=True)
    # The case's programme and state, copied here by database triggers on every write of either
    # (awards/migrations/0016): finance's yearly sums read the awards alone, from one index
    # (award_programme_totals, made there: on PostgreSQL it carries the amount, an index-only
    # read), instead of joining every paid and scheduled case. Never written by Python.
    case_programme = models.CharField(max_length=16, default="", editable=False)
    case_status = models.CharField(max_length=20, default="", editable=False)

    class Meta:
        verbose_name = _("奖励决定")
        verbose_name_plural = _("奖励决定")
        ordering = ["-approved_at", "-id"]
        # Finance lists awards in payment order: read in that order, a page is a few rows.
        indexes = [
            models.Index(
                fields=["pay_year", "first_approved_at", "application"], name="award_payment_order"
            ),
            # The public list's awards in their period: those ending today or later.
            models.Index(fields=["announcement_ends_on"], name="award_announcement_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(computed_amount__gte=0), name="award_computed_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="award_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(quota_exempt=False) | ~Q(exempt_reason=""),
                name="award_exemption_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(announcement_starts_on__isnull=True)
                | Q(announcement_ends_on__gte=models.F("announcement_starts_on")),
                name="award_announcement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True) | ~Q(payment_reference=""),
                name="award_payment_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(first_approved_at__lte=models.F("approved_at")),
                name="award_first_approval_not_after_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount}"


class Budget(models.Model):
    """The money one programme budgets for rewards in one year (年度预算), set by its finance.

    The city's programme and each county's matching programme have budgets of their own: a plan
    reads only its programme's.
    """

    programme = models.CharField(_("奖励计划"), max_length=16, default=CITY_PROGRAMME)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("设置人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度预算")
        verbose_name_plural = _("年度预算")
        ordering = ["programme", "year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.UniqueConstraint(
                fields=["programme", "year"], name="one_budget_per_programme_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}: {self.amount}"


class AwardDeduction(models.Model):
    """从优、就高、不重复: an earlier award of the same achievement that a top-up deducted.

    Written at approval; when the deducted award changes before the top-up is paid, the top-up
    is priced again (awards.services.dependents).
    """

    award = models.ForeignKey(
        Award, verbose_name=_("补差奖励"), on_delete=models.CASCADE, related_name="deductions"
    )
    deducted_award = models.ForeignKey(
        Award, verbose_name=_("被扣减的奖励"), on_delete=models.PROTECT, related_name="deducted_by"
    )
    # The deducted award's amount when the top-up was priced.
    amount = models.DecimalField(_("扣减金额（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("同一成果扣减")
        verbose_name_plural = _("同一成果扣减")
        constraints = [
            models.UniqueConstraint(
                fields=["award", "deducted_award"], name="one_deduction_per_award_pair"
            ),
            models.CheckConstraint(
                condition=~Q(award=models.F("deducted_award")), name="deduction_not_of_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} − {self.deducted_award_id}: {self.amount}"


class PayoutPlanState(models.Model):
    """Whether a programme's stored payout plan still rests on its budgets and exemptions.

    One row per programme. A budget change or a quota exemption marks it stale and queues a
    re-plan; payments are held while it is stale, and the plan clears it. Its row lock also
    orders plans, payments and budget changes: every writer takes the case rows first, then this
    row, then budget rows.
    """

    programme = models.CharField(
        _("奖励计划"), max_length=16, primary_key=True, default=CITY_PROGRAMME
    )
    stale = models.BooleanField(_("兑付安排待更新"), default=False)
    stale_since = models.DateTimeField(_("待更新起始时间"), null=True, blank=True)
    stale_reason = models.CharField(_("待更新原因"), max_length=200, blank=True)
    planned_at = models.DateTimeField(_("最近安排时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("兑付安排状态")
        verbose_name_plural = _("兑付安排状态")

    def __str__(self) -> str:
        return f"{self.programme}: {'stale' if self.stale else 'current'}"


class AwardRecovery(models.Model):
    """Money to recover (追回): a paid award that the rules now price lower than what was paid."""

    award = models.ForeignKey(
        Award, verbose_name=_("奖励决定"), on_delete=models.PROTECT, related_name="recoveries"
    )
    amount = models.DecimalField(_("应追回金额（元）"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("原因"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    settled_at = models.DateField(_("追回日期"), null=True, blank=True)
    settled_reference = models.CharField(_("追回凭证号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("应追回奖励")
        verbose_name_plural = _("应追回奖励")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.amount}"


# The packages keep their models beside their services; Django finds them through here.
from awards.announcements.models import Objection, ObjectionState  # noqa: E402
from awards.documents.models import Document, DocumentKind, DocumentLookup  # noqa: E402
from awards.payments.models import (  # noqa: E402
    BankReturnImport,
    PaymentBatch,
    PaymentBatchItem,
)
from awards.payouts.models import PayoutRun  # noqa: E402
from awards.reports.models import PayoutExport  # noqa: E402
from awards.revisions.models import RulesCandidate  # noqa: E402
from awards.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402

__all__ = [
    "Award",
    "AwardDeduction",
    "AwardRecovery",
    "BankReturnImport",
    "Budget",
    "Document",
    "DocumentKind",
    "DocumentLookup",
    "Objection",
    "ObjectionState",
    "PaymentBatch",
    "PaymentBatchItem",
    "PayoutExport",
    "PayoutPlanState",
    "PayoutRun",
    "RulesCandidate",
    "WebhookDelivery",
    "WebhookEndpoint",
]
