"""The case page's list of the enterprise's other awards (该单位已获奖励), built in Python.

Through the template engine each row looked up some twelve values on its own (link, number,
item, project, amounts, state, date, programme), each resolved, filtered and escaped: with the
16 awards of a seeded enterprise, an eighth of the page's calls. Here each row is one
`format_html`-like call, every value escaped, as the queue's rows are (`awards/queue/rows.py`).
"""

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from applicants import programmes
from awards.cases.selectors import AwardRow
from awards.templatetags.awards_tags import amount_pair
from portal.html import format_html_fast


def award_rows_html(rows: list[AwardRow]) -> list[SafeString]:
    """Each award's <li>: its case (a link when the reader may open it), item, project, amount
    (beside the rules' amount when adjusted), state, approval date and, for a county's match,
    its programme; the badge when it counted against this case (从优、就高、不重复)."""
    same_achievement = format_html_fast(
        '<div><span class="badge text-bg-info">{}</span></div> ',
        _("同一成果，计算本案金额时已扣除（从优、就高、不重复）"),
    )
    return [_row_html(row, same_achievement) for row in rows]


def _row_html(row: AwardRow, same_achievement: SafeString) -> SafeString:
    case, award = row.link.application, row.award
    reference = (
        format_html_fast('<a href="{}">{}</a>', row.link.url, case.reference)
        if row.link.url
        else case.reference
    )
    # The date as the template's `date:"Y-m-d"` gives it: in Beijing time, "" when there is none.
    approved = (
        timezone.localtime(award.approved_at).strftime("%Y-%m-%d") if award.approved_at else ""
    )
    programme = (
        format_html_fast(" · {}", programmes.programme_name(case.programme))
        if case.is_match
        else ""
    )
    return format_html_fast(
        '<li class="mb-1 text-break" data-case-id="{}"> {} · {} · {} · {} · {} · {}{} {}</li>',
        case.pk,
        reference,
        row.item_title,
        case.project_name,
        amount_pair(award.amount, award.computed_amount, award.overridden),
        row.link.status_label,
        approved,
        programme,
        same_achievement if row.same_achievement else "",
    )
