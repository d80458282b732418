"""Making and sending webhook deliveries. A delivery is written once (its body fixed), then sent
by a Celery task that retries with backoff; each attempt is logged on the row.

Signature (docs/webhooks.md): `X-Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the endpoint's secret>`; the receiver recomputes it and checks `t` is recent.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.models import Application
from awards.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

EVENT_CASE_TRANSITIONED = "case.transitioned"


class DeliveryFailed(Exception):
    """One attempt did not get a 2xx answer: the task retries it later."""


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def deliveries_for_transition(*, application_id: int, action: str) -> list[int]:
    """One delivery per active endpoint that wants this change; their ids (to send)."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    if not endpoints:
        return []
    case = Application.objects.filter(pk=application_id).first()
    if case is None:
        return []
    wanted = [e for e in endpoints if e.wants(action=action, jurisdiction=case.jurisdiction)]
    ids = []
    with transaction.atomic():
        for endpoint in wanted:
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, event=EVENT_CASE_TRANSITIONED, body=""
            )
            # Only what identifies the case and its new state: no names, amounts or contacts.
            delivery.body = json.dumps(
                {
                    "event": EVENT_CASE_TRANSITIONED,
                    "delivery": delivery.pk,
                    "action": action,
                    "at": timezone.now().isoformat(),
                    "case": {
                        "id": case.pk,
                        "reference": case.reference,
                        "status": case.status,
                        "item": case.item,
                        "programme": case.programme,
                        "jurisdiction": case.jurisdiction,
                    },
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            delivery.save(update_fields=["body"])
            ids.append(delivery.pk)
    return ids


def delivery_attempt(*, delivery_id: int, final: bool) -> WebhookDelivery:
    """Send one delivery once; DeliveryFailed unless the receiver answered 2xx. A delivered one is
    never sent again (a task redelivered after a lost worker finds it done). `final`: no retry
    follows, so a failure marks it failed."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        if delivery.state != DeliveryState.PENDING:
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    body = delivery.body.encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 (an administrator's http(s) URL)
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "xinyang-data-rewards-webhook/1",
            "X-Portal-Event": delivery.event,
            "X-Portal-Delivery": str(delivery.pk),
            "X-Portal-Signature": signature(
                secret=delivery.endpoint.secret, timestamp=timestamp, body=body
            ),
        },
    )
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as refused:
        status, error = refused.code, f"HTTP {refused.code}"
    except (urllib.error.URLError, OSError, ValueError) as failed:
        error = str(getattr(failed, "reason", failed))[:500]
    ok = status is not None and 200 <= status < 300
    fields = {"last_status_code": status, "last_error": "" if ok else error}
    if ok:
        fields |= {"state": DeliveryState.DELIVERED, "delivered_at": timezone.now()}
    elif final:
        fields["state"] = DeliveryState.FAILED
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    delivery.refresh_from_db()
    if not ok:
        raise DeliveryFailed(error or f"HTTP {status}")
    return delivery
