"""Querysets compiled once and run again with new values (portal.compiled): the same objects as
the queryset itself gives, no compiling after the first time, one reader's SQL never another's,
and a value that would not reach the SQL as given refused when first compiled."""

from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Exists, OuterRef
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import Application, CaseEvent, Status
from applicants.roles import Role
from applicants.selectors import cases_visible_to, visibility_key
from awards.models import Award
from portal.compiled import MAX_KEYS, CompiledQueryError, fetch_compiled
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    connections["default"].__dict__.pop("_compiled_querysets", None)
    yield
    connections["default"].__dict__.pop("_compiled_querysets", None)


def _with_award_and_flag(visible):
    def build(case: int):
        return (
            visible.select_related("enterprise", "award")
            .defer("facts", "enterprise__contact_email")
            .annotate(dup=Exists(visible.filter(pk=OuterRef("possible_duplicate_of_id"))))
            .filter(pk=case)
        )

    return build


def _fields(case: Application) -> tuple:
    award = getattr(case, "award", None)
    return (
        case.pk,
        case.status,
        case.project_name,
        case.submitted_at,
        case.expected_amount,
        case.enterprise.name,
        case.dup,
        award and (award.amount, award.approved_at),
    )


def test_the_objects_are_those_the_queryset_gives_for_every_value():
    approved = case_in(Status.APPROVED, item="contest_national", facts={"prize_level": "first"})
    Award.objects.filter(application=approved).update(amount=Decimal("123.45"))
    flagged = ApplicationFactory(status=Status.RECOMMENDED, possible_duplicate_of=approved)
    plain = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("0.10"))
    build = _with_award_and_flag(cases_visible_to(make_user(Role.CITY_REVIEWER)))
    for case in (approved, flagged, plain, approved):
        got = fetch_compiled("test-case", build, case=case.pk)
        expected = list(build(case.pk))
        assert [_fields(c) for c in got] == [_fields(c) for c in expected]
        assert len(got) == 1
    # A deferred column is read when asked for, as with the queryset's own objects.
    assert fetch_compiled("test-case", build, case=approved.pk)[0].facts == {"prize_level": "first"}
    assert fetch_compiled("test-case", build, case=-1) == []


def test_after_the_first_time_nothing_is_compiled_and_the_sql_is_the_same(monkeypatch):
    first, second = ApplicationFactory(), ApplicationFactory()
    build = _with_award_and_flag(Application.objects.all())
    with CaptureQueriesContext(connection) as ran_first:
        fetch_compiled("test-case", build, case=first.pk)
    compiled = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as ran_again:
        (case,) = fetch_compiled("test-case", build, case=second.pk)
    assert compiled == []
    assert case.pk == second.pk
    assert len(ran_again) == 1
    # The same statement, with the new value where the first one was.
    assert ran_again[0]["sql"] == ran_first[0]["sql"].replace(str(first.pk), str(second.pk))


def test_a_flat_list_of_values_and_a_text_value_are_placed_too():
    case = case_in(Status.APPROVED, item="contest_national", facts={"prize_level": "first"})

    def actions(case: int, status: str):
        return (
            CaseEvent.objects.filter(application_id=case, to_status=status)
            .order_by("id")
            .values_list("action", flat=True)
        )

    for status in (Status.APPROVED, Status.REVIEWED, "nothing"):
        got = fetch_compiled("test-events", actions, case=case.pk, status=status)
        assert got == list(actions(case.pk, status))
    assert fetch_compiled("test-events", actions, case=case.pk, status=Status.APPROVED)


def test_a_value_changed_on_its_way_to_the_sql_is_refused():
    with pytest.raises(CompiledQueryError, match="changed"):
        fetch_compiled(
            "test-contains",
            lambda name: Application.objects.filter(project_name__contains=name),
            name="数据",
        )
    with pytest.raises(CompiledQueryError, match="does not reach"):
        fetch_compiled("test-unused", lambda case: Application.objects.all(), case=1)


def test_a_value_of_another_type_than_the_first_one_is_refused():
    build = _with_award_and_flag(Application.objects.all())
    fetch_compiled("test-case", build, case=1)
    with pytest.raises(CompiledQueryError):
        fetch_compiled("test-case", build, case="1")
    with pytest.raises(CompiledQueryError):
        fetch_compiled("test-case", build, case=1.0)  # type: ignore[arg-type]


def test_an_id_beyond_the_database_matches_nothing_as_in_the_orm():
    build = _with_award_and_flag(Application.objects.all())
    assert fetch_compiled("test-case", build, case=2**70) == list(build(2**70)) == []


def test_a_prefetch_is_refused():
    with pytest.raises(CompiledQueryError, match="prefetch"):
        fetch_compiled(
            "test-prefetch",
            lambda case: Application.objects.filter(pk=case).prefetch_related("events"),
            case=1,
        )


def test_the_cache_of_a_connection_is_bounded():
    for n in range(MAX_KEYS + 3):
        fetch_compiled(("test-bound", n), lambda case: Application.objects.filter(pk=case), case=1)
    assert len(connections["default"].__dict__["_compiled_querysets"]) <= MAX_KEYS


def test_readers_alike_share_a_key_and_readers_apart_do_not(county_reviewer, other_county_reviewer):
    assert visibility_key(county_reviewer) != visibility_key(other_county_reviewer)
    assert visibility_key(make_user(Role.CITY_REVIEWER)) == visibility_key(
        make_user(Role.CITY_REVIEWER)
    )
    assert visibility_key(make_user(Role.CITY_REVIEWER)) != visibility_key(make_user(Role.FINANCE))


def test_a_case_page_read_by_one_county_never_opens_for_another(
    client, county_reviewer, other_county_reviewer
):
    """The case page's reads are compiled per reader: after the city and one county opened
    cases, another county still sees only its own (404 for the rest), in the same process."""
    own = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=EnterpriseFactory(jurisdiction="411502")
    )
    other = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=EnterpriseFactory(jurisdiction="411521")
    )
    Application.objects.filter(pk=own.pk).update(jurisdiction="411502")
    Application.objects.filter(pk=other.pk).update(jurisdiction="411521")
    assert county_reviewer.jurisdiction == "411502"
    sign_in(client, county_reviewer)
    assert client.get(f"/review/cases/{own.pk}/").status_code == 200
    assert client.get(f"/review/cases/{other.pk}/").status_code == 404
    sign_in(client, other_county_reviewer)
    assert client.get(f"/review/cases/{other.pk}/").status_code == 200
    assert client.get(f"/review/cases/{own.pk}/").status_code == 404
    sign_in(client, county_reviewer)
    assert client.get(f"/review/cases/{other.pk}/").status_code == 404
    assert client.get(f"/review/cases/{own.pk}/").status_code == 200


@pytest.mark.parametrize(
    "persistent_id",
    [
        "otp_totp.totpdevice/{pk}",
        "django_otp.plugins.otp_totp.totpdevice/{pk}",  # a longer form django-otp shortens
        "otp_totp.totpdevice/{missing}",
        "otp_totp.totpdevice/abc",
        "otp_totp.totpdevice",
        "applicants.user/{pk}",  # a model, but not a device (django-otp's own read fails)
        "nope.nothing/{pk}",
        "",
    ],
)
def test_the_second_factor_middleware_reads_the_device_django_otp_would(
    county_reviewer, persistent_id
):
    from django_otp.models import Device

    from applicants.two_factor.middleware import CompiledOTPMiddleware
    from tests.factories import authenticator_of

    device = authenticator_of(county_reviewer)
    given = persistent_id.format(pk=device.pk, missing=device.pk + 1000)
    middleware = CompiledOTPMiddleware(lambda request: None)
    for _ in range(2):  # compiled the first time, run again the second
        got = middleware._device_from_persistent_id(given)
        try:
            expected = Device.from_persistent_id(middleware._normalize_persistent_id(given))
        except AttributeError:  # django-otp reads a model that is not a device as None.first()
            expected = None
        assert got == expected
    assert (got is not None) == persistent_id.startswith("otp_totp.totpdevice/{pk}")


def test_a_signed_in_official_passes_the_second_factor_through_the_compiled_read(
    client, county_reviewer
):
    sign_in(client, county_reviewer)
    for _ in range(2):
        assert client.get("/review/").status_code == 200
    # Another official's device in this session is no second factor of theirs.
    other = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    session = client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.factories import authenticator_of

    session[DEVICE_ID_SESSION_KEY] = authenticator_of(other).persistent_id
    session.save()
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:verify"))


class _Recording:
    """A user that notes every attribute read of it."""

    def __init__(self, user) -> None:
        self.__dict__["_user"] = user
        self.__dict__["read"] = set()

    def __getattr__(self, name: str):
        self.__dict__["read"].add(name)
        return getattr(self.__dict__["_user"], name)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_the_visibility_key_names_everything_the_visible_cases_read_of_a_user(role):
    """A compiled read of a reader's visible cases is keyed by visibility_key: if
    cases_visible_to came to read more of the user, two readers would share SQL they must not."""
    fields = {"jurisdiction": "411502"} if role.startswith("county") else {}
    recording = _Recording(make_user(role, **fields))
    str(cases_visible_to(recording).query)  # type: ignore[arg-type]
    key_reads = _Recording(recording.__dict__["_user"])
    visibility_key(key_reads)  # type: ignore[arg-type]
    assert recording.read <= key_reads.read
