"""The webhook delivery task: retried with exponential backoff until WEBHOOK_MAX_ATTEMPTS."""

from celery import shared_task
from django.conf import settings

from awards.webhooks.services import DeliveryFailed, delivery_attempt


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    attempt = self.request.retries + 1
    final = attempt >= settings.WEBHOOK_MAX_ATTEMPTS
    try:
        return delivery_attempt(delivery_id=delivery_id, final=final).state
    except DeliveryFailed as failed:
        if final:
            return "failed"
        # 30 s, 60 s, 120 s … capped at an hour.
        countdown = min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), 3600)
        raise self.retry(exc=failed, countdown=countdown) from None
