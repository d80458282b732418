"""{% case_history_list %}: a case's 办理记录 as sentences, for any page that shows a case."""

from collections.abc import Iterable
from typing import Any

from django import template

from applicants.history import case_history
from applicants.models import Application, CaseEvent

register = template.Library()


@register.inclusion_tag("applicants/_history.html", takes_context=True)
def case_history_list(
    context: dict[str, Any],
    application: Application,
    events: Iterable[CaseEvent],
    list_id: str = "case-history",
    empty_text: str = "",
) -> dict[str, object]:
    """Render the entries; officials' names are shown to officials only (the enterprise reads
    them by role and organisation)."""
    user = context.get("user")
    return {
        "entries": case_history(
            events,
            application=application,
            show_official_names=bool(getattr(user, "is_official", False)),
        ),
        "list_id": list_id,
        "empty_text": empty_text,
    }
