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
from django.utils.module_loading import import_string

from .enums import EmailStatus
from .jobs import dispatch_on_commit
from .models import OutboundEmail

logger = logging.getLogger(__name__)

# A queued row whose on-commit task was lost (broker down at the time) is sent after this.
STALE_QUEUED_AFTER = timedelta(minutes=5)


# Emails rendered when sent: template → function(email) returning (recipients, context) or
# None when there is nobody to send to. It runs in the worker, under the row's lock.
DEFERRED_RENDERERS = {
    "accounts/password_reset": "levelup.services.password_reset_render",
}


def outbox_queue(*, template: str, to: list[str], context: dict | None = None) -> OutboundEmail:
    """Render `templates/emails/<template>_subject.txt` and `<template>.txt` into a row.

    Must be called inside the service's transaction; the send task goes after commit.
    """
    subject, body_text = _render(template, context)
    email = OutboundEmail.objects.create(
        template=template, to=list(to), subject=subject, body_text=body_text
    )
    _send_on_commit(email)
    return email


def outbox_queue_deferred(*, template: str, to: list[str], context: dict) -> OutboundEmail:
    """Queue a row whose recipients and text are decided when it is sent.

    For requests that must take the same time whatever they find (a password reset for an
    address with or without an account): the lookup runs in the worker, not in the request.
    """
    if template not in DEFERRED_RENDERERS:
        raise ValueError(f"{template} has no deferred renderer")
    email = OutboundEmail.objects.create(
        template=template, to=list(to), subject="", body_text="", render_context=context
    )
    _send_on_commit(email)
    return email


def _render(template: str, context: dict | None) -> tuple[str, str]:
    context = {"site_name": settings.SITE_NAME, **(context or {})}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    return " ".join(subject.split())[:300], render_to_string(f"emails/{template}.txt", context)


def _send_on_commit(email: OutboundEmail) -> None:
    from .tasks import outbound_email_send_task

    # A broker that is down is logged, not raised: the row is swept up later.
    dispatch_on_commit(outbound_email_send_task, email_id=email.pk)


def _render_deferred(email: OutboundEmail) -> bool:
    """Fill in a deferred row's recipients and text. False: there is nobody to send it to."""
    renderer = import_string(DEFERRED_RENDERERS[email.template])
    found = renderer(email)
    if found is None:
        email.status = EmailStatus.ABANDONED
        email.next_attempt_at = None
        email.last_error = "Nobody to send to: no active account has this address."
        email.render_context = None
        email.save(update_fields=["status", "next_attempt_at", "last_error", "render_context"])
        return False
    email.to, context = found
    email.subject, email.body_text = _render(email.template, context)
    email.render_context = None
    email.save(update_fields=["to", "subject", "body_text", "render_context"])
    return True


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
        if email.render_context is not None and not _render_deferred(email):
            return email
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
