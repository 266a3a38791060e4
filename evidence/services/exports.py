"""Exports of a call's responses for the secretariat: rows streamed from a server-side cursor.

One row generator (`export_rows`) feeds both formats: the CSV streamed to the browser and the
XLSX workbook built in a background job, so the two always have the same columns.

Who may export: only people who manage the call (its body's secretariat, a site admin), and
they see who responded. Reviewers never export, not even their own queue, so an anonymised
review never leaks through a file. "Leave out respondent details" drops the name, email,
responding as, organisation and its type, place and the names of attached files, for a file
to be shared beyond the secretariat.

Scores: for each criterion still in the rubric, the mean of the reviewers' scores; and the
review total, the mean across reviewers of each review's total (the call's aggregate of the
criteria: weighted mean or median), as stored on the review.

Every cell is made safe for spreadsheets: text starting with = + - @, a tab or a carriage
return is prefixed with an apostrophe, so that a spreadsheet shows it instead of running it.
"""

import csv
import secrets
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Avg, F, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evidence.answers import answer_display, choice_options
from evidence.enums import ModerationState, PublicationPreference, QuestionKind
from evidence.models import (
    Answer,
    Attachment,
    CallForEvidence,
    Coding,
    Criterion,
    Question,
    Review,
    Score,
    Submission,
)
from evidence.selectors.exports import XLSX_JOB_KIND, export_jobs_for_call
from levelup.audit import audit_record
from levelup.enums import JobStatus
from levelup.jobs import JobError, job_enqueue
from levelup.models import Job

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


def export_criteria(*, call: CallForEvidence) -> list[Criterion]:
    """The rubric's criteria still in use, in the order reviewers see them."""
    return list(
        Criterion.objects.filter(call=call, removed_at__isnull=True).order_by("position", "pk")
    )


def moderation_label(*, publication_preference: str, state: str | None) -> str:
    """Where a response stands for publication: not for publication (the respondent asked
    for confidentiality), or its moderation decision (waiting, when none has been made)."""
    if publication_preference == PublicationPreference.CONFIDENTIAL:
        return _("Not for publication")
    return ModerationState(state or ModerationState.PENDING).label


def export_header(
    *,
    call: CallForEvidence,
    questions: list[Question],
    criteria: list[Criterion],
    include_identity: bool,
) -> list[str]:
    header = [_("Reference"), _("Sent at"), _("Status"), _("Channel")]
    if include_identity:
        header += [
            _("Name"),
            _("Email"),
            _("Responding as"),
            _("Organisation"),
            _("Organisation type"),
            _("Place"),
            _("File names"),
        ]
    header += [_("Publication"), _("Moderation"), _("Review state"), _("Themes")]
    header += [
        _("%(criterion)s: mean score") % {"criterion": criterion.name} for criterion in criteria
    ]
    header.append(
        _("Review total (%(aggregate)s of the criteria, mean across reviewers)")
        % {"aggregate": call.get_score_aggregate_display().lower()}
    )
    header += [question.text for question in questions]
    return [cell_safe(cell) for cell in header]


def export_submissions(*, call: CallForEvidence, include_identity: bool):
    """Sent responses, oldest first, each read in one row with its answers, themes, scores,
    moderation (and file names, with respondent details): no query per response."""
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
    # Each criterion's mean over the reviewers who scored it (criteria still in the rubric).
    criterion_means = (
        Score.objects.filter(review__submission=OuterRef("pk"), criterion__removed_at__isnull=True)
        .order_by()
        .values("criterion_id")
        .annotate(json=JSONObject(c="criterion_id", m=Avg("value")))
        .values("json")
    )
    submissions = (
        Submission.objects.filter(call=call, number__isnull=False)
        .annotate(
            export_answers=ArraySubquery(answers),
            export_themes=ArraySubquery(themes),
            export_score=Subquery(mean_total),
            export_criteria=ArraySubquery(criterion_means),
            export_moderation=F("moderation__state"),
        )
        .order_by("number")
    )
    # Only the columns the export shows (not, e.g., the search vector).
    fields = [
        "reference",
        "submitted_at",
        "status",
        "channel",
        "publication_preference",
        "review_state",
    ]
    if not include_identity:
        return submissions.only(*fields)
    files = (
        Attachment.objects.filter(submission=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("original_name")
    )
    return (
        submissions.select_related("place")
        .annotate(export_files=ArraySubquery(files))
        .only(
            *fields,
            "respondent_name",
            "respondent_email",
            "responding_as",
            "organisation_name",
            "organisation_type",
            "place__name",
        )
    )


def _score(value) -> str:
    return "" if value is None else f"{value:.2f}"


def export_rows(
    *, call: CallForEvidence, include_identity: bool, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """The header, then one row per sent response, read through a server-side cursor."""
    questions = export_questions(call=call)
    criteria = export_criteria(call=call)
    yield export_header(
        call=call, questions=questions, criteria=criteria, include_identity=include_identity
    )
    submissions = export_submissions(call=call, include_identity=include_identity)
    # Inside a transaction the cursor hands rows over as PostgreSQL finds them; outside
    # one, Django declares it WITH HOLD and PostgreSQL runs the whole query first. JIT
    # compiling costs seconds before the first row and saves nothing on this plan.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield from _export_data_rows(
            submissions.iterator(chunk_size=chunk_size),
            questions=questions,
            criteria=criteria,
            include_identity=include_identity,
        )


def _labels(field_name: str) -> dict[str, str]:
    """A submission field's choices as words, translated once for the whole export."""
    field = Submission._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


def _export_data_rows(submissions, *, questions, criteria, include_identity):
    # Labels are looked up once: translating them for every cell of 100,000 rows was most
    # of the export's time.
    labels = {
        name: _labels(name)
        for name in (
            "status",
            "channel",
            "responding_as",
            "organisation_type",
            "publication_preference",
            "review_state",
        )
    }
    moderation = {
        (preference, state): moderation_label(publication_preference=preference, state=state)
        for preference in PublicationPreference.values
        for state in [None, *ModerationState.values]
    }
    scale_labels = {
        question.pk: dict(choice_options(question))
        for question in questions
        if question.kind == QuestionKind.SCALE
    }
    for submission in submissions:
        by_question = {a["q"]: a for a in submission.export_answers or []}
        sent_at = timezone.localtime(submission.submitted_at) if submission.submitted_at else None
        row = [
            submission.reference,
            sent_at.strftime("%Y-%m-%d %H:%M") if sent_at else "",
            labels["status"].get(submission.status, submission.status),
            labels["channel"].get(submission.channel, submission.channel),
        ]
        if include_identity:
            row += [
                submission.respondent_name,
                submission.respondent_email,
                labels["responding_as"].get(submission.responding_as, submission.responding_as),
                submission.organisation_name,
                labels["organisation_type"].get(
                    submission.organisation_type, submission.organisation_type
                ),
                submission.place.name if submission.place else "",
                "; ".join(submission.export_files or []),
            ]
        means = {item["c"]: item["m"] for item in submission.export_criteria or []}
        preference = submission.publication_preference
        row += [
            labels["publication_preference"].get(preference, preference),
            moderation[(preference, submission.export_moderation)],
            labels["review_state"].get(submission.review_state, submission.review_state),
            "; ".join(submission.export_themes or []),
        ]
        row += [_score(means.get(criterion.pk)) for criterion in criteria]
        row.append(_score(submission.export_score))
        for question in questions:
            answer = by_question.get(question.pk)
            if answer is None:
                shown = ""
            elif question.pk in scale_labels:
                shown = (
                    scale_labels[question.pk].get(answer["t"], answer["t"]) if answer["t"] else ""
                )
            else:
                shown = answer_display(
                    question, SimpleNamespace(text=answer["t"], values=answer["v"] or [])
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


# ---------------------------------------------------------------------------------------------
# XLSX: built in a background job, kept for a day in private storage

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How long a built workbook may be downloaded; then the sweeper deletes its file.
EXPORT_LIFETIME = timedelta(hours=24)
EXPORTS_DIR = "exports"


@transaction.atomic
def export_xlsx_start(*, actor, call: CallForEvidence, include_identity: bool) -> Job:
    """Queue the building of the call's responses as an XLSX workbook.

    A second request while the same person's same export is still waiting or running (a
    double click, a resent form) returns that job instead of starting another: the call's
    row is locked, so two requests at once cannot both start one.
    """
    CallForEvidence.objects.select_for_update().filter(pk=call.pk).first()
    unfinished = (
        export_jobs_for_call(call=call)
        .filter(
            created_by=actor,
            params__respondent_details=include_identity,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if unfinished is not None:
        return unfinished
    job = job_enqueue(
        actor=actor,
        kind=XLSX_JOB_KIND,
        target=call,
        params={"respondent_details": include_identity},
        total=Submission.objects.filter(call=call, number__isnull=False).count(),
    )
    export_record(actor=actor, call=call, file_format="xlsx", include_identity=include_identity)
    return job


def xlsx_cell(text: str) -> str:
    """A CSV cell (already neutralised by `cell_safe`) as text a workbook may hold: without
    the control characters XML cannot carry."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def export_xlsx_write(
    *, call: CallForEvidence, include_identity: bool, out, progress=None, every: int = CHUNK_SIZE
) -> int:
    """Write the export's rows (the same as the CSV's) to `out` as a workbook, in openpyxl's
    write-only mode (rows go to disk as they come); returns the number of responses."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Responses")))
    count = -1
    for count, row in enumerate(export_rows(call=call, include_identity=include_identity)):
        sheet.append([xlsx_cell(cell) for cell in row])
        if progress is not None and count and count % every == 0:
            progress(count)
    workbook.save(out)
    return max(count, 0)


def export_xlsx_job(*, run) -> dict:
    """The job's body: build the workbook in a temporary file, then store it privately."""
    call = run.target
    if call is None:
        raise JobError(_("The call has been deleted."))
    include_identity = bool(run.params.get("respondent_details"))
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        rows = export_xlsx_write(
            call=call,
            include_identity=include_identity,
            out=out,
            progress=lambda done: run.progress(done),
        )
        out.seek(0)
        name = storages["private"].save(
            f"{EXPORTS_DIR}/{secrets.token_urlsafe(24)}.xlsx", File(out)
        )
    run.progress(rows, rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return {"path": name, "rows": rows, "filename": f"{call.slug}-responses-{stamp}.xlsx"}


def export_expires_at(job: Job):
    return job.finished_at + EXPORT_LIFETIME if job.finished_at else None


def export_is_expired(job: Job, *, now=None) -> bool:
    """A built workbook may be downloaded for a day after it was finished."""
    if job.result.get("expired"):
        return True
    expires = export_expires_at(job)
    return expires is not None and expires <= (now or timezone.now())


def export_download_record(*, actor, job: Job):
    """Note in the audit log that someone downloaded a built export."""
    return audit_record(
        actor=actor,
        action="call.responses_export_download",
        target=job.target,
        changes={
            "format": "xlsx",
            "job": job.pk,
            "respondent_details": bool(job.params.get("respondent_details")),
        },
    )


def exports_expire(*, now=None) -> int:
    """Delete the files of exports older than a day (run by beat every hour); the job rows
    stay, marked expired, so their pages can say so. Returns the files deleted."""
    now = now or timezone.now()
    expired = Job.objects.filter(
        kind=XLSX_JOB_KIND,
        status=JobStatus.DONE,
        finished_at__lte=now - EXPORT_LIFETIME,
        result__has_key="path",
    ).exclude(result__contains={"expired": True})
    deleted = 0
    for job in expired.iterator():
        storages["private"].delete(job.result["path"])
        job.result = {**job.result, "expired": True}
        job.save(update_fields=["result", "updated_at"])
        deleted += 1
    return deleted
