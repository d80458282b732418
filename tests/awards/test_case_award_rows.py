"""The case page's list of the enterprise's other awards, built in Python: the markup the
template gave (whitespace aside), for every kind of row, every value escaped."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from applicants.models import Application, Enterprise
from awards.cases.rows import award_rows_html
from awards.cases.selectors import AwardRow, CaseLink
from awards.models import Award

pytestmark = pytest.mark.django_db

# The loop as the template had it before the rows were built in Python.
TEMPLATE = """{% load i18n awards_tags %}{% for row in rows %}
            <li class="mb-1 text-break" data-case-id="{{ row.link.application.pk }}">
              {% if row.link.url %}<a href="{{ row.link.url }}">{{ row.link.application.reference }}</a>{% else %}{{ row.link.application.reference }}{% endif %}
              · {{ row.item_title }} · {{ row.link.application.project_name }}
              · {% amount_pair row.award.amount row.award.computed_amount row.award.overridden %}
              · {{ row.link.status_label }} · {{ row.award.approved_at|date:"Y-m-d" }}{% if row.link.application.is_match %} · {{ row.link.application.programme|programme_name }}{% endif %}
              {% if row.same_achievement %}<div><span class="badge text-bg-info">{% translate "同一成果，计算本案金额时已扣除（从优、就高、不重复）" %}</span></div>{% endif %}
            </li>
          {% endfor %}"""  # noqa: E501 - the template as it was


def _collapsed(html: str) -> str:
    # `{% translate %}` leaves an apostrophe as it is; escaped, the browser shows the same.
    return re.sub(r"\s+", " ", html).strip().replace("&#x27;", "'")


def _row(pk: int, **kw: object) -> AwardRow:
    case = Application(
        pk=pk,
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 9)),
        enterprise=Enterprise(name="甲"),
        project_name=kw.get("project", "数据<大脑>&平台"),
        programme=kw.get("programme", "city"),
    )
    award = Award(
        amount=Decimal("40000.00"),
        computed_amount=Decimal(kw.get("computed", "40000.00")),
        overridden=kw.get("overridden", False),
        # 23:30 on 31 March in UTC is 1 April in Beijing: the date is Beijing's.
        approved_at=kw.get(
            "approved_at", datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
        ),
    )
    return AwardRow(
        link=CaseLink(
            application=case, url=kw.get("url", f"/review/cases/{pk}/"), status_label="已批准"
        ),
        award=award,
        item_title='国家级"大赛"',
        same_achievement=kw.get("same", False),
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates_markup(language):
    rows = [
        _row(1),
        _row(2, same=True),
        _row(3, overridden=True, computed="50000.00"),
        _row(4, url=""),  # outside the reader's scope: its number, no link
        _row(5, programme="411521"),  # a county's match names its programme
        _row(6, approved_at=None),
    ]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = Template(TEMPLATE).render(Context({"rows": rows}))
        built = "\n".join(award_rows_html(rows))
    assert _collapsed(built) == _collapsed(expected)
    assert "2026-04-01" in built
    assert "数据&lt;大脑&gt;&amp;平台" in built
    assert 'href="/review/cases/4/"' not in built
