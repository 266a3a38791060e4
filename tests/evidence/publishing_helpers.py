"""A published call with one response in every publication state, for the publishing tests."""

from dataclasses import dataclass

from evidence.enums import CallStatus, ModerationState, PublicationPreference, SubmissionStatus
from evidence.models import CallForEvidence, Submission
from tests.factories import AnswerFactory, CallForEvidenceFactory, SubmissionFactory
from tests.factories.publishing import ModerationFactory, RedactionFactory

SECRET = "Zanzibar"


@dataclass
class World:
    call: CallForEvidence
    named: Submission
    anonymous: Submission
    redacted: Submission
    confidential: Submission
    withheld: Submission
    unmoderated: Submission
    withdrawn: Submission


def _response(call, *, name, text, preference=PublicationPreference.NAMED, **kwargs):
    submission = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name=name,
        publication_preference=preference,
        **kwargs,
    )
    answer = AnswerFactory(submission=submission, text=text)
    return submission, answer


def publishing_world(*, body=None, status=CallStatus.PUBLISHED) -> World:
    """Seven responses; only `named`, `anonymous` and `redacted` may ever be public."""
    extra = {"body": body} if body else {}
    call = CallForEvidenceFactory(closed=True, **extra)
    call.status = status
    call.save(update_fields=["status"])
    named, _a = _response(call, name="Nadia Named", text="Open shops on the high street.")
    ModerationFactory(submission=named)
    anonymous, _a = _response(
        call,
        name="Anna Hidden",
        text="Parking costs keep shoppers away.",
        preference=PublicationPreference.ANONYMOUS,
    )
    ModerationFactory(submission=anonymous)
    redacted, answer = _response(
        call, name="Rita Redacted", text=f"{SECRET} told us the council is slow."
    )
    ModerationFactory(submission=redacted, state=ModerationState.APPROVED_REDACTED)
    RedactionFactory(answer=answer, start=0, end=len(SECRET))
    confidential, _a = _response(
        call,
        name="Connor Confidential",
        text=f"Confidential {SECRET}Conf remarks.",
        preference=PublicationPreference.CONFIDENTIAL,
    )
    withheld, _a = _response(call, name="Wanda Withheld", text=f"Withheld {SECRET}Held rant.")
    ModerationFactory(submission=withheld, state=ModerationState.WITHHELD, reason="Defamatory")
    unmoderated, _a = _response(call, name="Una Unmoderated", text=f"Pending {SECRET}Pend text.")
    withdrawn, _a = _response(call, name="Walt Withdrawn", text=f"Withdrawn {SECRET}Gone text.")
    withdrawn.status = SubmissionStatus.WITHDRAWN
    withdrawn.withdrawn_at = withdrawn.submitted_at
    withdrawn.save()
    ModerationFactory(submission=withdrawn)
    return World(call, named, anonymous, redacted, confidential, withheld, unmoderated, withdrawn)


# Words that must never reach the public.
PRIVATE_WORDS = [
    SECRET,
    "Anna Hidden",
    "Connor Confidential",
    "Wanda Withheld",
    "Una Unmoderated",
    "Walt Withdrawn",
    "Defamatory",
]
