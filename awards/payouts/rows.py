"""The finance desk's list of cases to pay, built in Python as the queue's rows are.

Rendered by the template, each of fifty rows looked up a dozen values through the template
engine (a link reversed, a label translated, an amount formatted, each escaped) from a case,
its award and its enterprise read as models: about a third of the desk's page. Here a row is
one escaped format of a named tuple of the columns it shows.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from applicants.models import Application, case_reference
from awards.listing import StatusLabels, case_url_maker
from awards.templatetags.awards_tags import amount_pair, status_class
from portal.html import format_html_fast

# What a row shows of a case, its enterprise and its award, and the amounts `review_queue`
# annotates, in this order.
PAYOUT_ROW_FIELDS = (
    "pk",
    "created_at",
    "status",
    "programme",
    "enterprise__name",
    "award__quota_exempt",
    "award__pay_year",
    "award__payment_reference",
    "amount",
    "computed_amount",
    "overridden",
)


def payout_rows_of(cases: QuerySet[Application]) -> QuerySet:
    """`cases` (`payout_cases`) reading only what a row shows, each a named tuple."""
    return cases.select_related(None).values_list(*PAYOUT_ROW_FIELDS, named=True)


def payout_rows_html(cases: Iterable[Any]) -> list[SafeString]:
    """Each row's <tr>, in the order of `cases` (`payout_rows_of`)."""
    case_url = case_url_maker("awards:case_detail")
    exempt = format_html_fast(' <span class="badge text-bg-light">{}</span>', _("不占名额"))
    zone = timezone.get_current_timezone()
    labels = StatusLabels()
    rows = []
    for case in cases:
        rows.append(
            format_html_fast(
                '<tr><td><a href="{}">{}</a></td><td>{}</td>'
                '<td><span class="badge {}">{}</span>{}</td>'
                '<td>{}</td><td class="text-end">{}</td><td>{}</td></tr>',
                case_url(case.pk),
                case_reference(case.pk, case.created_at, zone),
                case.enterprise__name,
                status_class(case.status),
                labels(case.status, case.programme),
                exempt if case.award__quota_exempt else "",
                case.award__pay_year if case.award__pay_year is not None else "—",
                amount_pair(case.amount, case.computed_amount, case.overridden),
                case.award__payment_reference or "",
            )
        )
    return rows


__all__ = ["PAYOUT_ROW_FIELDS", "payout_rows_html", "payout_rows_of"]
