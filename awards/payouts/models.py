"""Payout planning runs (兑付年度安排): each request to plan a programme is stored and followed.

A run is queued when asked for, running while a worker plans, then done (with its result and
what it changed) or failed. At most one run per programme is queued or running (a partial
unique constraint); a run whose worker stopped sending heartbeats is given up by the next request,
so a killed worker cannot hold the desk forever.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import User


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队等待")
    RUNNING = "running", _("正在安排")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


ACTIVE_RUN_STATES = (RunState.QUEUED, RunState.RUNNING)


class RunTrigger(models.TextChoices):
    FINANCE = "finance", _("财政人员发起")
    STALE = "stale", _("预算或豁免变更后自动安排")
    NIGHTLY = "nightly", _("每晚例行安排")
    COMMAND = "command", _("命令行")


class RunStage(models.TextChoices):
    WAITING = "", _("等待后台处理")
    READING = "reading", _("读取待兑付奖励")
    ALLOCATING = "allocating", _("按预算和名额分配")
    WRITING = "writing", _("写入兑付年度")
    FINISHING = "finishing", _("记录结果")


class PayoutRun(models.Model):
    programme = models.CharField(_("奖励计划"), max_length=16)
    trigger = models.CharField(_("发起方式"), max_length=16, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Written by the worker as it goes (on its own connection): a run without one for longer
    # than PAYOUT_RUN_LEASE_SECONDS has lost its worker.
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    state = models.CharField(
        _("状态"), max_length=16, choices=RunState.choices, default=RunState.QUEUED
    )
    stage = models.CharField(
        _("进度阶段"), max_length=16, choices=RunStage.choices, blank=True, default=""
    )
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    # Per year: budget, planned, paid, remaining, per item count against the quota; the queue.
    result = models.JSONField(_("安排结果"), default=dict, blank=True)
    # What changed against the stored plan before this run: counts and amounts per kind.
    changes = models.JSONField(_("变化汇总"), default=dict, blank=True)
    # This run's audit entries are exactly this id range (written under the chain's head lock):
    # every award it moved, one entry each.
    first_event_id = models.BigIntegerField(null=True, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(_("未完成原因"), blank=True)

    class Meta:
        verbose_name = _("兑付年度安排任务")
        verbose_name_plural = _("兑付年度安排任务")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_payout_run_per_programme",
            )
        ]
        indexes = [models.Index(fields=["programme", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_RUN_STATES

    @property
    def percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)
