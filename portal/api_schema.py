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


# OpenAPI links: what a response hands on to the next call (stateful clients and schemathesis
# follow them). operationId → status → {link name: (target operationId, {parameter: where})}.
BODY_ID = "$response.body#/id"
FIRST_ID = "$response.body#/results/0/id"
LINKS: dict[str, dict[str, dict[str, tuple[str, dict[str, str]]]]] = {
    "applications_list": {
        "200": {
            "GetFirstApplication": ("applications_retrieve", {"id": FIRST_ID}),
            "SubmitFirstApplication": ("applications_submit_create", {"id": FIRST_ID}),
        }
    },
    "applications_create": {
        "201": {
            "GetApplication": ("applications_retrieve", {"id": BODY_ID}),
            "UpdateApplication": ("applications_partial_update", {"id": BODY_ID}),
            "ReplaceApplication": ("applications_update", {"id": BODY_ID}),
            "UploadEvidence": ("applications_evidence_create", {"id": BODY_ID}),
            "SubmitApplication": ("applications_submit_create", {"id": BODY_ID}),
            "WithdrawApplication": ("applications_withdraw_create", {"id": BODY_ID}),
        }
    },
    "applications_evidence_create": {
        "201": {"GetEvidence": ("evidence_retrieve", {"id": BODY_ID})},
    },
    "applications_submit_create": {
        "200": {
            "GetApplication": ("applications_retrieve", {"id": BODY_ID}),
            "WithdrawApplication": ("applications_withdraw_create", {"id": BODY_ID}),
        }
    },
    "cases_list": {
        "200": {
            "GetFirstCase": ("cases_retrieve", {"id": FIRST_ID}),
            "ActOnFirstCase": ("cases_transitions_create", {"id": FIRST_ID}),
        }
    },
    "cases_transitions_create": {"200": {"GetCase": ("cases_retrieve", {"id": BODY_ID})}},
    "programmes_list": {
        "200": {
            "GetProgramme": ("programmes_retrieve", {"programme": "$response.body#/0/code"}),
            "ListBatches": ("programmes_batches_list", {"programme": "$response.body#/0/code"}),
            "ListRuns": ("programmes_payout_runs_list", {"programme": "$response.body#/0/code"}),
        }
    },
    "programmes_payout_runs_create": {
        "202": {"GetRun": ("payout_runs_retrieve", {"id": BODY_ID})},
    },
    "programmes_batches_create": {
        "201": {
            "GetBatch": ("batches_retrieve", {"id": BODY_ID}),
            "ExportBatch": ("batches_export_create", {"id": BODY_ID}),
            "CancelBatch": ("batches_cancel_create", {"id": BODY_ID}),
            "UploadBankReturn": ("batches_bank_returns_create", {"id": BODY_ID}),
        }
    },
    "batches_bank_returns_create": {
        "201": {
            "GetBankReturn": ("bank_returns_retrieve", {"id": BODY_ID}),
            "ConfirmBankReturn": ("bank_returns_confirm_create", {"id": BODY_ID}),
            "DiscardBankReturn": ("bank_returns_discard_create", {"id": BODY_ID}),
        }
    },
    "report_exports_create": {
        "202": {
            "GetExport": ("report_exports_retrieve", {"id": BODY_ID}),
            "GetExportFile": ("report_exports_file_retrieve", {"id": BODY_ID}),
        }
    },
    "documents_list": {
        "200": {
            "GetFirstDocument": ("documents_retrieve", {"id": FIRST_ID}),
            "GetFirstDocumentFile": ("documents_file_retrieve", {"id": FIRST_ID}),
        }
    },
    "notifications_list": {
        "200": {"ReadFirstNotification": ("notifications_read_create", {"id": FIRST_ID})},
    },
}


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: the OpenAPI links of LINKS on the responses they leave."""
    operations = {
        operation["operationId"]: operation
        for path in result.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for source, by_status in LINKS.items():
        if source not in operations:
            continue  # an operation left out of this schema (drf-spectacular's `public`)
        for status, links in by_status.items():
            response = operations[source]["responses"][status]
            response["links"] = {
                name: {"operationId": target, "parameters": parameters}
                for name, (target, parameters) in links.items()
                if target in operations
            }
    return result
