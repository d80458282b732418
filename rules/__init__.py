"""The reward rules as code: versioned policy data, the calculator and the payout allocation.

Pure Python over Decimal and date; imports nothing of the project and no Django.
"""

from rules.allocation import AwardInput, Plan, YearSummary, allocate
from rules.errors import ErrorDetail, NoVersionInForce, RulesDataError, RulesInputError
from rules.loader import load_rulebook
from rules.matching import MatchQuote, quote_match
from rules.messages import message
from rules.model import ItemRule, RuleBook, RulesVersion
from rules.programmes import (
    MatchRule,
    Programme,
    ProgrammeBook,
    ProgrammeVersion,
    load_programme_version,
    load_programmes,
)
from rules.quote import Ceiling, Quote, Reason, TraceStep, quote
from rules.simulation import parse_simulation_input

__all__ = [
    "AwardInput",
    "Ceiling",
    "ErrorDetail",
    "ItemRule",
    "MatchQuote",
    "MatchRule",
    "NoVersionInForce",
    "Plan",
    "Programme",
    "ProgrammeBook",
    "ProgrammeVersion",
    "Quote",
    "Reason",
    "RuleBook",
    "RulesDataError",
    "RulesInputError",
    "RulesVersion",
    "TraceStep",
    "YearSummary",
    "allocate",
    "load_programme_version",
    "load_programmes",
    "load_rulebook",
    "message",
    "parse_simulation_input",
    "quote",
    "quote_match",
]
