"""Flags for officials, never refusals: a filed case that is probably the same achievement as
another of the enterprise's (同一成果疑似重复申报), a credit code registered outside the case's
county or outside Xinyang."""

from collections.abc import Iterable

from applicants import policy
from applicants.errors import CREDIT_CODE_OTHER_JURISDICTION, CREDIT_CODE_OUTSIDE_CITY
from applicants.models import LIST_DEFERRED_FIELDS, Application, Status
from applicants.text import names_similar

# States in which a case was filed and not taken back: what a duplicate can be compared with.
_FILED_EXCLUDED = (Status.DRAFT, Status.WITHDRAWN)


def similar_applications(
    application: Application, *, filed: Iterable[Application] | None = None
) -> list[Application]:
    """Other filed cases of the same enterprise that are probably the same achievement.

    A flag for officials (同一成果疑似重复申报): a similar name (`names_similar`) under an item of
    the same kind (同类: the overlap groups of the rules version), e.g. provincial and national.
    `filed`: the enterprise's other filed cases, when the caller has read them (no query).
    """
    related = policy.same_kind_items(application.item, application.event_date)
    if filed is None:
        filed = (
            Application.objects.filter(enterprise_id=application.enterprise_id)
            .exclude(pk=application.pk)
            .exclude(status__in=_FILED_EXCLUDED)
            .defer(*LIST_DEFERRED_FIELDS)
            .order_by("submitted_at", "id")
        )
    return [
        c
        for c in filed
        if c.pk != application.pk
        and c.enterprise_id == application.enterprise_id
        and c.status not in _FILED_EXCLUDED
        and c.programme == application.programme
        and c.item in related
        and names_similar(c.project_name, application.project_name)
    ]


CREDIT_CODE_CITY_DIVISION = "411500"  # 信阳市: a code registered by the city's own authority


def credit_code_division_warning(*, credit_code: str, jurisdiction: str) -> str:
    """Why the code's registration division (characters 3–8) does not fit the jurisdiction, or "".

    GB 32100: characters 3–8 are the division code of the registering authority. Outside 4115xx
    the enterprise was registered outside Xinyang; another county's code may mean it moved. A
    flag for the county reviewer, never a refusal. Functional zones have no division code of
    their own, so only the city prefix is checked for them.
    """
    division = credit_code[2:8]
    if not (division.isdigit() and len(division) == 6):
        return ""
    if not division.startswith(CREDIT_CODE_CITY_DIVISION[:4]):
        return str(CREDIT_CODE_OUTSIDE_CITY % {"division": division})
    if (
        jurisdiction.isdigit()
        and division != CREDIT_CODE_CITY_DIVISION
        and division != jurisdiction
    ):
        return str(
            CREDIT_CODE_OTHER_JURISDICTION
            % {
                "division": division,
                "name": policy.jurisdiction_name(division),
                "jurisdiction": policy.jurisdiction_name(jurisdiction),
            }
        )
    return ""
