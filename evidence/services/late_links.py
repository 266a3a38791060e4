"""The secretariat's personal late-submission links: issued, emailed, revoked. Audited."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import CallForEvidence, LateSubmissionLink, Submission
from levelup.audit import audit_record
from levelup.models import User
from levelup.outbox import outbox_queue

from .submissions import late_link_issue, submission_start


@transaction.atomic
def late_link_send(
    *,
    actor: User,
    call: CallForEvidence,
    email: str,
    expires_at: datetime,
    reason: str = "",
    link_url_for,
) -> tuple[LateSubmissionLink, str]:
    """Issue a personal link (see `late_link_issue`) and email it to the respondent.

    `link_url_for(token)` builds the absolute URL; the token is shown once and only its
    hash is kept. The email goes through the outbox after commit.
    """
    link, token = late_link_issue(
        actor=actor, call=call, email=email, expires_at=expires_at, reason=reason
    )
    outbox_queue(
        template="evidence/late_link",
        to=[link.email],
        context={"call": call, "link": link, "url": link_url_for(token)},
    )
    return link, token


@transaction.atomic
def late_link_revoke(*, actor: User, link: LateSubmissionLink) -> LateSubmissionLink:
    """Stop a link working. A response already started with it keeps what it has."""
    link = LateSubmissionLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError(_("This link has been revoked already."))
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action="evidence.late_link.revoke", target=link)
    return link


@transaction.atomic
def late_link_start(*, actor, link: LateSubmissionLink) -> tuple[Submission, str | None]:
    """The one response a personal link is for.

    The first use starts it: a new draft and its private "continue" token. Every later use
    returns that response with no token; the caller lets only the person who started it
    in. The link's row is locked, so two first uses at the same moment make one response
    (and a unique constraint on `Submission.late_link` backs this up). An expired or revoked
    link that was never used starts nothing.
    """
    link = (
        LateSubmissionLink.objects.select_for_update(of=("self",))
        .select_related("call__body")
        .get(pk=link.pk)
    )
    existing = link.submissions.first()
    if existing is not None:
        return existing, None
    if not link.is_usable():
        raise ValidationError(_("This link has expired or been revoked."), code="link_expired")
    return submission_start(actor=actor, call=link.call, late_link=link)
