"""A respondent's journey: start a draft, save details and answers, submit, withdraw."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.answers import MAX_ANSWER_CHARACTERS, answer_display
from evidence.enums import QuestionKind, RespondingAs, SubmissionChannel, SubmissionStatus
from evidence.models import (
    Answer,
    CallForEvidence,
    LateSubmissionLink,
    Question,
    ReferenceCounter,
    Submission,
)
from evidence.services.search import submission_search_refresh
from levelup.audit import audit_record
from levelup.enums import OrganisationType
from levelup.models import User
from levelup.outbox import outbox_queue
from levelup.ratelimit import rate_limit_allows

DETAIL_FIELDS = [
    "respondent_name",
    "respondent_email",
    "responding_as",
    "organisation_name",
    "organisation_type",
    "organisation_size",
    "place",
    "publication_preference",
    "wants_report",
]


def continue_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(actor) -> User | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _closed_error(call: CallForEvidence) -> ValidationError:
    return ValidationError(
        _("This call is not taking responses. Please contact %(contact)s.")
        % {"contact": call.contact_email or call.body.name},
        code="call_closed",
    )


@transaction.atomic
def submission_start(
    *, actor, call: CallForEvidence, late_link: LateSubmissionLink | None = None
) -> tuple[Submission, str]:
    """A new draft, and the private "continue" token (shown once; only its hash is kept)."""
    if not call.is_accepting_responses and not (late_link and late_link.is_usable()):
        raise _closed_error(call)
    token = secrets.token_urlsafe(32)
    user = _user(actor)
    submission = Submission(
        call=call,
        user=user,
        continue_token_hash=continue_token_hash(token),
        late_link=late_link,
        respondent_name=user.name if user else "",
        respondent_email=user.email if user else (late_link.email if late_link else ""),
    )
    submission.full_clean()
    submission.save()
    audit_record(actor=actor, action="evidence.submission.start", target=submission)
    return submission, token


def _locked_draft(submission: Submission) -> Submission:
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call__body", "late_link")
        .get(pk=submission.pk)
    )
    if locked.status != SubmissionStatus.DRAFT:
        raise ValidationError(
            _("This response has been sent already and cannot be changed."), code="not_draft"
        )
    if not locked.may_take_responses():
        raise _closed_error(locked.call)
    return locked


@transaction.atomic
def submission_details_save(
    *, actor, submission: Submission, consent: bool = False, **details: Any
) -> Submission:
    """Save who is responding. Consent records the privacy notice's version and the time."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown details: {sorted(unknown)}")
    submission = _locked_draft(submission)
    for field, value in details.items():
        setattr(submission, field, "" if value is None and field != "place" else value)
    if submission.responding_as != RespondingAs.ORGANISATION:
        submission.organisation_name = ""
        submission.organisation_type = ""
    if submission.organisation_type != OrganisationType.BUSINESS:
        submission.organisation_size = ""
    if consent:
        submission.consent_version = submission.call.privacy_notice_version
        submission.consented_at = timezone.now()
    submission.full_clean()
    submission.save()
    audit_record(actor=actor, action="evidence.submission.details", target=submission)
    return submission


@transaction.atomic
def submission_continue_link_send(
    *, actor, submission: Submission, continue_url: str, client_address: str = ""
) -> str:
    """Email the private link to come back to a draft, once per response.

    Returns "sent"; "already" when it was sent before (the database lets exactly one of
    any number of concurrent requests claim the response); "limited" when the address or
    the client address has had CONTINUE_LINK_EMAILS_PER_*_HOUR already this hour. Either
    way the draft is saved and its link is on the page: only the email is skipped.
    """
    if not submission.respondent_email:
        raise ValidationError(_("We need an email address to send the link to."))
    claimed = Submission.objects.filter(
        pk=submission.pk, continue_link_sent_at__isnull=True
    ).update(continue_link_sent_at=timezone.now())
    if not claimed:
        return "already"
    address = submission.respondent_email.strip().lower()
    address_allowed = rate_limit_allows(
        key=f"continue-link:to:{address}",
        limit=settings.CONTINUE_LINK_EMAILS_PER_ADDRESS_HOUR,
        window=timedelta(hours=1),
    )
    ip_allowed = rate_limit_allows(
        key=f"continue-link:ip:{client_address}",
        limit=settings.CONTINUE_LINK_EMAILS_PER_IP_HOUR,
        window=timedelta(hours=1),
    )
    if not (address_allowed and ip_allowed):
        audit_record(
            actor=actor,
            action="evidence.submission.continue_link_limited",
            target=submission,
            changes={"to": submission.respondent_email, "ip_address": client_address},
        )
        return "limited"
    outbox_queue(
        template="evidence/continue_link",
        to=[submission.respondent_email],
        context={
            "call": submission.call,
            "name": submission.respondent_name,
            "continue_url": continue_url,
        },
    )
    audit_record(
        actor=actor,
        action="evidence.submission.continue_link_send",
        target=submission,
        changes={"to": submission.respondent_email},
    )
    return "sent"


@transaction.atomic
def submission_answers_save(
    *, actor, submission: Submission, answers: dict[Question, dict[str, Any]]
) -> Submission:
    """Save answers as typed, even when they break a limit: nothing a respondent writes is lost.

    The exception is an answer longer than MAX_ANSWER_CHARACTERS: it is not stored (the
    earlier answer, if any, stays), and the form keeps it on the page with a message.
    `answers` maps a question of this call to {"text": str, "values": list}. A question of
    another call is refused (a forged form).
    """
    submission = _locked_draft(submission)
    existing = {a.question_id: a for a in submission.answers.select_for_update()}
    for question, value in answers.items():
        if question.call_id != submission.call_id:
            raise ValidationError(_("That question is not part of this call."))
        if question.kind == QuestionKind.FILE:
            continue
        text = value.get("text") or ""
        if len(text) > MAX_ANSWER_CHARACTERS:
            continue
        values = list(value.get("values") or [])
        answer = existing.get(question.pk)
        if answer is None:
            if not text and not values:
                continue
            answer = Answer(submission=submission, question=question)
        elif answer.text == text and answer.values == values:
            continue
        answer.text, answer.values = text, values
        answer.save()
    submission.save(update_fields=["updated_at"])
    submission_search_refresh(submission_ids=[submission.pk])
    audit_record(actor=actor, action="evidence.submission.answers", target=submission)
    return submission


def _next_number(call: CallForEvidence) -> int:
    """The call's next reference number. The counter row's lock makes concurrent submits
    queue up; a rolled-back submit gives its number back, so there are no gaps."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(call=call)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(call=call)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def submission_submit(*, actor, submission: Submission) -> Submission:
    """Send a draft: give it the next reference, queue the confirmation email.

    Submitting twice (two clicks, two tabs, the back button) is harmless: the second call
    finds the response submitted under the row lock and returns it unchanged.
    Raises ValidationError when the call has closed, the response was withdrawn, or a
    required answer is missing or breaks a limit.
    """
    from evidence.selectors import submission_problems

    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call__body", "late_link")
        .get(pk=submission.pk)
    )
    if locked.status == SubmissionStatus.SUBMITTED:
        return locked
    if locked.status != SubmissionStatus.DRAFT:
        raise ValidationError(_("This response was withdrawn and cannot be sent."))
    if not locked.may_take_responses():
        raise _closed_error(locked.call)
    problems = submission_problems(submission=locked)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    call = locked.call
    locked.number = _next_number(call)
    locked.reference = f"{call.reference_prefix}{locked.number:04d}"
    locked.status = SubmissionStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="evidence.submission.submit",
        target=locked,
        changes={"reference": locked.reference},
    )
    if locked.respondent_email:
        outbox_queue(
            template="evidence/submission_received",
            to=[locked.respondent_email],
            context={
                "call": call,
                "submission": locked,
                "answers": _answers_for_email(locked),
            },
        )
    return locked


def _answers_for_email(submission: Submission) -> list[tuple[str, str]]:
    answers = {a.question_id: a for a in submission.answers.all()}
    attachments: dict[int | None, list[str]] = {}
    for attachment in submission.attachments.all():
        attachments.setdefault(attachment.question_id, []).append(attachment.original_name)
    rows = []
    for question in submission.call.questions.select_related("section", "call"):
        if question.kind == QuestionKind.FILE:
            shown = ", ".join(attachments.get(question.pk, []))
        else:
            shown = answer_display(question, answers.get(question.pk))
        rows.append((question.text, shown or _("(no answer)")))
    return rows


def submission_may_withdraw(*, submission: Submission) -> bool:
    """Whether the respondent is offered to take the response back: it was sent online
    (not entered for them on paper) and the call is still open."""
    return (
        submission.status == SubmissionStatus.SUBMITTED
        and submission.call.is_accepting_responses
        and submission.channel == SubmissionChannel.ONLINE
    )


@transaction.atomic
def submission_withdraw(*, actor, submission: Submission) -> Submission:
    """Take a submitted response back, while the call is still open."""
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call__body")
        .get(pk=submission.pk)
    )
    if locked.status == SubmissionStatus.WITHDRAWN:
        return locked
    if locked.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a response that has been sent can be withdrawn."))
    if not locked.call.is_accepting_responses:
        raise _closed_error(locked.call)
    locked.status = SubmissionStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action="evidence.submission.withdraw", target=locked)
    return locked


@transaction.atomic
def late_link_issue(
    *,
    actor: User,
    call: CallForEvidence,
    email: str,
    expires_at: datetime,
    reason: str = "",
) -> tuple[LateSubmissionLink, str]:
    """A personal link for one respondent to respond after the closing time. Audited."""
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choose a time in the future.")})
    token = secrets.token_urlsafe(32)
    link = LateSubmissionLink(
        call=call,
        email=email.lower(),
        reason=reason,
        token_hash=continue_token_hash(token),
        expires_at=expires_at,
        created_by=actor,
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="evidence.late_link.issue",
        target=link,
        changes={"email": link.email, "expires_at": expires_at.isoformat()},
    )
    return link, token


@transaction.atomic
def submission_enter_on_behalf(
    *,
    actor: User,
    call: CallForEvidence,
    channel: str,
    details: dict[str, Any],
    answers: dict[Question, dict[str, Any]],
    import_key: str = "",
    received_at: datetime | None = None,
) -> Submission:
    """A response that arrived on paper, by email or from another tool, typed in by the
    secretariat. It is marked with how it arrived and who entered it, and submitted at once.
    With an `import_key`, entering the same response again returns the first one."""
    if channel == SubmissionChannel.ONLINE:
        raise ValidationError(_("Say how the response arrived."))
    if import_key:
        existing = Submission.objects.filter(call=call, import_key=import_key).first()
        if existing is not None:
            return existing
    submission = Submission(
        call=call,
        channel=channel,
        entered_by=actor,
        import_key=import_key,
        **{k: v for k, v in details.items() if k in DETAIL_FIELDS},
    )
    submission.full_clean()
    submission.save()
    for question, value in answers.items():
        if question.call_id != call.pk:
            raise ValidationError(_("That question is not part of this call."))
        text, values = value.get("text") or "", list(value.get("values") or [])
        if text or values:
            Answer.objects.create(
                submission=submission, question=question, text=text, values=values
            )
    submission.number = _next_number(call)
    submission.reference = f"{call.reference_prefix}{submission.number:04d}"
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = received_at or timezone.now()
    submission.full_clean()
    submission.save()
    submission_search_refresh(submission_ids=[submission.pk])
    audit_record(
        actor=actor,
        action="evidence.submission.enter_on_behalf",
        target=submission,
        changes={"channel": channel, "reference": submission.reference},
    )
    return submission
