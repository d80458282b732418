"""Choice filters copied for each request share their choices, and each copy is its own."""

import copy

import pytest
from django.utils.translation import gettext_lazy as _

from portal.filters import ChoiceFilter, SharedChoiceField

CHOICES = [("a", _("甲")), ("b", _("乙"))]


def test_a_copy_of_a_filter_shares_its_choices_and_nothing_else():
    base = ChoiceFilter(label=_("类别"), choices=CHOICES, method="filter_kind")
    made = copy.deepcopy(base)
    assert made.extra["choices"] is base.extra["choices"]
    assert made.extra is not base.extra
    # The method is bound to the copy (it finds the filter set the copy belongs to).
    assert made.filter.f is made
    made.parent = object()
    assert getattr(base, "parent", None) is None


def test_a_copy_of_a_field_shares_the_list_but_shows_its_own_empty_label():
    base = SharedChoiceField(choices=CHOICES, empty_label="全部")
    made = copy.deepcopy(base)
    assert made._choices.choices is base._choices.choices
    made.empty_label = None
    assert [value for value, _label in made.choices] == ["a", "b"]
    assert [value for value, _label in base.choices] == ["", "a", "b"]


def test_replacing_one_copys_choices_leaves_the_others_alone():
    base = SharedChoiceField(choices=CHOICES, empty_label=None)
    one, other = copy.deepcopy(base), copy.deepcopy(base)
    one.choices = [("c", "丙")]
    assert [value for value, _label in one.choices] == ["c"]
    assert [value for value, _label in other.choices] == ["a", "b"]
    assert [value for value, _label in base.choices] == ["a", "b"]
    assert one.valid_value("c")
    assert not other.valid_value("c")


@pytest.mark.django_db
def test_a_county_reviewers_queue_filters_never_reach_the_citys(rf):
    from applicants.roles import Role
    from awards.filters import ReviewQueueFilter
    from awards.selectors import review_queue
    from tests.factories import make_user

    county = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    city = make_user(Role.CITY_REVIEWER)
    forms = {}
    for user in (county, city, county):
        request = rf.get("/review/")
        request.user = user
        forms.setdefault(user.pk, []).append(
            ReviewQueueFilter({}, queryset=review_queue(user=user), request=request).form
        )
    county_places = [v for v, _label in forms[county.pk][0].fields["jurisdiction"].choices]
    city_places = [v for v, _label in forms[city.pk][0].fields["jurisdiction"].choices]
    assert county_places == ["411502"]
    assert city_places[0] == ""
    assert "411502" in city_places
    assert len(city_places) > 2
    again = [v for v, _label in forms[county.pk][1].fields["jurisdiction"].choices]
    assert again == county_places
