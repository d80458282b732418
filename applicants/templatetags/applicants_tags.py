"""Labels of stable keys (items, places, roles, actions) and money, for applicants' templates."""

from django import template
from django.utils.translation import gettext_lazy as _

from applicants import policy, programmes
from applicants.models import Status
from applicants.roles import Role
from applicants.workflow import BY_ACTION

register = template.Library()

# Audit actions that are not transitions of the workflow table.
_OTHER_ACTIONS = {
    "evidence_added": _("上传证明材料"),
    "match_proposed": _("已生成县级同步奖励"),
    "match_none": _("县级同步奖励不适用"),
}

_STATUS_CLASSES: dict[str, str] = {
    Status.DRAFT: "bg-secondary",
    Status.SUBMITTED: "bg-primary",
    Status.RETURNED: "bg-warning text-dark",
    Status.REJECTED: "bg-danger",
    Status.WITHDRAWN: "bg-light text-dark border",
    Status.PAID: "bg-success",
    Status.APPROVED: "bg-success",
    Status.PROPOSED: "bg-info text-dark",
}


@register.filter
def item_title(code: str) -> str:
    return policy.item_title(code)


@register.filter
def jurisdiction_name(code: str) -> str:
    return policy.jurisdiction_name(code)


@register.filter
def applicant_type_label(code: str) -> str:
    return policy.applicant_type_label(code)


@register.simple_tag
def evidence_label(item: str, kind: str) -> str:
    return policy.evidence_label(item, kind)


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASSES.get(status, "bg-info text-dark")


@register.filter
def action_label(action: str) -> str:
    transition = BY_ACTION.get(action)
    return str(transition.label if transition else _OTHER_ACTIONS.get(action, action))


@register.filter
def role_label(role: str) -> str:
    if role in Role.values:
        return str(Role(role).label)
    return str(_("系统")) if role == "system" else role


@register.filter
def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


@register.simple_tag
def fact_label(item: str, code: str) -> str:
    return policy.fact_label(item, code)


@register.simple_tag
def fact_value(item: str, code: str, value: object) -> str:
    return policy.fact_value_label(item, code, str(value))


@register.filter
def programme_name(code: str) -> str:
    """市级奖励, or e.g. 罗山县同步奖励 — never the code."""
    return programmes.programme_name(code)
