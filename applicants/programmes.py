"""The programmes as the portal names them: the city's, and each county's matching one (同步奖励).

A programme is whose money pays an award. The city's is always there; a county's exists when
`settings.COUNTY_PROGRAMME_FILES` loads one (`rules.programmes`). Pages, documents and the
finance desk read names, bodies and quotas here, so they agree.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import policy
from applicants.models import (
    CITY_PROGRAMME,
    LIST_DEFERRED_AWARD_FIELDS,
    LIST_DEFERRED_FIELDS,
    Application,
)
from applicants.workflow import GRANTED_STATES
from rules import MatchQuote, ProgrammeVersion, Quote, quote_match
from rules.messages import UNKNOWN_PROGRAMME
from rules.values import format_money

__all__ = [
    "CITY_PROGRAMME",
    "ProgrammeCase",
    "ProgrammeCases",
    "matching_quotes",
    "programme_cases_of",
    "programme_choices",
    "programme_codes",
    "programme_exists",
    "programme_funding_body",
    "programme_issuer",
    "programme_name",
    "programme_quota",
    "programme_requested",
    "programme_strategy",
    "programme_version",
    "quote_answer",
    "simulation_scope",
    "unknown_programme_error",
]


def programme_codes() -> list[str]:
    """Every programme the portal runs: the city's first, then each county's in code order."""
    return [CITY_PROGRAMME, *sorted(policy.programme_book().codes)]


def programme_exists(code: str) -> bool:
    return code == CITY_PROGRAMME or policy.programme_book().get(code) is not None


def programme_version(code: str, today: date | None = None) -> ProgrammeVersion | None:
    """The county programme's version in force today, else its latest (None for the city)."""
    programme = policy.programme_book().get(code)
    if programme is None:
        return None
    return programme.current(today or timezone.localdate()) or programme.versions[-1]


def programme_name(code: str) -> str:
    """What people call the programme: 市级奖励, or e.g. 罗山县同步奖励."""
    if code == CITY_PROGRAMME:
        return _("市级奖励")
    name = _("%(county)s同步奖励") % {"county": policy.jurisdiction_name(code)}
    version = programme_version(code)
    # The shipped example is no county's policy: say so wherever its name appears.
    return _("%(name)s（示例）") % {"name": name} if version and version.example else name


def programme_choices() -> list[tuple[str, str]]:
    """(code, name) of every programme, for filters and the finance desk's switch."""
    return [(code, programme_name(code)) for code in programme_codes()]


def programme_funding_body(code: str) -> str:
    """Who pays the programme's awards, e.g. 信阳市财政局 or 罗山县财政局."""
    version = programme_version(code)
    if version is None:
        return _("信阳市财政局")
    return version.funding_body_name(policy.rules_lang())


def programme_issuer(code: str) -> str:
    """Who decides the programme's awards and heads its approval sheet (审批表)."""
    version = programme_version(code)
    if version is None:
        return _("信阳市发展和改革委员会")
    return version.issuer_name(policy.rules_lang())


def programme_quota(code: str) -> int:
    """Awards per item per year the programme pays before the rest wait for the next year."""
    version = programme_version(code)
    if version is None:
        return policy.version_in_force().quota_per_item_per_year
    return version.quota_per_item_per_year


def programme_strategy(code: str) -> str:
    """How the programme's plan fills its budget years (every programme uses the city's)."""
    return policy.version_in_force().allocation_strategy


@dataclass(frozen=True)
class ProgrammeCase:
    """One programme's case of an achievement: the city's, or a county's match of it.
    `url` is "" when the reader may not open it (then only the programme and state show)."""

    application: Application
    programme_name: str
    amount: Decimal | None
    granted: bool
    status_label: str
    url: str
    current: bool


@dataclass(frozen=True)
class ProgrammeCases:
    """市级奖励 + 县级同步奖励 = 合计: every programme's case of one city application."""

    rows: list[ProgrammeCase]
    # What the granted awards add up to (a proposed match is not counted until confirmed).
    granted_total: Decimal

    @property
    def shown(self) -> bool:
        """Worth a card: there is a county match, or this is one."""
        return len(self.rows) > 1


def programme_cases_of(
    application: Application,
    *,
    visible: QuerySet[Application],
    url_name: str,
    matched: bool | None = None,
) -> ProgrammeCases:
    """The city case and every county match of it, `application` among them (one query).

    `visible` is the reader's `cases_visible_to`; `url_name` the case page the reader uses.
    `matched`: whether any county matched a city `application`, when the caller has read it
    (read with its award): a city case no county matched is alone, and needs no query.
    """
    if matched is False and not application.is_match:
        # The reader is reading the case, so it links.
        rows = [
            _programme_case(application, url=reverse(url_name, args=[application.pk]), current=True)
        ]
        return ProgrammeCases(rows=rows, granted_total=_granted_total(rows))
    city_id = application.matched_application_id or application.pk
    cases = (
        Application.objects.filter(Q(pk=city_id) | Q(matched_application_id=city_id))
        .select_related("award")
        .defer(*LIST_DEFERRED_FIELDS, *LIST_DEFERRED_AWARD_FIELDS)
        .annotate(visible=Exists(visible.filter(pk=OuterRef("pk"))))
        .order_by(F("matched_application_id").asc(nulls_first=True), "programme", "id")
    )
    rows = [
        _programme_case(
            case,
            url=reverse(url_name, args=[case.pk]) if case.visible else "",
            current=case.pk == application.pk,
        )
        for case in cases
    ]
    return ProgrammeCases(rows=rows, granted_total=_granted_total(rows))


def _programme_case(case: Application, *, url: str, current: bool) -> ProgrammeCase:
    award = getattr(case, "award", None)
    granted = award is not None and case.status in GRANTED_STATES
    return ProgrammeCase(
        application=case,
        programme_name=programme_name(case.programme),
        amount=award.amount if award is not None and granted else case.expected_amount,
        granted=granted,
        status_label=str(case.get_status_display()),
        url=url,
        current=current,
    )


def _granted_total(rows: list[ProgrammeCase]) -> Decimal:
    """What the granted awards add up to (a proposed match is not counted until confirmed)."""
    return sum(
        (row.amount for row in rows if row.granted and row.amount is not None), Decimal("0.00")
    )


def matching_quotes(city: Quote) -> list[MatchQuote]:
    """What the applicant's county would add to a city quote (同步奖励), for the calculator.

    One entry when the county of the quote's `jurisdiction` fact runs a programme in force on
    its event date that matches the item; none otherwise.
    """
    jurisdiction, event_date = city.facts.get("jurisdiction"), city.facts.get("event_date")
    if not isinstance(jurisdiction, str) or not isinstance(event_date, date):
        return []
    version = policy.programme_version_for(jurisdiction, event_date)
    if version is None or city.item not in version.items:
        return []
    return [quote_match(version, city)]


# --- the rules' answers for a programme (the CLI and the public API) --------------------------


def programme_requested(raw: object) -> str:
    """The programme a quote or simulation names: blank or missing is the city's."""
    return CITY_PROGRAMME if raw is None or raw == "" else str(raw)


def unknown_programme_error(programme: str, lang: str) -> dict[str, list[str]]:
    """{"programme": [message]} when no such programme runs, else {}."""
    choices = tuple(programme_codes())
    if programme in choices:
        return {}
    return {"programme": [UNKNOWN_PROGRAMME.render(lang, programme=programme, choices=choices)]}


def quote_answer(programme: str, city: Quote, lang: str) -> dict[str, object]:
    """REWARDS.md §4's answer for the programme, with the `"matching"` key of 同步奖励.

    For the city: the city's quote, and what the applicant's county would add. For a county:
    the county's match of the case in the same shape, and no further matching.
    """
    if programme == CITY_PROGRAMME:
        return {**city.to_dict(lang), "matching": [m.to_dict(lang) for m in matching_quotes(city)]}
    county = policy.programme_book().get(programme)
    assert county is not None
    event_date = city.facts["event_date"]
    assert isinstance(event_date, date)
    # Outside the programme's dates the version that explains the refusal answers.
    version = county.version_for(event_date) or county.version_to_judge(event_date)
    match = quote_match(version, city)
    return {
        "item": city.item,
        "eligible": match.eligible,
        "amount": format_money(match.amount),
        "reasons": [r.text(lang) for r in match.reasons],
        "rules_version": match.rules_version,
        "trace": [s.to_dict(lang) for s in match.trace],
        "matching": [],
    }


def simulation_scope(programme: str) -> tuple[int | None, frozenset[str] | None]:
    """(quota per item, items it pays) of a programme's what-if plan; (None, None) for the city."""
    version = programme_version(programme)
    if version is None:
        return None, None
    return version.quota_per_item_per_year, frozenset(version.items)
