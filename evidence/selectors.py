"""Reads that decide what a user may see of calls and evidence."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from levelup.models import User

from .answers import answer_problems
from .enums import CallStatus, QuestionKind, SubmissionChannel, SubmissionStatus
from .models import Answer, Attachment, CallForEvidence, Question, Section, Submission


def calls_open(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    """Calls taking evidence right now, judged by the clock, not only by the stored status."""
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            status__in=[CallStatus.SCHEDULED, CallStatus.OPEN],
            opens_at__lte=now,
            closes_at__gt=now,
        )
        .select_related("body")
        .order_by("closes_at", "title")
    )


def calls_upcoming(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            status__in=[CallStatus.SCHEDULED, CallStatus.OPEN], opens_at__gt=now
        )
        .select_related("body")
        .order_by("opens_at", "title")
    )


def calls_closed(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    """Calls no longer taking evidence: closed by the clock or moved on by the secretariat."""
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            Q(status__in=[CallStatus.SCHEDULED, CallStatus.OPEN], closes_at__lte=now)
            | Q(
                status__in=[
                    CallStatus.CLOSED,
                    CallStatus.ANALYSING,
                    CallStatus.PUBLISHED,
                    CallStatus.ARCHIVED,
                ]
            )
        )
        .select_related("body")
        .order_by("-closes_at", "title")
    )


def calls_for_user(*, user: User) -> QuerySet[CallForEvidence]:
    """Every call the person may see: public ones, plus those of their bodies and reviews."""
    visible = ~Q(status=CallStatus.DRAFT)
    if user.is_authenticated:
        if user.is_site_admin:
            return CallForEvidence.objects.select_related("body")
        visible |= Q(body_id__in=user.secretariat_body_ids) | Q(pk__in=user.reviewer_call_ids)
    return CallForEvidence.objects.filter(visible).select_related("body")


def calls_managed_by(*, user: User) -> QuerySet[CallForEvidence]:
    """The calls the person may set up and run: their bodies' calls (all, for an admin)."""
    if not user.is_authenticated:
        return CallForEvidence.objects.none()
    calls = CallForEvidence.objects.select_related("body").order_by("-created_at")
    if user.is_site_admin:
        return calls
    return calls.filter(body_id__in=user.secretariat_body_ids)


def sections_with_questions(*, call: CallForEvidence) -> list[Section]:
    """The call's sections in order, each with its questions (two queries)."""
    questions = Question.objects.order_by("position", "pk")
    sections = list(
        Section.objects.filter(call=call)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    for section in sections:
        for question in section.questions.all():
            question.call = call
    return [section for section in sections]


def submissions_for_respondent(*, user: User) -> QuerySet[Submission]:
    """The person's own responses ("My responses")."""
    if not user.is_authenticated:
        return Submission.objects.none()
    return Submission.objects.filter(user=user).select_related("call__body").order_by("-updated_at")


def submission_for_respondent(
    *, user: User, allowed_public_ids: list[str], public_id
) -> Submission | None:
    """The response if this visitor may work on it: their account's, or one they opened
    with its private link in this browser session."""
    access = Q(public_id__in=allowed_public_ids)
    if user.is_authenticated:
        access |= Q(user=user)
    return (
        Submission.objects.filter(access, public_id=public_id)
        .select_related("call__body", "late_link", "place")
        .first()
    )


def submission_draft_for_visitor(
    *, user: User, allowed_public_ids: list[str], call: CallForEvidence
) -> Submission | None:
    """This visitor's unsent draft for the call, if any: a second click on "Respond" (or a
    second tab) carries on with it instead of starting another."""
    access = Q(public_id__in=allowed_public_ids)
    if user.is_authenticated:
        access |= Q(user=user)
    return (
        Submission.objects.filter(access, call=call, status=SubmissionStatus.DRAFT)
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class Problem:
    message: str
    section_index: int | None = None
    question_id: int | None = None


def submission_problems(*, submission: Submission) -> list[Problem]:
    """Everything that stops a draft from being sent, with where to fix it."""
    problems: list[Problem] = []
    if not submission.respondent_name.strip():
        problems.append(Problem(_("Enter your name on the 'Your details' page.")))
    if not submission.responding_as:
        problems.append(
            Problem(_("Say whether you respond as an individual or for an organisation."))
        )
    if not submission.publication_preference:
        problems.append(Problem(_("Say whether and how we may publish your response.")))
    if submission.consented_at is None:
        problems.append(Problem(_("Confirm that you have read the privacy notice.")))
    elif (
        submission.channel == SubmissionChannel.ONLINE
        and submission.consent_version != submission.call.privacy_notice_version
    ):
        # Consent is to one wording: a changed notice has to be agreed to again.
        problems.append(
            Problem(
                _(
                    "The privacy notice has changed since you agreed to it. Read it again "
                    "and confirm on the 'Your details' page."
                )
            )
        )
    answers = {a.question_id: a for a in submission.answers.all()}
    files = set(submission.attachments.values_list("question_id", flat=True))
    for index, section in enumerate(sections_with_questions(call=submission.call), start=1):
        for question in section.questions.all():
            answer = answers.get(question.pk)
            if question.kind == QuestionKind.FILE:
                empty = question.pk not in files
            else:
                empty = answer is None or answer.is_empty
            if question.required and empty:
                problems.append(
                    Problem(
                        _("Answer the question: %(question)s") % {"question": question.text},
                        index,
                        question.pk,
                    )
                )
            elif answer is not None:
                problems.extend(
                    Problem(message, index, question.pk)
                    for message in answer_problems(question, text=answer.text, values=answer.values)
                )
    return problems


def submission_answers_by_question(*, submission: Submission) -> dict[int, Answer]:
    return {a.question_id: a for a in submission.answers.all()}


def submission_attachments(*, submission: Submission) -> list[Attachment]:
    return list(submission.attachments.order_by("created_at", "pk"))


def submission_late_link_get(*, token_hash: str):
    from .models import LateSubmissionLink

    return (
        LateSubmissionLink.objects.select_related("call__body")
        .filter(token_hash=token_hash)
        .first()
    )
