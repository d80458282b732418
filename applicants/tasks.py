"""Celery tasks of applicants: thin — each sends one thing and retries on its own."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMessage

# Seconds before the first retry, doubling up to Celery's 600 s cap (with jitter): six retries
# cover about half an hour of a mail server's outage, not a minute as a 1 s base would.
MAIL_RETRY_BACKOFF = 30
MAIL_MAX_RETRIES = 6


@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=MAIL_RETRY_BACKOFF,
    max_retries=MAIL_MAX_RETRIES,
    acks_late=True,
)
def send_notification_mail(recipient: str, subject: str, body: str) -> int:
    """Send one notification mail to one address (the portal notification is already written).

    A redelivery after a lost worker may send the mail twice: a repeated notice is better than
    none. Returns the messages sent (1).
    """
    # One address per message: nobody learns another recipient's address.
    return EmailMessage(subject, body, None, [recipient]).send()
