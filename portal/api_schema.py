"""The schema's error answers: every operation declares the one error body (portal.api_errors)
for the refusals it can give, so the schema tells what is served (drf-spectacular hook)."""

from typing import Any

ERROR_BODY = "ErrorBody"
ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error body: messages and codes per field, and the kind of refusal.",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "codes": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "code": {"type": "string"},
    },
    "required": ["errors", "codes", "code"],
}
DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field.",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "The role, the token's scope or the session's state refuses.",
    "404": "No such object, or one the caller may not see.",
    "405": "Method not allowed.",
    "409": "The case changed meanwhile (for example, already decided).",
    "413": "The body is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests.",
}
WRITES = {"post", "put", "patch", "delete"}


def _statuses(
    path: str, method: str, operation: dict[str, Any], *, authenticated: bool
) -> list[str]:
    statuses = ["400", "405", "429"]
    if authenticated:
        statuses += ["401", "403"]
    # A path's object, or a page past the last one of a list.
    paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
    if "{" in path or paginated:
        statuses.append("404")
    if method in WRITES:
        statuses += ["409", "413", "415"]
    return statuses


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: declare the error answers on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_BODY] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_BODY}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            # `security: [{}]` alone: an endpoint open to anonymous callers (no 401/403).
            authenticated = operation.get("security") != [{}]
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation, authenticated=authenticated):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
