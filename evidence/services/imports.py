"""Importing responses from a CSV or XLSX file exported from another survey tool.

Steps: `import_upload` keeps the file and reads its column names; `import_map` stores what
each column holds and runs the dry run (`import_check`), listing every row's problems;
`import_start` records a background job (`levelup.Job`, kind "evidence.import"), whose
task calls `import_run_job` → `import_run`: every row or none. The job's row carries the
progress the page shows, the attempts and, when it fails for good, the reason;
`import_retry` tries a failed import again.

Each row becomes a submitted response with channel "import" through
`submission_enter_with_consent`. Its import key is the file's own response id when a column
gives one, else a hash of the row's mapped cells, so importing the same file again adds
nothing twice (the key is unique per call).
"""

import csv
import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.answers import answer_problems, choice_options
from evidence.enums import (
    ImportStatus,
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    SubmissionChannel,
)
from evidence.files import UnsafeArchive, check_archive
from evidence.models import CallForEvidence, ImportJob, Question, Submission
from levelup.audit import audit_record
from levelup.enums import BusinessSize, JobStatus, OrganisationType
from levelup.jobs import JobError, JobRun, job_enqueue, job_retry
from levelup.models import Job, Place, User
from levelup.selectors import job_latest

from .on_behalf import submission_enter_with_consent

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
XLSX_MAGIC = b"PK\x03\x04"

# What a column can hold, besides the call's questions ("q<id>").
DETAIL_TARGETS = {
    "external_id": gettext_lazy("Response ID in the other tool"),
    "respondent_name": gettext_lazy("Respondent's name"),
    "respondent_email": gettext_lazy("Respondent's email address"),
    "responding_as": gettext_lazy("Responding as (individual or organisation)"),
    "organisation_name": gettext_lazy("Organisation name"),
    "organisation_type": gettext_lazy("Organisation type"),
    "organisation_size": gettext_lazy("Business size"),
    "place": gettext_lazy("Place"),
    "publication_preference": gettext_lazy("Publication preference"),
    "consent": gettext_lazy("Agreed to the privacy notice (yes/no)"),
    "received_at": gettext_lazy("Date the response was sent"),
}

YES = {"yes", "y", "true", "1", "agreed", "i agree", "x"}


def _questions(call: CallForEvidence) -> list[Question]:
    questions = list(
        Question.objects.filter(call=call)
        .exclude(kind=QuestionKind.FILE)
        .order_by("section__position", "section_id", "position", "pk")
    )
    for question in questions:
        question.call = call
    return questions


def import_targets(*, call: CallForEvidence) -> list[tuple[str, str]]:
    """The choices for each column: respondent details, then the questions in order."""
    targets = [(key, str(label)) for key, label in DETAIL_TARGETS.items()]
    targets += [
        (f"q{q.pk}", _("Question: %(text)s") % {"text": q.text[:100]}) for q in _questions(call)
    ]
    return targets


def import_guess_mapping(*, call: CallForEvidence, columns: list[str]) -> dict[str, str]:
    """A first guess: a column named like a detail or a question's text fills it."""
    names = {str(label).lower(): key for key, label in DETAIL_TARGETS.items()}
    names.update({key.replace("_", " "): key for key in DETAIL_TARGETS})
    names.update(
        {
            "name": "respondent_name",
            "full name": "respondent_name",
            "email": "respondent_email",
            "id": "external_id",
            "organisation": "organisation_name",
            "organization": "organisation_name",
            "type": "organisation_type",
        }
    )
    names.update({q.text.strip().lower(): f"q{q.pk}" for q in _questions(call)})
    guess, used = {}, set()
    for index, column in enumerate(columns):
        key = names.get(column.strip().lower())
        if key and key not in used:
            guess[str(index)] = key
            used.add(key)
    return guess


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not readable text. Save it as CSV (UTF-8) or XLSX."))


def import_read(*, data: bytes, file_format: str) -> tuple[list[str], Iterator[list[str]]]:
    """The column names and the rows (lists of text) of a CSV or XLSX file."""
    if file_format == "xlsx":
        from openpyxl import load_workbook

        try:
            check_archive(data)
        except UnsafeArchive as exc:
            raise ValidationError(str(exc)) from None
        except zipfile.BadZipFile:
            raise ValidationError(_("The Excel file could not be read: is it damaged?")) from None
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("The Excel file could not be read: is it damaged?")) from exc
        rows = (
            [_cell(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)
        )
    else:
        rows = _csv_rows(_decode(data))
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    columns = [_cell(c) for c in header]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise ValidationError(_("The first row must hold the column names."))
    width = len(columns)
    body = (
        ([_cell(c) for c in row] + [""] * width)[:width]
        for row in rows
        if any(_cell(c) for c in row)
    )
    return columns, body


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file could not be read: %(error)s") % {"error": exc}
        ) from exc


def _format_of(name: str, data: bytes) -> str:
    """Decided by content: an XLSX is a zip; anything else must be text (CSV)."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if name.lower().endswith(".xlsx"):
        raise ValidationError(_("This is not an Excel (XLSX) file."))
    if b"\x00" in data[:4096]:
        raise ValidationError(_("This is not a CSV or XLSX file."))
    return "csv"


@transaction.atomic
def import_upload(*, actor: User, call: CallForEvidence, uploaded_file) -> ImportJob:
    """Keep the file privately and read its column names. Nothing is imported yet."""
    if uploaded_file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB. Split it up.")})
    data = uploaded_file.read()
    try:
        file_format = _format_of(uploaded_file.name, data)
        columns, rows = import_read(data=data, file_format=file_format)
        total = sum(1 for _row in rows)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    if total == 0:
        raise ValidationError({"file": _("The file has column names but no rows.")})
    if total > MAX_IMPORT_ROWS:
        raise ValidationError(
            {"file": _("The file has more than %(n)s rows.") % {"n": f"{MAX_IMPORT_ROWS:,}"}}
        )
    job = ImportJob(
        call=call,
        created_by=actor,
        file_format=file_format,
        original_name=uploaded_file.name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        columns=columns,
        total_rows=total,
        mapping=import_guess_mapping(call=call, columns=columns),
    )
    job.file.save(f"upload.{file_format}", ContentFile(data), save=False)
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="evidence.import.upload",
        target=job,
        changes={"file": job.original_name, "rows": total, "sha256": job.sha256},
    )
    return job


class _Lookup:
    """Everything a row is checked against, loaded once per file."""

    def __init__(self, call: CallForEvidence):
        self.call = call
        self.questions = {f"q{q.pk}": q for q in _questions(call)}
        self.places: dict[str, Place] = {}
        for place in Place.objects.all():
            self.places[place.name.lower()] = place
            self.places[place.slug.lower()] = place

    @staticmethod
    def choice(value: str, choices) -> str | None:
        wanted = value.strip().lower()
        for key, label in choices:
            if wanted in (str(key).lower(), str(label).lower()):
                return key
        for key, label in choices:
            if str(label).lower().startswith(wanted):
                return key
        return None


def _date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(value, fmt))
        except ValueError:
            continue
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return timezone.make_aware(datetime.combine(datetime.strptime(value, fmt), time(12)))
        except ValueError:
            continue
    return None


def _row_key(mapping: dict[str, str], row: list[str]) -> str:
    for index, target in mapping.items():
        if target == "external_id" and row[int(index)]:
            return f"id:{row[int(index)]}"[:100]
    # By what each cell holds, not by column order, so a re-ordered export matches too.
    cells = sorted(f"{target}={row[int(index)]}" for index, target in mapping.items())
    return "row:" + hashlib.sha256("\x1f".join(cells).encode()).hexdigest()


def _parse_row(lookup: _Lookup, mapping: dict[str, str], row: list[str]) -> tuple[dict, list[str]]:
    """One row as the arguments of `submission_enter_with_consent`, and its problems."""
    values = {target: row[int(index)] for index, target in mapping.items()}
    problems: list[str] = []
    details: dict[str, Any] = {}
    for field in ("respondent_name", "organisation_name"):
        details[field] = values.get(field, "")[: 300 if field == "organisation_name" else 200]
    email = values.get("respondent_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not an email address.") % {"value": email})
        else:
            details["respondent_email"] = email.lower()
    if values.get("responding_as"):
        chosen = lookup.choice(values["responding_as"], RespondingAs.choices)
        if chosen is None and values["responding_as"].lower().startswith("org"):
            chosen = RespondingAs.ORGANISATION
        if chosen is None:
            problems.append(_("Say “individual” or “organisation” in Responding as."))
        details["responding_as"] = chosen or ""
    else:
        details["responding_as"] = (
            RespondingAs.ORGANISATION if details["organisation_name"] else RespondingAs.INDIVIDUAL
        )
    if values.get("organisation_type"):
        chosen = lookup.choice(values["organisation_type"], OrganisationType.choices)
        if chosen is None:
            problems.append(
                _("“%(value)s” is not an organisation type we know.")
                % {"value": values["organisation_type"]}
            )
        details["organisation_type"] = chosen or ""
    if values.get("organisation_size"):
        chosen = lookup.choice(values["organisation_size"], BusinessSize.choices)
        if chosen is None:
            problems.append(
                _("“%(value)s” is not a business size (micro, small, medium or large).")
                % {"value": values["organisation_size"]}
            )
        elif details.get("organisation_type") != OrganisationType.BUSINESS:
            problems.append(_("Only a business has a size."))
        details["organisation_size"] = chosen or ""
    if details["responding_as"] == RespondingAs.INDIVIDUAL:
        details.update(organisation_name="", organisation_type="", organisation_size="")
    if not (details["respondent_name"] or details["organisation_name"]):
        problems.append(_("The respondent's name is empty."))
    if values.get("place"):
        place = lookup.places.get(values["place"].strip().lower())
        if place is None:
            problems.append(_("“%(value)s” is not a place we know.") % {"value": values["place"]})
        details["place"] = place
    preference = values.get("publication_preference", "")
    if preference:
        chosen = lookup.choice(preference, PublicationPreference.choices)
        if chosen is None:
            problems.append(
                _("“%(value)s” is not a publication preference (named, anonymous, confidential).")
                % {"value": preference}
            )
        details["publication_preference"] = chosen or ""
    else:
        # Nobody said we may publish, so we do not.
        details["publication_preference"] = PublicationPreference.CONFIDENTIAL
    received_at = timezone.now()
    if values.get("received_at"):
        parsed = _date(values["received_at"])
        if parsed is None:
            problems.append(
                _("“%(value)s” is not a date (use 2026-03-31 or 31/03/2026).")
                % {"value": values["received_at"]}
            )
        else:
            received_at = parsed
    answers: dict[Question, dict[str, Any]] = {}
    for key, question in lookup.questions.items():
        raw = values.get(key, "")
        answer = _answer(lookup, question, raw, problems)
        if key in values:
            answers[question] = answer
        empty = not (answer.get("text") or answer.get("values"))
        if question.required and empty:
            problems.append(
                _("No answer to the required question “%(question)s”.")
                % {"question": question.text[:80]}
            )
    return (
        {
            "details": details,
            "answers": answers,
            "consented": values.get("consent", "").strip().lower() in YES,
            "received_at": received_at,
            "import_key": _row_key(mapping, row),
        },
        problems,
    )


def _answer(lookup: _Lookup, question: Question, raw: str, problems: list[str]) -> dict:
    raw = raw.strip()
    if not raw:
        return {"text": "", "values": []}
    label = question.text[:60]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        chosen = lookup.choice(raw, choice_options(question))
        if chosen is None:
            problems.append(
                _("“%(value)s” is not an option of “%(question)s”.")
                % {"value": raw, "question": label}
            )
            return {"text": raw, "values": []}
        answer = {"text": chosen, "values": []}
    elif question.kind == QuestionKind.MULTIPLE_CHOICE:
        parts = [p.strip() for p in raw.replace("\n", ";").split(";") if p.strip()]
        chosen_values = []
        for part in parts:
            chosen = lookup.choice(part, choice_options(question))
            if chosen is None:
                problems.append(
                    _("“%(value)s” is not an option of “%(question)s”.")
                    % {"value": part, "question": label}
                )
            else:
                chosen_values.append(chosen)
        return {"text": "", "values": chosen_values}
    else:
        answer = {"text": raw, "values": []}
    problems.extend(
        f"“{label}”: {problem}"
        for problem in answer_problems(question, text=answer["text"], values=answer["values"])
    )
    return answer


def _rows(job: ImportJob) -> Iterator[list[str]]:
    with job.file.open("rb") as handle:
        data = handle.read()
    _columns, rows = import_read(data=data, file_format=job.file_format)
    return rows


def import_sample(*, job: ImportJob) -> list[str]:
    """The file's first row, to show beside each column while mapping (none if the file
    cannot be read: the mapping page still works without it)."""
    try:
        return next(iter(_rows(job)), [])
    except (ValidationError, OSError):
        return []


def import_check(*, job: ImportJob) -> list[dict]:
    """The dry run: every row's problems, as [{"row": <line in the file>, "problems": [...]}].

    Rows are numbered as a spreadsheet shows them (the column names are row 1).
    """
    _parsed_rows, errors = _parse_rows(job)
    return errors


def _parse_rows(job: ImportJob) -> tuple[list[dict], list[dict]]:
    """Every row parsed, and the problems of those that have any (as `import_check` gives them).

    A response ID given on two rows of one file is a problem of the later row: the file, not
    an earlier import, would otherwise decide silently which of the two is kept.
    """
    lookup = _Lookup(job.call)
    parsed_rows, errors = [], []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(_rows(job), start=2):
        parsed, problems = _parse_row(lookup, job.mapping, row)
        key = parsed["import_key"]
        if key.startswith("id:"):
            if key in first_row_of:
                problems.append(
                    _(
                        "Response ID “%(value)s” appears more than once in this file "
                        "(first on row %(row)s)."
                    )
                    % {"value": key.removeprefix("id:"), "row": first_row_of[key]}
                )
            else:
                first_row_of[key] = number
        if problems:
            errors.append({"row": number, "problems": problems})
        parsed_rows.append(parsed)
    return parsed_rows, errors


@transaction.atomic
def import_map(*, actor: User, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Store what each column holds and run the dry run. Can be redone until the import starts."""
    job = ImportJob.objects.select_for_update().select_related("call").get(pk=job.pk)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID):
        raise ValidationError(_("This import has started; upload the file again to redo it."))
    allowed = {key for key, _label in import_targets(call=job.call)}
    unknown = set(mapping.values()) - allowed
    if unknown or any(int(index) >= len(job.columns) for index in mapping):
        raise ValidationError(_("Choose from the options given."))
    job.mapping = mapping
    job.errors = import_check(job=job)
    job.status = ImportStatus.INVALID if job.errors else ImportStatus.CHECKED
    job.save(update_fields=["mapping", "errors", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.import.check",
        target=job,
        changes={"mapping": mapping, "rows_with_problems": len(job.errors)},
    )
    return job


IMPORT_JOB_KIND = "evidence.import"


@transaction.atomic
def import_start(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the import as a background job (sent after commit). Only a file whose dry run
    found no problem."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Check the file first: every row must be ready to import."))
    job.status = ImportStatus.QUEUED
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    audit_record(actor=actor, action="evidence.import.start", target=job)
    job_enqueue(actor=actor, kind=IMPORT_JOB_KIND, target=job, total=job.total_rows)
    return job


def import_can_retry(job: ImportJob) -> bool:
    """A failed import can be tried again as it is unless a row of the file has a problem
    (then the file must be mended and uploaded again)."""
    return job.status == ImportStatus.FAILED and not any(e.get("row") for e in job.errors)


@transaction.atomic
def import_retry(*, actor: User, job: ImportJob) -> ImportJob:
    """Try a failed import again (its background job queued afresh)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not import_can_retry(job):
        raise ValidationError(
            _("Only an import that stopped without a problem in its rows can be tried again.")
        )
    previous = job.errors
    job.status = ImportStatus.QUEUED
    job.processed_rows = 0
    job.errors = []
    job.finished_at = None
    job.save(update_fields=["status", "processed_rows", "errors", "finished_at", "updated_at"])
    audit_record(
        actor=actor, action="evidence.import.retry", target=job, changes={"errors": previous}
    )
    background = job_latest(target=job, kind=IMPORT_JOB_KIND)
    if background is not None and background.status == JobStatus.FAILED:
        job_retry(actor=actor, job=background)
    else:  # an import that failed before it ran as a background job
        job_enqueue(actor=actor, kind=IMPORT_JOB_KIND, target=job, total=job.total_rows)
    return job


def import_run_job(*, run: JobRun) -> dict:
    """The background job's body: run the import, and tell the job how it went."""
    job = import_run(job_id=run.job.object_id, run=run)
    if job is None:
        status = (
            ImportJob.objects.filter(pk=run.job.object_id).values_list("status", flat=True).first()
        )
        if status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            # Another session still holds the import (a worker that is dying): later.
            raise RuntimeError(_("Another worker is still running this import."))
        return {}
    if job.status == ImportStatus.FAILED:
        raise JobError(_("Some rows have problems now; check the file again."))
    return {"created": job.created_count, "skipped": job.skipped_count}


def import_run_failed(background: Job) -> None:
    """The background job failed for good: so has the import, with its reason (nothing was
    imported: the rows are written in one transaction)."""
    job = ImportJob.objects.filter(
        pk=background.object_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).first()
    if job is not None:
        _import_failed(job, [background.error])


def _progress_write(job_id: int, processed: int) -> None:
    """Write progress where the progress page can read it while the import's own
    transaction is still open: through another connection (a short-lived thread's own),
    committed at once. The import stays all-or-nothing; only this counter is seen early."""

    def write() -> None:
        try:
            ImportJob.objects.filter(pk=job_id).update(processed_rows=processed)
        finally:
            connections.close_all()

    thread = threading.Thread(target=write, name=f"import-{job_id}-progress")
    thread.start()
    thread.join()


class _AlreadyRunning(Exception):
    """Another worker holds this import's lock (a task delivered twice)."""


class _RowProblems(Exception):
    def __init__(self, rows: list[dict]):
        super().__init__(f"{len(rows)} rows with problems")
        self.rows = rows


# The first key of PostgreSQL advisory locks taken by imports (the second is the job id).
IMPORT_LOCK_CLASS = 4_242


def import_run(*, job_id: int, run: JobRun | None = None) -> ImportJob | None:
    """Import every row of a queued job, or none. Returns None when there is nothing to do.

    Idempotent: a finished job is left alone, and so is one another worker is running (an
    advisory lock, held for the import's transaction). A job a killed worker left
    "running" runs again when its background job is taken over; its rolled-back rows were
    never written. Rows whose import key is in the call already (imported before) are
    counted, not added. A row that no longer passes the checks rolls everything back and
    marks the job failed with the reason. Any other error rolls everything back too; run as
    a background job (`run`), the import waits for its next attempt, else it fails at once.
    """
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("call__body", "created_by")
            .filter(pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
            .first()
        )
        if job is None:
            return None
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        _import_all(job, run)
    except _AlreadyRunning:
        return None
    except _RowProblems as exc:
        return _import_failed(
            job, [_("Some rows have problems now; check the file again.")], rows=exc.rows
        )
    except Exception as exc:
        if run is None:
            _import_failed(job, [_("The import stopped: %(error)s") % {"error": exc}])
        else:
            _import_requeued(job)
        raise
    return job


def _import_all(job: ImportJob, run: JobRun | None) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, job.pk])
            if not cursor.fetchone()[0]:
                raise _AlreadyRunning
        parsed_rows, errors = _parse_rows(job)
        if errors:
            raise _RowProblems(errors)
        step = max(len(parsed_rows) // 50, 1)
        created = skipped = 0
        seen = set(
            Submission.objects.filter(call=job.call)
            .exclude(import_key="")
            .values_list("import_key", flat=True)
        )
        for index, parsed in enumerate(parsed_rows, start=1):
            if parsed["import_key"] in seen:
                skipped += 1
            else:
                submission_enter_with_consent(
                    actor=job.created_by,
                    call=job.call,
                    channel=SubmissionChannel.IMPORT,
                    **parsed,
                )
                seen.add(parsed["import_key"])
                created += 1
            if index % step == 0 and index < len(parsed_rows):
                _progress_write(job.pk, index)
                if run is not None:
                    run.progress(index, len(parsed_rows))
        job.status = ImportStatus.DONE
        job.processed_rows = len(parsed_rows)
        job.created_count, job.skipped_count = created, skipped
        job.finished_at = timezone.now()
        job.errors = []
        job.save(
            update_fields=[
                "status",
                "processed_rows",
                "created_count",
                "skipped_count",
                "finished_at",
                "errors",
                "updated_at",
            ]
        )
        audit_record(
            actor=job.created_by,
            action="evidence.import.run",
            target=job,
            changes={"created": created, "skipped": skipped},
        )


def _import_requeued(job: ImportJob) -> None:
    """An attempt stopped on an error; its rows were rolled back. The background job tries
    again after a delay: until then the import is waiting again, from the first row."""
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.QUEUED, processed_rows=0, updated_at=timezone.now()
    )


def _import_failed(
    job: ImportJob, messages: list[str], rows: list[dict] | None = None
) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.status = ImportStatus.FAILED
        job.processed_rows = 0
        job.finished_at = timezone.now()
        job.errors = [*(rows or []), {"row": None, "problems": messages}]
        job.save(update_fields=["status", "processed_rows", "finished_at", "errors", "updated_at"])
        audit_record(
            actor=None, action="evidence.import.fail", target=job, changes={"why": messages}
        )
    return job
