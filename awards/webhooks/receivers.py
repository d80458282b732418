"""Webhooks follow the case: after each committed change of state, one delivery per endpoint."""

import logging
from functools import partial

from django.db import transaction

from applicants.signals import case_transitioned

logger = logging.getLogger(__name__)


def _on_transition(sender: object, *, application_id: int, action: str, **_: object) -> None:
    from awards.webhooks import tasks
    from awards.webhooks.services import deliveries_for_transition

    for delivery_id in deliveries_for_transition(application_id=application_id, action=action):
        # A broker that refuses leaves the delivery pending in the log, never breaks the step.
        transaction.on_commit(partial(tasks.deliver_webhook.delay, delivery_id), robust=True)


def connect() -> None:
    case_transitioned.connect(_on_transition, dispatch_uid="awards.webhooks")
