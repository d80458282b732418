"""Candidate rules versions (修订草案): an uploaded rules file, validated as an adopted one is,
compared with the rules in force, and then discarded or adopted with an effective date."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import User


class CandidateState(models.TextChoices):
    CANDIDATE = "candidate", _("待决定")
    DISCARDED = "discarded", _("已放弃")
    ADOPTED = "adopted", _("已采用")


class ReportState(models.TextChoices):
    """The comparison is computed by a worker: at 100,000 cases it takes tens of seconds."""

    COMPUTING = "computing", _("比对中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("比对失败")


class RulesCandidate(models.Model):
    version = models.CharField(_("版本标识"), max_length=100)
    title = models.CharField(_("标题"), max_length=300)
    file_name = models.CharField(_("文件名"), max_length=255)
    # The file as uploaded (UTF-8 TOML), and its fingerprint.
    text = models.TextField(_("规则文件"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The date the file names; the adoption may choose another.
    effective_from = models.DateField(_("文件中的施行日期"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CandidateState.choices, default=CandidateState.CANDIDATE
    )
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # The comparison with the rules in force, as of when it was last computed.
    report = models.JSONField(_("影响分析"), default=dict, blank=True)
    report_at = models.DateTimeField(_("分析时间"), null=True, blank=True)
    report_state = models.CharField(
        _("比对状态"), max_length=16, choices=ReportState.choices, default=ReportState.READY
    )
    report_requested_at = models.DateTimeField(_("比对请求时间"), null=True, blank=True)
    # Each request of a comparison counts up: a worker's result for an older request is dropped.
    report_generation = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        User, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    adopted_effective_from = models.DateField(_("采用后施行日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则修订草案")
        verbose_name_plural = _("规则修订草案")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # One live candidate or adopted version per name: a name explains decisions forever.
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(state__in=["candidate", "adopted"]),
                name="one_live_rules_candidate_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.state})"

    @property
    def report_ready(self) -> bool:
        """Whether the comparison is stored and current (not computing, not failed)."""
        return self.report_state == ReportState.READY
