"""What every browser journey does: sign in and out, take an action on the case page."""

from tests.factories import TEST_PASSWORD


def login(page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#dashboard-title")


def logout(page) -> None:
    page.click("#logout-button")
    page.wait_for_selector("#id_username")


def take(page, action: str, expected_status: str) -> None:
    """Click the action's button on the case page and wait for the state it leads to."""
    page.click(f"#action-{action}")
    page.wait_for_selector(f'#case-status[data-status="{expected_status}"]')
