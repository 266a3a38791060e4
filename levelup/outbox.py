"""The email outbox: the only place that sends email.

Services call `outbox_queue` inside their transaction. The row is rendered there and then,
and a Celery task is queued on commit, so a rolled-back action sends nothing. The task calls
`outbound_email_send`, which holds the row lock while it talks to SMTP: two workers cannot
send the same row, and a sent row is never sent again. A failure leaves the row `failed`
with a time for the next attempt; the beat task `outbox_retry_due` picks those up, and
queued rows whose task never reached the broker (it was down at commit).
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import EmailStatus
from .jobs import dispatch_on_commit
from .models import OutboundEmail

logger = logging.getLogger(__name__)

# A queued row whose on-commit task was lost (broker down at the time) is sent after this.
STALE_QUEUED_AFTER = timedelta(minutes=5)


def outbox_queue(*, template: str, to: list[str], context: dict | None = None) -> OutboundEmail:
    """Render `templates/emails/<template>_subject.txt` and `<template>.txt` into a row.

    Must be called inside the service's transaction; the send task goes after commit.
    """
    context = {"site_name": settings.SITE_NAME, **(context or {})}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    email = OutboundEmail.objects.create(
        template=template,
        to=list(to),
        subject=" ".join(subject.split())[:300],
        body_text=render_to_string(f"emails/{template}.txt", context),
    )
    from .tasks import outbound_email_send_task

    # A broker that is down is logged, not raised: the row is swept up later.
    dispatch_on_commit(outbound_email_send_task, email_id=email.pk)
    return email


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def outbound_email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one row if it still needs sending. Returns None when there is nothing to do."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED])
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        try:
            EmailMessage(
                subject=email.subject,
                body=email.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=email.to,
            ).send()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("outbox: email %s attempt %s failed: %s", email.pk, email.attempts, exc)
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = EmailStatus.ABANDONED
                email.next_attempt_at = None
            else:
                email.status = EmailStatus.FAILED
                email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    return email


def outbox_due_ids(*, now=None) -> list[int]:
    """Rows to (re)send now: failed ones whose time has come, and queued ones gone stale."""
    now = now or timezone.now()
    failed = OutboundEmail.objects.filter(status=EmailStatus.FAILED, next_attempt_at__lte=now)
    stale = OutboundEmail.objects.filter(
        status=EmailStatus.QUEUED, created_at__lte=now - STALE_QUEUED_AFTER
    )
    return list((failed | stale).order_by("pk").values_list("pk", flat=True)[:500])
