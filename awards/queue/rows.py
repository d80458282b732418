"""A queue page's rows, built in Python: every label, link, date and amount a row shows, and
the row's markup.

Rendered by the template, a row looked each of them up on its own (a link reversed, a date
localised, a label translated, an amount formatted, per row and per column) and each of some
fifteen values went through the template engine's lookup and escaping: two-fifths of a queue
page's time at 50 rows. Here what all rows share (the labels of the items, places and states,
the links' pattern, the translated words) is computed once per page, and each row is one
`format_html`-like call (every value escaped), as Django's admin builds its change list's rows.
"""

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants import programmes
from applicants.models import CITY_PROGRAMME, Application, case_reference
from awards.listing import Memo, StatusLabels, case_url_maker
from awards.templatetags.awards_tags import amount_pair, status_class
from portal.html import format_html_fast

# What a row reads of a case and its enterprise, and the amounts the queue annotates: a page's
# read selects these columns, not the case's fifty, and reads them as tuples: building fifty
# models and their enterprises cost more than the rows' markup.
ROW_FIELDS = (
    "pk",
    "created_at",
    "item",
    "programme",
    "status",
    "jurisdiction",
    "submitted_at",
    "possible_duplicate_of_id",
    "enterprise__name",
    "enterprise__credit_code",
    "amount",
    "computed_amount",
    "overridden",
    "open_objections",
)


def rows_of(cases: QuerySet[Application]) -> QuerySet:
    """`cases` (a `review_queue`) reading only what a row shows: each case a named tuple of
    `ROW_FIELDS` (`case.pk`, `case.enterprise__name`, `case.amount`, …)."""
    return cases.select_related(None).values_list(*ROW_FIELDS, named=True)


class QueueRow(NamedTuple):
    pk: int
    url: str
    reference: str
    possible_duplicate: bool
    enterprise_name: str
    credit_code: str
    item_title: str
    jurisdiction_name: str
    status_label: str
    status_class: str
    objections_url: str
    objections_text: str  # "2 件异议待核实", or "" when none waits
    programme_name: str  # a county's matching programme; "" for the city's own
    submitted: str  # "Y-m-d H:i" in Beijing, or ""
    amount: SafeString

    def html(self, words: "_Words", selectable: bool) -> SafeString:
        """The row's <tr>: `selectable` adds the checkbox of bulk actions."""
        checkbox = (
            format_html_fast(
                '<input class="form-check-input" type="checkbox" name="ids" value="{}" '
                'id="select-{}" aria-label="{} {}">',
                self.pk,
                self.pk,
                words.select,
                self.reference,
            )
            if selectable
            else ""
        )
        duplicate = (
            format_html_fast(
                '<span class="badge text-bg-warning" title="{}">{}</span>',
                words.duplicate_title,
                words.duplicate,
            )
            if self.possible_duplicate
            else ""
        )
        objections = (
            format_html_fast(
                '<div class="small"><a href="{}" class="link-danger open-objections">{}</a></div>',
                self.objections_url,
                self.objections_text,
            )
            if self.objections_text
            else ""
        )
        programme = (
            format_html_fast(
                '<div class="small text-muted case-programme">{}</div>', self.programme_name
            )
            if self.programme_name
            else ""
        )
        return format_html_fast(
            '<tr data-case-id="{}"><td>{}</td>'
            '<td><a href="{}" class="case-link">{}</a> {}</td>'
            '<td>{}<div class="small text-muted">{}</div></td>'
            "<td>{}</td><td>{}</td>"
            '<td><span class="badge {}">{}</span>{}{}</td>'
            '<td class="small">{}</td><td class="text-end">{}</td></tr>',
            self.pk,
            checkbox,
            self.url,
            self.reference,
            duplicate,
            self.enterprise_name,
            self.credit_code,
            self.item_title,
            self.jurisdiction_name,
            self.status_class,
            self.status_label,
            objections,
            programme,
            self.submitted,
            self.amount,
        )


class _Words(NamedTuple):
    """The words every row repeats, translated once per page."""

    select: str
    duplicate_title: str
    duplicate: str


def queue_rows_html(rows: list[QueueRow], *, selectable: bool) -> list[SafeString]:
    """Each row's markup; `selectable`: whether the reader has bulk actions (a checkbox)."""
    words = _Words(_("选择"), _("疑似重复申报"), _("疑似重复"))
    return [row.html(words, selectable) for row in rows]


def queue_rows(
    cases: Iterable[Any],
    *,
    item_titles: Mapping[str, str],
    jurisdiction_names: Mapping[str, str],
) -> list[QueueRow]:
    """The rows of `cases` (`rows_of` a `review_queue`), in their order."""
    case_url = case_url_maker("awards:case_detail")
    objections_url = case_url_maker("awards:case_objections")
    labels = StatusLabels()
    programme_names = Memo(programmes.programme_name)
    zone = timezone.get_current_timezone()
    rows = []
    for case in cases:
        pk = str(case.pk)
        is_match = case.programme != CITY_PROGRAMME
        objections = case.open_objections or 0
        submitted = case.submitted_at
        rows.append(
            QueueRow(
                pk=case.pk,
                url=case_url(pk),
                reference=case_reference(case.pk, case.created_at, zone),
                possible_duplicate=case.possible_duplicate_of_id is not None,
                enterprise_name=case.enterprise__name,
                credit_code=case.enterprise__credit_code,
                item_title=item_titles.get(case.item, case.item),
                jurisdiction_name=jurisdiction_names.get(case.jurisdiction, case.jurisdiction),
                status_label=labels(case.status, case.programme),
                status_class=status_class(case.status),
                objections_url=objections_url(pk),
                objections_text=(
                    ngettext("%(counter)s 件异议待核实", "%(counter)s 件异议待核实", objections)
                    % {"counter": objections}
                    if objections
                    else ""
                ),
                programme_name=programme_names[case.programme] if is_match else "",
                submitted=(
                    submitted.astimezone(zone).strftime("%Y-%m-%d %H:%M") if submitted else ""
                ),
                amount=amount_pair(case.amount, case.computed_amount, case.overridden),
            )
        )
    return rows


__all__ = ["ROW_FIELDS", "QueueRow", "queue_rows", "queue_rows_html", "rows_of"]
