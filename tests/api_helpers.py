"""Reading the API's one error body (portal.api_errors) in tests."""

from typing import Any


def api_error_body(response: Any) -> dict[str, Any]:
    """The whole body, checked to be the one error shape: messages and codes key for key."""
    body = response.json()
    assert set(body) == {"errors", "codes", "code"}, body
    assert set(body["errors"]) == set(body["codes"]), body
    for field, messages in body["errors"].items():
        assert all(isinstance(message, str) for message in messages), body
        assert len(messages) == len(body["codes"][field]), body
    return body


def api_errors(response: Any) -> dict[str, list[str]]:
    """{FIELD: [MESSAGE, …]} of an error answer."""
    return api_error_body(response)["errors"]


def api_message(response: Any) -> str:
    """The one message of an answer that concerns no field (403, 404, 409, 413, 429)."""
    return " ".join(api_errors(response)["non_field_errors"])
