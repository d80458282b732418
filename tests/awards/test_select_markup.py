"""A select built in Python by `with_class` is the markup Django's own template writes (as HTML:
attribute order aside): the options, groups and selection, required, disabled, aria-invalid and
the id."""

import pytest
from django import forms
from django.test.html import parse_html

from applicants.fields import MoneyField
from awards.templatetags.awards_tags import with_class


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "甲 & <乙>"), ("b", "B")])
    grouped = forms.ChoiceField(
        choices=[("县区", [("411502", "浉河区"), ("411503", "平桥区")]), ("x", "其他")]
    )
    optional = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False, disabled=True)


def _same(html: object) -> object:
    """The HTML as a tree: attribute order and whitespace between tags do not count."""
    return parse_html(str(html))


def test_the_markup_is_djangos_for_bound_unbound_and_invalid_forms():
    for form in (_Form(), _Form({"plain": "b", "grouped": "411503"}), _Form({"plain": "zzz"})):
        form.is_valid()
        for field in form:
            css = "form-select is-invalid" if field.errors else "form-select"
            expected = field.as_widget(attrs={"class": css})
            assert _same(with_class(field, "form-select")) == _same(expected), field.name
    invalid = _Form({"plain": "zzz"})
    invalid.is_valid()
    rendered = str(with_class(invalid["plain"], "form-select"))
    assert 'aria-invalid="true"' in rendered
    assert "甲 &amp; &lt;乙&gt;" in rendered


class _Inputs(forms.Form):
    text = forms.CharField(max_length=10, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = MoneyField(required=False)


def test_text_and_date_boxes_are_djangos_markup():
    for form in (
        _Inputs(),
        _Inputs({"text": 'a"<b>', "day": "2025-13-40", "amount": "1,234.5"}),
        _Inputs({"amount": "-1<"}),
    ):
        form.is_valid()
        for field in form:
            css = "form-control is-invalid" if field.errors else "form-control"
            expected = field.as_widget(attrs={"class": css})
            assert _same(with_class(field, "form-control")) == _same(expected), field.name
    assert 'value="a&quot;&lt;b&gt;"' in str(with_class(_Inputs({"text": 'a"<b>'})["text"], "x"))
    money = str(with_class(_Inputs({"amount": "1,234.5"})["amount"], "x"))
    assert 'inputmode="decimal"' in money
    assert 'value="1,234.5"' in money


class _Reasons(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=20)
    note = forms.CharField(widget=forms.Textarea, required=False, disabled=True)


def test_text_areas_are_djangos_markup():
    for form in (_Reasons(), _Reasons({"reason": '第一行 & "引号"\n<第二行>'}), _Reasons({})):
        form.is_valid()
        for field in form:
            css = "form-control is-invalid" if field.errors else "form-control"
            expected = field.as_widget(attrs={"class": css})
            assert _same(with_class(field, "form-control")) == _same(expected), field.name
            built = str(with_class(field, "form-control"))
            # Django's own line break after the opening tag (a browser drops it).
            assert built.split(">", 1)[1].startswith("\n")
    filled = str(with_class(_Reasons({"reason": "a<b>\nc"})["reason"], "x"))
    assert ">\na&lt;b&gt;\nc</textarea>" in filled


@pytest.mark.django_db
def test_every_filter_of_the_queue_is_djangos_markup(rf):
    """The queue's own form: its selects, the sort (django-filter's comma-separated select), the
    dates and the search box, unbound, with values, and with values it refuses."""
    from applicants.roles import Role
    from awards.filters import ReviewQueueFilter
    from tests.factories import make_user

    request = rf.get("/review/")
    request.user = make_user(Role.CITY_REVIEWER)
    for data in (
        {},
        {"queue": "all", "sort": "-amount", "submitted_from": "2025-01-02", "q": "信<阳>"},
        {"sort": "amount,-enterprise", "status": "zzz", "submitted_to": "nonsense"},
    ):
        form = ReviewQueueFilter(data, queryset=None, request=request).form
        form.is_valid()
        for field in form:
            css = "form-select is-invalid" if field.errors else "form-select"
            expected = field.as_widget(attrs={"class": css})
            assert _same(with_class(field, "form-select")) == _same(expected), (field.name, data)
