"""Reads for respondents: their responses, drafts, what stops a draft being sent."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from evidence.answers import answer_display, answer_problems
from evidence.enums import (
    QuestionKind,
    SubmissionChannel,
    SubmissionStatus,
)
from evidence.models import (
    Answer,
    Attachment,
    CallForEvidence,
    LateSubmissionLink,
    Question,
    Section,
    Submission,
)
from levelup.models import User

from .calls import sections_with_questions


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
    return (
        LateSubmissionLink.objects.select_related("call__body")
        .filter(token_hash=token_hash)
        .first()
    )


def attachments_by_question(
    attachments: list[Attachment],
) -> dict[int | None, list[Attachment]]:
    """The attachments grouped by the question they answer (None: the response as a whole)."""
    files: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        files.setdefault(attachment.question_id, []).append(attachment)
    return files


def submission_summary(
    *,
    submission: Submission,
    sections: list[Section] | None = None,
    attachments: list[Attachment] | None = None,
) -> list[dict]:
    """The response's sections with each question's answer as words, and attachments.

    Pass `sections` or `attachments` when the page has read them already.
    """
    if sections is None:
        sections = sections_with_questions(call=submission.call)
    if attachments is None:
        attachments = submission_attachments(submission=submission)
    answers = submission_answers_by_question(submission=submission)
    files = attachments_by_question(attachments)
    rows = []
    for number, section in enumerate(sections, start=1):
        items = []
        for question in section.questions.all():
            items.append(
                {
                    "question": question,
                    "answer": answer_display(question, answers.get(question.pk)),
                    "files": files.get(question.pk, []),
                    # Added to the call after this response was sent: it never saw it.
                    "asked": question.asked_from is None
                    or submission.submitted_at is None
                    or submission.submitted_at >= question.asked_from,
                }
            )
        rows.append({"section": section, "number": number, "items": items})
    return rows


def required_files_missing(*, submission: Submission, questions: list[Question]) -> list[Question]:
    """The required file questions among `questions` the response has no file for yet."""
    have_files = set(submission.attachments.values_list("question_id", flat=True))
    return [
        question
        for question in questions
        if question.kind == QuestionKind.FILE
        and question.required
        and question.pk not in have_files
    ]


def submission_by_continue_token(*, token_hash: str) -> Submission | None:
    """The response whose private "continue" link has this token (the token is the access)."""
    return (
        Submission.objects.filter(continue_token_hash=token_hash)
        .exclude(continue_token_hash="")
        .first()
    )
