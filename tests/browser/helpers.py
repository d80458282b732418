"""What every browser journey does: sign in and out, take an action on the case page."""

from tests.factories import TEST_PASSWORD, TINY_PDF, authenticator_of, totp_code


def login(page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the form and, for an official, the second-factor page: the code is
    computed from the authenticator's key, as the phone app computes it (the official gets a
    confirmed authenticator first if they have none)."""
    submit_credentials(page, base_url, username, password)
    pass_second_factor(page, username)
    page.wait_for_selector("#dashboard-title")


def submit_credentials(page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")


def pass_second_factor(page, username: str) -> None:
    """The code page, if the account needs it (officials); nothing for an enterprise."""
    from applicants.models import User
    from applicants.two_factor.selectors import two_factor_required

    user = User.objects.get(username=username)
    if not two_factor_required(user=user):
        return
    device = authenticator_of(user)
    page.wait_for_selector("#verify-form, #enrol-form")
    if page.locator("#enrol-form").count():
        # Sent to the enrolment before the authenticator above existed: now it leads to the code.
        page.reload()
        page.wait_for_selector("#verify-form")
    page.fill("#id_code", totp_code(device))
    page.click("#verify-submit")


def logout(page) -> None:
    page.click("#logout-button")
    page.wait_for_selector("#id_username")


def take(page, action: str, expected_status: str) -> None:
    """Click the action's button on the case page and wait for the state it leads to."""
    page.click(f"#action-{action}")
    page.wait_for_selector(f'#case-status[data-status="{expected_status}"]')


def pdf_upload(name: str) -> dict[str, object]:
    """A small valid PDF as Playwright's set_input_files takes it."""
    return {"name": name, "mimeType": "application/pdf", "buffer": TINY_PDF}
