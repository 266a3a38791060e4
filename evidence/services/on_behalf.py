"""Responses the secretariat enters for someone: consent as the respondent gave it."""

from datetime import datetime
from typing import Any

from django.db import transaction

from evidence.models import CallForEvidence, Question, Submission
from levelup.models import User

from .submissions import submission_enter_on_behalf


@transaction.atomic
def submission_enter_with_consent(
    *,
    actor: User,
    call: CallForEvidence,
    channel: str,
    details: dict[str, Any],
    answers: dict[Question, dict[str, Any]],
    consented: bool,
    received_at: datetime,
    import_key: str = "",
) -> Submission:
    """`submission_enter_on_behalf`, then record that the respondent agreed to the call's
    current privacy notice when they sent the response (on paper or in their email)."""
    submission = submission_enter_on_behalf(
        actor=actor,
        call=call,
        channel=channel,
        details=details,
        answers=answers,
        import_key=import_key,
        received_at=received_at,
    )
    if consented and submission.consented_at is None:
        submission.consent_version = call.privacy_notice_version
        submission.consented_at = received_at
        submission.full_clean()
        submission.save(update_fields=["consent_version", "consented_at", "updated_at"])
    return submission
