"""{% rule_trace %}: a quote's trace (live or stored) in words, for every page that shows one."""

from collections.abc import Iterable, Mapping

from django import template

from applicants import trace

register = template.Library()


@register.inclusion_tag("portal/_trace.html")
def rule_trace(
    steps: Iterable[Mapping[str, str]] | None, rules_version: str, list_id: str = ""
) -> dict[str, object]:
    """Each step by name with its value in words and its clause, then the rules version."""
    return {
        "rows": trace.trace_rows(steps or [], rules_version=rules_version),
        "rules_version": rules_version,
        "version_label": trace.rules_version_label(rules_version),
        "list_id": list_id,
    }


@register.filter
def rules_version_label(version_id: str) -> str:
    """A rules version by its title and start date, in the page's language."""
    return trace.rules_version_label(version_id)


@register.filter
def clause_cited(clause: str, version_id: str = "") -> str:
    """A clause in the law's Chinese, with its chapter's English title on English pages."""
    return trace.clause_citation(clause, version_id)
