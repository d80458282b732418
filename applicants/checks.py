"""`manage.py check`: the county programme files of COUNTY_PROGRAMME_FILES load (县区同步奖励).

A malformed programme must stop the start with the loader's message, not surface later as a
match priced wrong; and a deployment should not pay from the 示例 file.
"""

from django.core.checks import CheckMessage, Error, Warning, register

from applicants import policy
from rules import RulesDataError

PROGRAMME_INVALID = "applicants.E001"
EXAMPLE_PROGRAMME_DEPLOYED = "applicants.W001"


@register("rules")
def programmes_load(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Every file of COUNTY_PROGRAMME_FILES passes the strict loader."""
    try:
        policy.programme_book()
    except RulesDataError as exc:
        return [
            Error(
                f"A county programme file is invalid: {exc}",
                hint="Fix the file or remove it from COUNTY_PROGRAMME_FILES (docs/programmes.md).",
                id=PROGRAMME_INVALID,
            )
        ]
    return []


@register("rules", deploy=True)
def no_example_programme(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Production runs a county's own programme, never the shipped example (示例)."""
    try:
        book = policy.programme_book()
    except RulesDataError:
        return []  # programmes_load reports it
    examples = [v.source for p in book.programmes.values() for v in p.versions if v.example]
    return [
        Warning(
            f"{source} is an example county programme (示例), not one a county published.",
            hint="Remove it from COUNTY_PROGRAMME_FILES in production.",
            id=EXAMPLE_PROGRAMME_DEPLOYED,
        )
        for source in examples
    ]
