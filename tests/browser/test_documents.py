"""A city reviewer downloads the 审批表 from the case page; anyone checks a code on /verify/."""

import pytest

from applicants.models import Status
from awards.documents.models import Document
from awards.documents.services import document_render_approval
from awards.services.decisions import case_decide
from tests.awards.helpers import case_in, city_user
from tests.browser.helpers import pass_second_factor
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.PDF_DEMO_SIGNING_DIR = tmp_path / "signing"


def test_download_from_the_case_page_and_verify_each_kind_of_code(
    live_server, page, transactional_db, tmp_path
):
    case = case_in(Status.APPROVED, item="contest_provincial", facts={"prize_level": "first"})
    first = document_render_approval(application_id=case.pk)
    city = city_user()
    city.set_password(TEST_PASSWORD)
    city.save()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", city.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    pass_second_factor(page, city.username)
    page.wait_for_selector("#dashboard-title")
    page.goto(f"{live_server.url}/review/cases/{case.pk}/")
    link = page.locator("#case-documents a.document-link").first
    assert "奖励资金审批表" in link.inner_text()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    page.screenshot(path=str(tmp_path / "case-documents.png"), full_page=True)

    # Announcing changes what the sheet states: a new version supersedes the first.
    case_decide(application_id=case.pk, action="announce", actor=city)
    second = document_render_approval(application_id=case.pk)
    assert Document.objects.get(pk=first.pk).superseded_by_id == second.pk

    page.goto(f"{live_server.url}/verify/{second.code}/")
    assert page.get_attribute("#verify-status", "data-current") == "true"
    assert case.enterprise.name in page.inner_text("#verify-facts")
    assert "¥100,000.00" in page.inner_text("#verify-amount")
    page.screenshot(path=str(tmp_path / "verify-current.png"), full_page=True)

    page.goto(f"{live_server.url}/verify/{first.code}/")
    assert page.get_attribute("#verify-status", "data-current") == "false"
    page.click("#verify-successor")
    page.wait_for_url(f"**/verify/{second.code}/")
    assert page.get_attribute("#verify-status", "data-current") == "true"

    response = page.goto(f"{live_server.url}/verify/{'2' * 20}/")
    assert response.status == 404
    assert "未找到" in page.inner_text("#verify-status")
