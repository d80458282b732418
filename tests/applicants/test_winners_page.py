"""The 免申即享 page: the city's reviewers upload or preview a list and read and download each
import's report; no one else may."""

import pytest

from applicants.models import Application
from applicants.winners.models import WinnerImport
from tests.factories import EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/review/winners/"
HEADER = "统一社会信用代码,单位名称,奖励事项,获奖等次,日期,文号"


@pytest.fixture
def winners_csv():
    listed = EnterpriseFactory(name="=信阳数智科技有限公司")
    make_user("enterprise", enterprise=listed)
    rows = [
        HEADER,
        f"{listed.credit_code},{listed.name},contest_provincial,一等奖,2025-05-20,豫数〔2025〕8号",
        "12345,坏代码公司,contest_provincial,一等奖,2025-05-20,豫数〔2025〕8号",
    ]
    return ("\n".join(rows)).encode()


def _upload(client, content, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("名单.csv", content, content_type="text/csv")
    return client.post(PAGE, {"file": file, **extra})


def test_a_preview_creates_nothing_and_shows_every_row(client, city_reviewer, winners_csv):
    sign_in(client, city_reviewer)
    response = _upload(client, winners_csv, dry_run="on")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="winners-preview"' in html
    assert "信用代码有误" in html  # the reason in words, not its code
    assert not Application.objects.filter(winner_key__gt="").exists()
    assert not WinnerImport.objects.exists()


def test_an_import_shows_its_report_and_downloads_it(client, city_reviewer, winners_csv):
    sign_in(client, city_reviewer)
    response = _upload(client, winners_csv)
    record = WinnerImport.objects.get()
    assert response["Location"] == f"{PAGE}{record.pk}/"
    assert record.created_by == city_reviewer
    page = client.get(response["Location"]).content.decode()
    case = Application.objects.get(winner_key__gt="")
    assert case.reference in page
    assert "信用代码有误" in page
    download = client.get(f"{PAGE}{record.pk}/report.csv")
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff行号")
    assert case.reference in text
    # A name beginning with "=" is text in the spreadsheet, not a formula.
    assert "'=信阳数智科技有限公司" in text


def test_an_unreadable_file_is_a_field_error_on_the_page(client, city_reviewer):
    sign_in(client, city_reviewer)
    response = _upload(client, b"name,amount\nx,1\n")
    assert response.status_code == 200
    assert "credit_code" in str(response.context["form"].errors["file"])


@pytest.mark.parametrize("role", ["enterprise", "county_reviewer", "finance", "admin"])
def test_only_the_citys_reviewers_may_import(client, role, winners_csv):
    user = make_user(role, jurisdiction="411502") if role == "county_reviewer" else make_user(role)
    sign_in(client, user)
    assert client.get(PAGE).status_code == 403
    assert _upload(client, winners_csv).status_code == 403
    assert not WinnerImport.objects.exists()
