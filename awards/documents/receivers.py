"""Documents follow the case: a receipt at each submission, the 审批表 at each decision on money."""

from applicants.signals import case_transitioned

# Actions after which what the 审批表 states (or whether it stands) has changed.
APPROVAL_SHEET_ACTIONS = frozenset(
    {
        "approve",
        "announce",
        "object",
        "objection_dismiss",
        "objection_uphold",
        "objection_reject",
        "confirm",
        "city_reject",
        "city_return",
        "schedule",
        "pay",
        "match_confirm",
        "match_reject",
    }
)
RECEIPT_ACTIONS = frozenset({"submit", "resubmit"})


def _on_transition(sender: object, *, application_id: int, action: str, **_: object) -> None:
    from awards.documents import tasks  # tasks import services; import at call time

    if action in RECEIPT_ACTIONS:
        tasks.render_receipt.delay(application_id)
    elif action in APPROVAL_SHEET_ACTIONS:
        tasks.refresh_case_documents.delay(application_id)


def connect() -> None:
    case_transitioned.connect(_on_transition, dispatch_uid="awards.documents")
