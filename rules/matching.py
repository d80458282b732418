"""Pricing a county's matching award (县区同步奖励) on a city case.

The computation moves through named states, each a trace step citing its clause: city_award (the
city item's clause), then match_ratio — or the county's own base → rate → rounding → cap — then
top_up and payable, which cite the county programme's clause. Amounts in descriptions are plain
("300000.00") like the city's: the page groups their thousands when it shows them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from rules.errors import RulesDataError
from rules.loader import load_rulebook
from rules.messages import (
    DEFAULT_LANG,
    MATCH_ALREADY_MATCHED,
    MATCH_CITY_INELIGIBLE,
    MATCH_ITEM_NOT_MATCHED,
    MATCH_OUTSIDE_COUNTY,
    MATCH_OUTSIDE_DATES,
    MATCH_PERIOD,
    MATCH_PERIOD_FROM,
    TRACE_BASE_PERCENTAGE,
    TRACE_CAP_APPLIED,
    TRACE_CAP_NOT_APPLIED,
    TRACE_CITY_AWARD,
    TRACE_CITY_AWARD_QUOTED,
    TRACE_MATCH_BASE_FIXED,
    TRACE_MATCH_BASE_LEVEL,
    TRACE_MATCH_PAYABLE,
    TRACE_MATCH_PAYABLE_INELIGIBLE,
    TRACE_MATCH_RATIO,
    TRACE_MATCH_TOP_UP,
    TRACE_MATCH_TOP_UP_NONE,
    TRACE_MATCH_TOP_UP_RATIO,
    TRACE_RATE,
    TRACE_ROUNDING,
    ZERO_AMOUNT,
    Message,
    Text,
)
from rules.model import ItemRule, RulesVersion
from rules.programmes import MatchRule, ProgrammeVersion
from rules.quote import Quote, Reason, TraceStep
from rules.values import CENT, WIDE, ZERO, format_exact, format_money, format_percent


@dataclass(frozen=True)
class MatchQuote:
    """A county programme's answer for one city case, under the version named by rules_version."""

    programme: str
    eligible: bool
    amount: Decimal
    reasons: tuple[Reason, ...]
    trace: tuple[TraceStep, ...]
    rules_version: str

    def trace_record(self) -> list[dict[str, str]]:
        """The trace to store with a case: each step in Chinese, plus its English description."""
        return [{**s.to_dict("zh"), "description_en": s.description("en")} for s in self.trace]

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """One entry of the CLI's "matching" list."""
        return {
            "programme": self.programme,
            "eligible": self.eligible,
            "amount": format_money(self.amount),
            "rules_version": self.rules_version,
            "trace": [s.to_dict(lang) for s in self.trace],
        }


def quote_match(
    version: ProgrammeVersion,
    city: Quote,
    *,
    city_amount: Decimal | None = None,
    prior_matched: Decimal = ZERO,
    city_reference: str = "",
    city_version: RulesVersion | None = None,
) -> MatchQuote:
    """Price the county's match of a city case.

    `city` is the city's quote of the case (its facts are the parsed values); `city_amount` the
    award the city approved (default: the quote's amount); `prior_matched` what this programme
    already matched for the same achievement of the same kind; `city_reference` the city case's
    申报编号, cited in the trace; `city_version` the city rules version of the quote (default: the
    one named by `city.rules_version`).
    """
    city_rules = (
        city_version if city_version is not None else load_rulebook().version(city.rules_version)
    )
    city_rule = city_rules.items[city.item]
    awarded = (city_amount if city_amount is not None else city.amount).quantize(CENT)
    with localcontext(WIDE):
        return _Pricing(version, city, city_rules, city_rule, awarded).run(
            prior_matched=prior_matched, city_reference=city_reference
        )


class _Pricing:
    """One match being priced: the checks, then the amount, each step on the trace."""

    def __init__(
        self,
        version: ProgrammeVersion,
        city: Quote,
        city_rules: RulesVersion,
        city_rule: ItemRule,
        awarded: Decimal,
    ) -> None:
        self.version = version
        self.city = city
        self.city_rules = city_rules
        self.city_rule = city_rule
        self.awarded = awarded
        self.trace: list[TraceStep] = []
        self.reasons: list[Reason] = []
        self.programme = Text(version.title, version.title_en)

    def run(self, *, prior_matched: Decimal, city_reference: str) -> MatchQuote:
        self.city_award_step(city_reference)
        self.checks()
        if self.reasons:
            return self.ineligible()
        rule = self.version.items[self.city.item]
        if rule.by_ratio:
            computed = self.by_ratio(rule)
            payable = computed
            self.step("top_up", payable, TRACE_MATCH_TOP_UP_RATIO, value=format_money(payable))
        else:
            computed = self.own_amount(rule)
            # The county's own 从优、就高、不重复: one achievement is matched once.
            prior = max(ZERO, prior_matched).quantize(CENT)
            payable = max(ZERO, computed - prior)
            money = {
                "prior": format_money(prior),
                "computed": format_money(computed),
                "value": format_money(payable),
            }
            message = TRACE_MATCH_TOP_UP if prior else TRACE_MATCH_TOP_UP_NONE
            self.step("top_up", payable, message, **money)
            if payable == 0 and computed > 0:
                self.reasons.append(Reason(self.version.clause, MATCH_ALREADY_MATCHED, money))
        if payable == 0:
            if not self.reasons:
                self.reasons.append(Reason(self.version.clause, ZERO_AMOUNT))
            return self.ineligible()
        self.step("payable", payable, TRACE_MATCH_PAYABLE, value=format_money(payable))
        return self.answer(payable)

    # --- steps ---------------------------------------------------------------------------

    def step(self, name: str, result: Decimal | str, message: Message, /, **params: object) -> None:
        """A county step: it cites the programme's clause."""
        shown = format_money(result) if isinstance(result, Decimal) else result
        self.trace.append(TraceStep(self.version.clause, name, shown, message, params))

    def city_award_step(self, reference: str) -> None:
        params: dict[str, object] = {"amount": format_money(self.awarded)}
        if not self.city.eligible:
            message = MATCH_CITY_INELIGIBLE
            params = {}
        elif reference:
            message = TRACE_CITY_AWARD
            params["reference"] = reference
        else:
            message = TRACE_CITY_AWARD_QUOTED
        self.trace.append(
            TraceStep(
                self.city_rule.clause, "city_award", format_money(self.awarded), message, params
            )
        )

    def checks(self) -> None:
        """Why the programme does not match this case; each failure a reason and a step."""
        version, facts = self.version, self.city.facts
        if not self.city.eligible:
            # An award approved by override of an ineligible case is not matched.
            self.reasons.extend(self.city.reasons)
            self.reasons.append(Reason(version.clause, MATCH_CITY_INELIGIBLE))
        jurisdiction = facts.get("jurisdiction")
        if isinstance(jurisdiction, str) and jurisdiction != version.programme:
            params = {
                "jurisdiction": self.place(jurisdiction),
                "county": self.place(version.programme),
                "programme": self.programme,
            }
            self.fail("jurisdiction", jurisdiction, MATCH_OUTSIDE_COUNTY, params)
        if self.city.item not in version.items:
            params = {"programme": self.programme, "item": self.city_rule.text}
            self.fail("match_item", self.city.item, MATCH_ITEM_NOT_MATCHED, params)
        event_date = facts.get("event_date")
        if isinstance(event_date, date) and not version.in_force_on(event_date):
            params = {
                "event_date": event_date.isoformat(),
                "programme": self.programme,
                "period": _period(version),
            }
            self.fail("time_window", event_date.isoformat(), MATCH_OUTSIDE_DATES, params)

    def fail(self, name: str, value: str, message: Message, params: Mapping[str, object]) -> None:
        self.trace.append(TraceStep(self.version.clause, name, value, message, params))
        self.reasons.append(Reason(self.version.clause, message, params))

    def place(self, code: str) -> Text | str:
        place = next((j for j in self.city_rules.jurisdictions if j.code == code), None)
        return Text(place.name_zh, place.name_en) if place else code

    def by_ratio(self, rule: MatchRule) -> Decimal:
        """Ratio × the city's approved award, rounded to the fen with the city's rounding."""
        assert rule.ratio is not None
        exact = rule.ratio * self.awarded
        rounded = exact.quantize(CENT, rounding=self.version.rounding)
        params = {
            "ratio": format_percent(rule.ratio),
            "city": format_money(self.awarded),
            "exact": format_exact(exact),
            "value": format_money(rounded),
        }
        self.step("match_ratio", rounded, TRACE_MATCH_RATIO, **params)
        return rounded

    def own_amount(self, rule: MatchRule) -> Decimal:
        """The county's own amount for the case, from the city's facts (checks already passed)."""
        city_rule, facts = self.city_rule, self.city.facts
        if rule.amount is not None and city_rule.family == "fixed":
            amount = rule.amount
            params = {"item": city_rule.text, "amount": format_money(amount)}
            self.step("base", amount, TRACE_MATCH_BASE_FIXED, **params)
            return amount
        if rule.amounts and city_rule.family == "fixed_by_level":
            assert city_rule.level_fact is not None
            level = city_rule.fact(city_rule.level_fact).choice(str(facts[city_rule.level_fact]))
            amount = rule.amounts[level.code]
            params = {
                "item": city_rule.text,
                "level": Text(level.label_zh, level.label_en),
                "amount": format_money(amount),
            }
            self.step("base", amount, TRACE_MATCH_BASE_LEVEL, **params)
            return amount
        if rule.rate is not None and rule.cap is not None and city_rule.family == "percentage":
            assert city_rule.base_fact is not None
            base = facts[city_rule.base_fact]
            assert isinstance(base, Decimal)
            fact = city_rule.fact(city_rule.base_fact).text
            self.step("base", base, TRACE_BASE_PERCENTAGE, fact=fact, value=format_money(base))
            exact = base * rule.rate
            params = {
                "base": format_money(base),
                "rate": format_percent(rule.rate),
                "value": format_exact(exact),
            }
            self.step("rate", format_exact(exact), TRACE_RATE, **params)
            rounded = exact.quantize(CENT, rounding=self.version.rounding)
            self.step("rounding", rounded, TRACE_ROUNDING, value=format_money(rounded))
            capped = min(rounded, rule.cap)
            message = TRACE_CAP_APPLIED if rounded > rule.cap else TRACE_CAP_NOT_APPLIED
            self.step(
                "cap", capped, message, cap=format_money(rule.cap), value=format_money(capped)
            )
            return capped
        # The city changed the item's family after the programme was written.
        raise RulesDataError(
            self.version.source,
            f"items.{rule.item}",
            f"the county's amounts do not fit the {city_rule.family} item of city rules "
            f"version {self.city_rules.version}",
        )

    # --- answers -------------------------------------------------------------------------

    def ineligible(self) -> MatchQuote:
        self.step("payable", ZERO, TRACE_MATCH_PAYABLE_INELIGIBLE)
        return self.answer(ZERO)

    def answer(self, amount: Decimal) -> MatchQuote:
        return MatchQuote(
            programme=self.version.programme,
            eligible=not self.reasons,
            amount=amount.quantize(CENT),
            reasons=tuple(self.reasons),
            trace=tuple(self.trace),
            rules_version=self.version.version,
        )


def _period(version: ProgrammeVersion) -> Text:
    start = version.effective_from.isoformat()
    if version.effective_until is None:
        message, params = MATCH_PERIOD_FROM, {"start": start}
    else:
        message, params = MATCH_PERIOD, {"start": start, "end": version.effective_until.isoformat()}
    return Text(message.render("zh", **params), message.render("en", **params))


__all__ = ["MatchQuote", "quote_match"]
