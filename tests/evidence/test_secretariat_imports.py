"""Importing responses from CSV and XLSX: columns, dry run, all-or-nothing, no duplicates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from evidence.enums import ImportStatus, QuestionKind, SubmissionChannel, SubmissionStatus
from evidence.models import ImportJob, Submission
from evidence.services.imports import import_map, import_run, import_start, import_upload
from levelup.models import AuditEntry
from tests.factories import PlaceFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

HEADER = "ID,Full name,Email,Organisation,Type,Place,Q1,Q2,Q3\n"


@pytest.fixture
def questions(call):
    section = SectionFactory(call=call)
    return [
        QuestionFactory(section=section, text="What works?", required=True),
        QuestionFactory(
            section=section, kind=QuestionKind.SINGLE_CHOICE, choices=["Yes", "No"], text="Q2"
        ),
        QuestionFactory(
            section=section,
            kind=QuestionKind.MULTIPLE_CHOICE,
            choices=["Skills", "Transport", "Housing"],
            text="Q3",
        ),
    ]


@pytest.fixture
def blackpool(db):
    return PlaceFactory(name="Blackpool", slug="blackpool")


def _csv(text: str, name: str = "responses.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _mapping(questions) -> dict[str, str]:
    return {
        "0": "external_id",
        "1": "respondent_name",
        "2": "respondent_email",
        "3": "organisation_name",
        "4": "organisation_type",
        "5": "place",
        "6": f"q{questions[0].pk}",
        "7": f"q{questions[1].pk}",
        "8": f"q{questions[2].pk}",
    }


GOOD_ROWS = (
    "r1,Ann Lee,ann@example.org,,,Blackpool,Skills matter,yes,Skills; housing\n"
    "r2,Bob Kaur,bob@example.org,Kaur Bakery,Business,blackpool,More buses,No,Transport\n"
)


def _run(job):
    import_start(actor=job.created_by, job=job)
    return import_run(job_id=job.pk)


def test_upload_reads_columns_and_counts_rows(secretariat, call, questions):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))

    assert job.columns == [
        *["ID", "Full name", "Email", "Organisation", "Type", "Place"],
        *["Q1", "Q2", "Q3"],
    ]
    assert job.total_rows == 2
    assert job.file_format == "csv"
    expected = _mapping(questions)
    del expected["6"]  # "Q1" is not the first question's wording
    assert job.mapping == expected
    assert AuditEntry.objects.filter(action="evidence.import.upload").count() == 1


def test_upload_guesses_questions_by_their_wording(secretariat, call, questions):
    job = import_upload(
        actor=secretariat, call=call, uploaded_file=_csv("Name,What works?\nAnn,Skills\n")
    )

    assert job.mapping == {"0": "respondent_name", "1": f"q{questions[0].pk}"}


def test_dry_run_lists_every_rows_problems_and_imports_nothing(
    secretariat, call, questions, blackpool
):
    rows = (
        "r1,,not-an-email,,,Atlantis,,Maybe,Skills; Space travel\n"
        "r2,Bob,bob@example.org,Kaur Bakery,Spaceship,,Fine,,\n"
        "r3,Cat,cat@example.org,,,,Fine,,\n"
    )
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + rows))

    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))

    assert job.status == ImportStatus.INVALID
    assert job.errors == [
        {
            "row": 2,
            "problems": [
                "“not-an-email” is not an email address.",
                "The respondent's name is empty.",
                "“Atlantis” is not a place we know.",
                "No answer to the required question “What works?”.",
                "“Maybe” is not an option of “Q2”.",
                "“Space travel” is not an option of “Q3”.",
            ],
        },
        {"row": 3, "problems": ["“Spaceship” is not an organisation type we know."]},
    ]
    assert not Submission.objects.exists()
    with pytest.raises(Exception, match="Check the file first"):
        import_start(actor=secretariat, job=job)


def test_import_creates_submitted_responses_marked_as_imported(
    secretariat, call, questions, blackpool
):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))

    job = _run(job)

    assert (job.status, job.created_count, job.skipped_count, job.processed_rows) == (
        ImportStatus.DONE,
        2,
        0,
        2,
    )
    ann, bob = Submission.objects.filter(call=call).order_by("number")
    assert (ann.reference, ann.status, ann.channel, ann.entered_by) == (
        "TST0001",
        SubmissionStatus.SUBMITTED,
        SubmissionChannel.IMPORT,
        secretariat,
    )
    assert (ann.respondent_name, ann.place, ann.responding_as) == (
        "Ann Lee",
        blackpool,
        "individual",
    )
    assert (bob.organisation_name, bob.organisation_type, bob.responding_as) == (
        "Kaur Bakery",
        "business",
        "organisation",
    )
    answers = {a.question_id: (a.text, a.values) for a in ann.answers.all()}
    assert answers == {
        questions[0].pk: ("Skills matter", []),
        questions[1].pk: ("Yes", []),
        questions[2].pk: ("", ["Skills", "Housing"]),
    }
    assert ann.publication_preference == "confidential"
    assert ann.import_key == "id:r1"


def test_reimporting_the_same_file_adds_nothing(secretariat, call, questions, blackpool):
    for _attempt in range(2):
        job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
        job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))
        job = _run(job)

    assert Submission.objects.filter(call=call).count() == 2
    assert (job.created_count, job.skipped_count) == (0, 2)


def test_reimport_without_an_id_column_uses_row_content(secretariat, call, questions):
    text = "Name,Answer\nAnn,Skills\nBob,Buses\n"
    mapping = {"0": "respondent_name", "1": f"q{questions[0].pk}"}
    for _attempt in range(2):
        job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(text))
        job = _run(import_map(actor=secretariat, job=job, mapping=mapping))

    assert Submission.objects.filter(call=call).count() == 2


def test_import_is_all_or_nothing(secretariat, call, questions, blackpool):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))
    import_start(actor=secretariat, job=job)
    # The file was fine when checked; a place it names is gone by the time it runs.
    blackpool.delete()

    job = import_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert not Submission.objects.filter(call=call).exists()
    assert job.errors[-1] == {
        "row": None,
        "problems": ["Some rows have problems now; check the file again."],
    }


def test_import_run_twice_imports_once(secretariat, call, questions, blackpool):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = _run(import_map(actor=secretariat, job=job, mapping=_mapping(questions)))

    assert import_run(job_id=job.pk) is None
    assert Submission.objects.filter(call=call).count() == 2


def test_xlsx_file_is_read_like_csv(secretariat, call, questions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "What works?", "Q2"])
    sheet.append(["Ann", "Skills", "Yes"])
    sheet.append([None, None, None])
    sheet.append(["Bob", 42, "no"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("export.xlsx", buffer.getvalue())

    job = import_upload(actor=secretariat, call=call, uploaded_file=upload)
    job = _run(
        import_map(actor=secretariat, job=job, mapping=job.mapping | {"2": f"q{questions[1].pk}"})
    )

    assert (job.file_format, job.total_rows, job.created_count) == ("xlsx", 2, 2)
    bob = Submission.objects.get(respondent_name="Bob")
    assert sorted(a.text for a in bob.answers.all()) == ["42", "No"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("fake.xlsx", b"Name\nAnn\n", "This is not an Excel (XLSX) file."),
        ("header.csv", b"Name,Email\n", "The file has column names but no rows."),
        ("binary.csv", b"MZ\x90\x00\x03\x00\x00\x00", "This is not a CSV or XLSX file."),
        ("broken.xlsx", b"PK\x03\x04garbage", "The Excel file could not be read: is it damaged?"),
        (
            "huge.csv",
            b"Name\n" + b"x" * 200_000 + b"\n",
            "The CSV file could not be read: field larger than field limit (131072)",
        ),
    ],
)
def test_bad_files_are_refused_with_a_message(client, secretariat, call, name, content, message):
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-import-upload", kwargs={"slug": call.slug}),
        {"file": SimpleUploadedFile(name, content)},
    )

    assert response.context["form"].errors == {"file": [message]}
    assert not ImportJob.objects.exists()


def test_import_pages_walk_upload_map_check_and_progress(
    client, secretariat, call, questions, blackpool, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    upload = client.post(
        reverse("evidence:manage-import-upload", kwargs={"slug": call.slug}),
        {"file": _csv(HEADER + GOOD_ROWS)},
    )
    job = ImportJob.objects.get()
    assert upload["Location"] == reverse(
        "evidence:manage-import-map", kwargs={"slug": call.slug, "pk": job.pk}
    )
    mapping = {f"col{index}": target for index, target in _mapping(questions).items()}

    map_page = client.get(upload["Location"]).content.decode()
    checked = client.post(upload["Location"], mapping)
    check_page = client.get(checked["Location"])
    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(checked["Location"])
    queued = client.get(started["Location"])

    assert "First row: Ann Lee" in map_page
    assert "The dry run found no problems in 2 rows." in check_page.content.decode()
    assert len(callbacks) == 1
    assert "js/import-progress.js" in queued.content.decode()
    assert 'max="2"' in queued.content.decode()
    import_run(job_id=job.pk)
    done = client.get(started["Location"]).content.decode()
    assert "2 responses were added." in done
    assert "js/import-progress.js" not in done


def test_mapping_two_columns_to_one_thing_is_refused(client, secretariat, call, questions):
    client.force_login(secretariat)
    job = import_upload(
        actor=secretariat, call=call, uploaded_file=_csv("Name,Also name\nAnn,Ann\n")
    )

    response = client.post(
        reverse("evidence:manage-import-map", kwargs={"slug": call.slug, "pk": job.pk}),
        {"col0": "respondent_name", "col1": "respondent_name"},
    )

    assert response.context["form"].errors == {
        "col1": ["Two columns fill the same thing; choose one of them."]
    }


@pytest.mark.django_db(transaction=True)
def test_import_task_runs_on_the_real_worker(celery_worker_thread, settings, tmp_path):
    from tests.factories import CallForEvidenceFactory, UserFactory

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    user = UserFactory()
    call = CallForEvidenceFactory(open=True)
    question = QuestionFactory(section__call=call, text="What works?")
    job = import_upload(
        actor=user, call=call, uploaded_file=_csv("Name,What works?\nAnn,Skills\nBob,Buses\n")
    )
    job = import_map(actor=user, job=job, mapping=job.mapping)

    import_start(actor=user, job=job)

    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    assert job.status == ImportStatus.DONE
    assert sorted(
        Submission.objects.filter(call=call).values_list("respondent_name", flat=True)
    ) == [
        "Ann",
        "Bob",
    ]
    assert question.answers.count() == 2


def test_import_left_running_by_a_crashed_worker_runs_again(secretariat, call, questions):
    job = import_upload(
        actor=secretariat, call=call, uploaded_file=_csv("Name,What works?\nAnn,Buses\n")
    )
    job = import_map(actor=secretariat, job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    job = import_run(job_id=job.pk)

    assert job.status == ImportStatus.DONE
    assert Submission.objects.filter(call=call).count() == 1


def test_failed_import_lists_the_rows_that_broke(secretariat, call, questions, blackpool):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))
    import_start(actor=secretariat, job=job)
    blackpool.delete()

    job = import_run(job_id=job.pk)

    assert [error["row"] for error in job.errors] == [2, 3, None]
    assert job.errors[0]["problems"] == ["“Blackpool” is not a place we know."]


@pytest.mark.django_db(transaction=True)
def test_import_running_in_another_worker_is_left_alone(settings, tmp_path):
    import threading

    from django.db import connection, transaction

    from evidence.services.imports import IMPORT_LOCK_CLASS
    from tests.factories import CallForEvidenceFactory, UserFactory

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    user = UserFactory()
    call = CallForEvidenceFactory(open=True)
    QuestionFactory(section__call=call, text="What works?")
    job = import_upload(actor=user, call=call, uploaded_file=_csv("Name,What works?\nAnn,Buses\n"))
    job = import_map(actor=user, job=job, mapping=job.mapping)
    import_start(actor=user, job=job)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, job.pk])
            locked.set()
            release.wait(timeout=10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(timeout=10)
    try:
        result = import_run(job_id=job.pk)
    finally:
        release.set()
        thread.join(timeout=10)

    assert result is None
    assert not Submission.objects.filter(call=call).exists()


def _xlsx(rows: list[list], name: str = "export.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


XLSX_ROWS = [
    ["ID", "Name", "What works?", "Q2"],
    [101, "Ann", "Skills", "Yes"],
    [102, "Bob", 42, "no"],
]


@pytest.mark.parametrize("with_id", [True, False])
def test_reimporting_the_same_xlsx_file_adds_nothing(secretariat, call, questions, with_id):
    rows = XLSX_ROWS if with_id else [row[1:] for row in XLSX_ROWS]
    jobs = []
    for _attempt in range(2):
        job = import_upload(actor=secretariat, call=call, uploaded_file=_xlsx(rows))
        mapping = job.mapping | {str(len(rows[0]) - 1): f"q{questions[1].pk}"}
        jobs.append(_run(import_map(actor=secretariat, job=job, mapping=mapping)))

    assert [(j.created_count, j.skipped_count) for j in jobs] == [(2, 0), (0, 2)]
    assert Submission.objects.filter(call=call).count() == 2
    keys = sorted(Submission.objects.values_list("import_key", flat=True))
    if with_id:
        assert keys == ["id:101", "id:102"]
    else:
        assert all(key.startswith("row:") for key in keys)


def test_reimporting_a_csv_after_new_rows_were_added_imports_only_the_new_ones(
    secretariat, call, questions, blackpool
):
    first = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    _run(import_map(actor=secretariat, job=first, mapping=_mapping(questions)))
    longer = HEADER + GOOD_ROWS + "r3,Cat Ng,cat@example.org,,,,Parks,,\n"

    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(longer))
    job = _run(import_map(actor=secretariat, job=job, mapping=_mapping(questions)))

    assert (job.created_count, job.skipped_count) == (1, 2)
    assert sorted(Submission.objects.values_list("reference", flat=True)) == [
        "TST0001",
        "TST0002",
        "TST0003",
    ]


def test_a_row_failing_while_written_rolls_back_every_row(
    secretariat, call, questions, blackpool, monkeypatch
):
    from evidence.models import ReferenceCounter
    from evidence.services import imports

    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))
    import_start(actor=secretariat, job=job)
    real_enter = imports.submission_enter_with_consent
    written = []

    def enter_then_break(**kwargs):
        if written:  # the first row went in; the second breaks
            raise RuntimeError("disk full")
        written.append(real_enter(**kwargs))
        return written[-1]

    monkeypatch.setattr(imports, "submission_enter_with_consent", enter_then_break)

    with pytest.raises(RuntimeError, match="disk full"):
        import_run(job_id=job.pk)

    job.refresh_from_db()
    assert len(written) == 1
    assert not Submission.objects.filter(call=call).exists()
    assert not ReferenceCounter.objects.filter(call=call, last_number__gt=0).exists()
    assert (job.status, job.processed_rows, job.created_count) == (ImportStatus.FAILED, 0, 0)
    assert job.errors == [{"row": None, "problems": ["The import stopped: disk full"]}]
    assert not AuditEntry.objects.filter(action="evidence.submission.enter_on_behalf").exists()
    assert AuditEntry.objects.filter(action="evidence.import.fail").count() == 1


def test_one_bad_row_among_good_ones_imports_nothing(secretariat, call, questions, blackpool):
    rows = GOOD_ROWS + "r3,Cat,cat@example.org,,,Atlantis,Parks,,\n"
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + rows))

    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))

    assert job.errors == [{"row": 4, "problems": ["“Atlantis” is not a place we know."]}]
    with pytest.raises(Exception, match="Check the file first"):
        import_start(actor=secretariat, job=job)
    assert import_run(job_id=job.pk) is None  # never queued: the task does nothing
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_runs_and_rows_only_at_the_end(
    settings, tmp_path, monkeypatch
):
    import threading

    from django.db import connection

    from evidence.services import imports
    from tests.factories import CallForEvidenceFactory, UserFactory

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    user = UserFactory()
    call = CallForEvidenceFactory(open=True)
    QuestionFactory(section__call=call, text="What works?")
    text = "Name,What works?\n" + "".join(f"Person {n},Answer {n}\n" for n in range(100))
    job = import_upload(actor=user, call=call, uploaded_file=_csv(text))
    job = import_map(actor=user, job=job, mapping=job.mapping)
    import_start(actor=user, job=job)
    seen = []  # (rows done, responses visible) as the progress page would read them
    real_write = imports._progress_write

    def write_and_look(job_id, processed):
        real_write(job_id, processed)

        def look():
            try:
                seen.append(
                    (
                        ImportJob.objects.get(pk=job_id).processed_rows,
                        Submission.objects.filter(call=call).count(),
                    )
                )
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()

    monkeypatch.setattr(imports, "_progress_write", write_and_look)

    job = import_run(job_id=job.pk)

    assert job.status == ImportStatus.DONE
    assert [done for done, _visible in seen] == list(range(2, 100, 2))
    assert {visible for _done, visible in seen} == {0}  # all or nothing: none seen early
    assert Submission.objects.filter(call=call).count() == 100


def test_every_step_of_an_import_is_audited(secretariat, call, questions, blackpool):
    job = import_upload(actor=secretariat, call=call, uploaded_file=_csv(HEADER + GOOD_ROWS))
    job = _run(import_map(actor=secretariat, job=job, mapping=_mapping(questions)))

    trail = [
        (entry.action, entry.actor_id)
        for entry in AuditEntry.objects.filter(object_id=str(job.pk))
        .filter(action__startswith="evidence.import.")
        .order_by("id")
    ]
    assert trail == [
        ("evidence.import.upload", secretariat.pk),
        ("evidence.import.check", secretariat.pk),
        ("evidence.import.start", secretariat.pk),
        ("evidence.import.run", secretariat.pk),
    ]
    run = AuditEntry.objects.get(action="evidence.import.run")
    assert run.changes == {"created": 2, "skipped": 0}
    assert AuditEntry.objects.filter(action="evidence.submission.enter_on_behalf").count() == 2


DUPLICATE_ID_ROWS = (
    GOOD_ROWS + "r1,Ann Lee,ann.lee@example.org,,,Blackpool,Also skills,yes,Skills\n"
)


def test_dry_run_reports_a_response_id_used_twice_in_one_file(
    secretariat, call, questions, blackpool
):
    job = import_upload(
        actor=secretariat, call=call, uploaded_file=_csv(HEADER + DUPLICATE_ID_ROWS)
    )

    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))

    assert job.status == ImportStatus.INVALID
    assert job.errors == [
        {
            "row": 4,
            "problems": ["Response ID “r1” appears more than once in this file (first on row 2)."],
        }
    ]


def test_import_refuses_a_file_with_a_response_id_used_twice(
    secretariat, call, questions, blackpool
):
    job = import_upload(
        actor=secretariat, call=call, uploaded_file=_csv(HEADER + DUPLICATE_ID_ROWS)
    )
    job = import_map(actor=secretariat, job=job, mapping=_mapping(questions))
    # As if checked before duplicates were looked for: the run must refuse it all the same.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, errors=[])

    job = import_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert [error["row"] for error in job.errors] == [4, None]
    assert not Submission.objects.filter(call=call).exists()
