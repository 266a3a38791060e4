"""Exports of a call's responses for the secretariat: rows streamed from a server-side cursor.

Every cell is made safe for spreadsheets: text starting with = + - @, a tab or a carriage
return is prefixed with an apostrophe, so that a spreadsheet shows it instead of running it.
"""

import csv
from collections.abc import Iterator
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Avg, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.answers import answer_display
from evidence.models import Answer, CallForEvidence, Coding, Question, Review, Submission
from levelup.audit import audit_record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def cell_safe(value) -> str:
    """The value as spreadsheet text that cannot start a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_questions(*, call: CallForEvidence) -> list[Question]:
    return list(Question.objects.filter(call=call).order_by("section__position", "position", "pk"))


def export_header(*, questions: list[Question], include_identity: bool) -> list[str]:
    header = [_("Reference"), _("Sent at"), _("Status"), _("Channel")]
    if include_identity:
        header += [
            _("Name"),
            _("Email"),
            _("Responding as"),
            _("Organisation"),
            _("Organisation type"),
            _("Place"),
        ]
    header += [_("Publication"), _("Review state"), _("Themes"), _("Mean review total")]
    header += [question.text for question in questions]
    return [cell_safe(cell) for cell in header]


def export_submissions(*, call: CallForEvidence):
    """Sent responses, oldest first, each with its answers, themes and mean score in one row."""
    answers = Answer.objects.filter(submission=OuterRef("pk")).values(
        json=JSONObject(q="question_id", t="text", v="values")
    )
    themes = (
        Coding.objects.filter(submission=OuterRef("pk"), removed_at__isnull=True)
        .order_by("theme__name")
        .values("theme__name")
    )
    mean_total = (
        Review.objects.filter(submission=OuterRef("pk"), total__isnull=False)
        .values("submission")
        .annotate(mean=Avg("total"))
        .values("mean")
    )
    return (
        Submission.objects.filter(call=call, number__isnull=False)
        .select_related("place")
        .annotate(
            export_answers=ArraySubquery(answers),
            export_themes=ArraySubquery(themes),
            export_score=Subquery(mean_total),
        )
        .order_by("number")
    )


def export_rows(
    *, call: CallForEvidence, include_identity: bool, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """The header, then one row per sent response, read through a server-side cursor."""
    questions = export_questions(call=call)
    yield export_header(questions=questions, include_identity=include_identity)
    for submission in export_submissions(call=call).iterator(chunk_size=chunk_size):
        by_question = {a["q"]: a for a in submission.export_answers or []}
        sent_at = timezone.localtime(submission.submitted_at) if submission.submitted_at else None
        row = [
            submission.reference,
            sent_at.strftime("%Y-%m-%d %H:%M") if sent_at else "",
            submission.get_status_display(),
            submission.get_channel_display(),
        ]
        if include_identity:
            row += [
                submission.respondent_name,
                submission.respondent_email,
                submission.get_responding_as_display(),
                submission.organisation_name,
                submission.get_organisation_type_display(),
                submission.place.name if submission.place else "",
            ]
        score = submission.export_score
        row += [
            submission.get_publication_preference_display(),
            submission.get_review_state_display(),
            "; ".join(submission.export_themes or []),
            f"{score:.2f}" if score is not None else "",
        ]
        for question in questions:
            answer = by_question.get(question.pk)
            shown = (
                answer_display(
                    question, SimpleNamespace(text=answer["t"], values=answer["v"] or [])
                )
                if answer
                else ""
            )
            row.append(shown)
        yield [cell_safe(cell) for cell in row]


class _Echo:
    """A file-like object whose write returns the text, for csv.writer over a stream."""

    def write(self, value):
        return value


def export_csv_chunks(*, call: CallForEvidence, include_identity: bool) -> Iterator[str]:
    """CSV text, a row at a time, with a byte-order mark so spreadsheets read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in export_rows(call=call, include_identity=include_identity):
        yield writer.writerow(row)


def export_record(*, actor, call: CallForEvidence, file_format: str, include_identity: bool):
    """Note in the audit log that someone exported the call's responses."""
    return audit_record(
        actor=actor,
        action="call.responses_export",
        target=call,
        changes={"format": file_format, "respondent_details": include_identity},
    )
