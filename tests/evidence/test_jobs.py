"""Extraction and imports as background jobs (levelup.Job): recorded, run, failed, retried."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import evidence.tasks  # noqa: F401 -- registers the jobs' failure hooks, as a worker does
from evidence.enums import AttachmentStatus, ImportStatus
from evidence.models import ImportJob, Submission
from evidence.services import attachment_add
from evidence.services.attachments import attachment_extract_job
from evidence.services.imports import (
    import_map,
    import_retry,
    import_run_job,
    import_start,
    import_upload,
)
from levelup.enums import JobStatus
from levelup.jobs import job_run
from levelup.models import AuditEntry, Job
from tests.factories import PlaceFactory, QuestionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(respondent):
    submission = SubmissionFactory(user=respondent)
    QuestionFactory(section__call=submission.call, kind="file", text="Attach a report")
    return submission


def _extract(run):
    return attachment_extract_job(run=run)


def _import(run):
    return import_run_job(run=run)


def test_attachment_add_records_an_extraction_job(draft, respondent):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("a.txt", b"Docks")
    )

    job = Job.objects.get()
    assert (job.kind, job.status, job.target, job.created_by) == (
        "evidence.extract",
        JobStatus.QUEUED,
        attachment,
        respondent,
    )


def test_extraction_job_reads_the_text_and_records_the_result(draft, respondent):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("a.txt", b"Docks")
    )

    done = job_run(job_id=Job.objects.get().pk, body=_extract)

    attachment.refresh_from_db()
    assert (done.status, done.result) == (JobStatus.DONE, {"status": "extracted"})
    assert (attachment.status, attachment.extracted_text) == (AttachmentStatus.EXTRACTED, "Docks")


def test_extraction_failing_for_good_flags_the_attachment_with_the_reason(
    client, draft, respondent, secretariat, body
):
    draft.call.body = body
    draft.call.save()
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("a.txt", b"Docks")
    )
    attachment.file.storage.delete(attachment.file.name)  # the disk lost it
    Job.objects.update(max_attempts=1)
    draft.status = "submitted"
    draft.reference, draft.number, draft.submitted_at = "TST0001", 1, timezone.now()
    draft.save()
    client.force_login(secretariat)

    failed = job_run(job_id=Job.objects.get().pk, body=_extract)
    page = client.get(
        reverse(
            "evidence:manage-submission",
            kwargs={"slug": draft.call.slug, "public_id": draft.public_id},
        )
    ).content.decode()

    attachment.refresh_from_db()
    assert failed.status == JobStatus.FAILED
    assert failed.error.startswith("It stopped because of an unexpected error (FileNotFoundError: ")
    assert attachment.status == AttachmentStatus.UNREADABLE
    assert attachment.flag_reason == f"Its text could not be read: {failed.error}"[:300]
    assert "could not be read" in page


@pytest.fixture
def questions(call):
    return [QuestionFactory(section__call=call, text="What works?")]


def _started_import(call, user, text="Name,What works?\nAnn,Buses\nBob,Trams\n") -> ImportJob:
    job = import_upload(
        actor=user,
        call=call,
        uploaded_file=SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv"),
    )
    job = import_map(actor=user, job=job, mapping=job.mapping)
    return import_start(actor=user, job=job)


def test_import_start_records_an_import_job_with_the_row_count(secretariat, call, questions):
    import_job = _started_import(call, secretariat)

    job = Job.objects.get()
    assert (job.kind, job.target, job.progress_total, job.status) == (
        "evidence.import",
        import_job,
        2,
        JobStatus.QUEUED,
    )


def test_import_job_runs_the_import_and_records_its_counts(secretariat, call, questions):
    import_job = _started_import(call, secretariat)

    done = job_run(job_id=Job.objects.get().pk, body=_import)

    assert (done.status, done.result) == (JobStatus.DONE, {"created": 2, "skipped": 0})
    assert (done.progress_done, done.progress_total) == (2, 2)
    assert ImportJob.objects.get(pk=import_job.pk).status == ImportStatus.DONE


def test_import_job_error_waits_for_the_next_attempt_then_fails_the_import(
    secretariat, call, questions, monkeypatch
):
    from evidence.services import imports

    import_job = _started_import(call, secretariat)
    job = Job.objects.get()
    Job.objects.update(max_attempts=2)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "submission_enter_with_consent", broken)

    first = job_run(job_id=job.pk, body=_import)
    waiting = ImportJob.objects.get(pk=import_job.pk)
    Job.objects.update(queued_at=timezone.now())
    second = job_run(job_id=job.pk, body=_import)
    failed = ImportJob.objects.get(pk=import_job.pk)

    assert (first.status, waiting.status, waiting.errors) == (
        JobStatus.QUEUED,
        ImportStatus.QUEUED,
        [],
    )
    assert second.status == JobStatus.FAILED
    assert second.error == "It stopped because of an unexpected error (RuntimeError: disk full)."
    assert (failed.status, failed.errors) == (
        ImportStatus.FAILED,
        [{"row": None, "problems": [second.error]}],
    )
    assert not Submission.objects.filter(call=call).exists()


def test_import_with_rows_broken_since_the_check_fails_at_once_and_cannot_be_retried(
    secretariat, call
):
    place = PlaceFactory(name="Blackpool")
    QuestionFactory(section__call=call, text="What works?")
    import_job = _started_import(call, secretariat, "Name,Place,What works?\nAnn,Blackpool,Buses\n")
    place.delete()

    failed = job_run(job_id=Job.objects.get().pk, body=_import)

    import_job.refresh_from_db()
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 1)
    assert failed.error == "Some rows have problems now; check the file again."
    assert [error["row"] for error in import_job.errors] == [2, None]
    with pytest.raises(ValidationError):
        import_retry(actor=secretariat, job=import_job)


def test_import_retry_queues_the_failed_import_and_its_job_again(
    secretariat, call, questions, django_capture_on_commit_callbacks
):
    import_job = _started_import(call, secretariat)
    job = Job.objects.get()
    Job.objects.update(
        status=JobStatus.FAILED, attempts=3, error="It took too long.", finished_at=timezone.now()
    )
    ImportJob.objects.filter(pk=import_job.pk).update(
        status=ImportStatus.FAILED, errors=[{"row": None, "problems": ["It took too long."]}]
    )

    with django_capture_on_commit_callbacks() as callbacks:
        retried = import_retry(actor=secretariat, job=import_job)

    job.refresh_from_db()
    assert (retried.status, retried.errors) == (ImportStatus.QUEUED, [])
    assert (job.status, job.attempts, Job.objects.count()) == (JobStatus.QUEUED, 0, 1)
    assert [c.args for c in callbacks] == [("evidence.import", {"job_id": job.pk})]
    assert AuditEntry.objects.filter(action="evidence.import.retry").count() == 1
    done = job_run(job_id=job.pk, body=_import)
    assert done.result == {"created": 2, "skipped": 0}


@pytest.mark.parametrize("status", [ImportStatus.QUEUED, ImportStatus.DONE])
def test_import_retry_refuses_an_import_that_has_not_failed(secretariat, call, questions, status):
    import_job = _started_import(call, secretariat)
    ImportJob.objects.filter(pk=import_job.pk).update(status=status)

    with pytest.raises(ValidationError) as error:
        import_retry(actor=secretariat, job=import_job)

    assert error.value.messages == [
        "Only an import that stopped without a problem in its rows can be tried again."
    ]


def _progress_url(import_job) -> str:
    return reverse(
        "evidence:manage-import-progress",
        kwargs={"slug": import_job.call.slug, "pk": import_job.pk},
    )


def test_import_progress_page_reads_the_running_job(client, secretariat, call, questions):
    import_job = _started_import(call, secretariat)
    ImportJob.objects.filter(pk=import_job.pk).update(status=ImportStatus.RUNNING)
    Job.objects.update(
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress_done=1,
    )
    client.force_login(secretariat)

    page = client.get(_progress_url(import_job)).content.decode()

    assert "Importing" in page
    assert "1 of 2 rows" in page
    assert 'max="2"' in page and 'value="1"' in page
    assert "Check progress now" in page  # no JavaScript needed to follow it


def test_import_progress_page_says_an_attempt_stopped_and_will_be_tried_again(
    client, secretariat, call, questions
):
    import_job = _started_import(call, secretariat)
    Job.objects.update(attempts=1, error="It took longer than the time allowed.")
    client.force_login(secretariat)

    page = client.get(_progress_url(import_job)).content.decode()

    assert "Waiting to start" in page
    assert (
        "The last attempt stopped: It took longer than the time allowed. It will be tried "
        "again in a few minutes; nothing from that attempt was kept."
    ) in page


def test_failed_import_shows_the_reason_and_try_again_works_without_javascript(
    client, secretariat, call, questions, django_capture_on_commit_callbacks
):
    import_job = _started_import(call, secretariat)
    job = Job.objects.get()
    Job.objects.update(max_attempts=1)
    job_run(job_id=job.pk, body=lambda run: (_ for _ in ()).throw(OSError("disk full")))
    client.force_login(secretariat)
    retry_url = reverse(
        "evidence:manage-import-retry", kwargs={"slug": call.slug, "pk": import_job.pk}
    )

    failed_page = client.get(_progress_url(import_job)).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(retry_url)
    queued_page = client.get(response["Location"]).content.decode()

    assert "Failed: nothing was imported" in failed_page
    assert "It stopped because of an unexpected error (OSError: disk full)." in failed_page
    assert f'action="{retry_url}"' in failed_page
    assert response["Location"] == _progress_url(import_job)
    assert "The import will be tried again." in queued_page
    assert "Waiting to start" in queued_page
    assert [c.args for c in callbacks] == [("evidence.import", {"job_id": job.pk})]
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_failed_import_with_row_problems_offers_a_new_upload_not_a_retry(client, secretariat, call):
    place = PlaceFactory(name="Blackpool")
    QuestionFactory(section__call=call, text="What works?")
    import_job = _started_import(call, secretariat, "Name,Place,What works?\nAnn,Blackpool,Buses\n")
    place.delete()
    job_run(job_id=Job.objects.get().pk, body=_import)
    client.force_login(secretariat)

    page = client.get(_progress_url(import_job)).content.decode()
    refused = client.post(
        reverse("evidence:manage-import-retry", kwargs={"slug": call.slug, "pk": import_job.pk})
    )

    assert "“Blackpool” is not a place we know." in page
    assert "Upload the corrected file" in page
    assert "Try again" not in page
    assert refused.status_code == 302
    assert ImportJob.objects.get(pk=import_job.pk).status == ImportStatus.FAILED


def test_migration_makes_jobs_for_work_waiting_at_deploy(draft, respondent, secretariat, call):
    import importlib

    from django.apps import apps

    from evidence.models import Attachment

    migration = importlib.import_module("evidence.migrations.0011_jobs_for_pending_work")
    pending = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("a.txt", b"Docks")
    )
    read = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("b.txt", b"Piers")
    )
    Attachment.objects.filter(pk=read.pk).update(status=AttachmentStatus.EXTRACTED)
    QuestionFactory(section__call=call, text="What works?")
    queued = _started_import(call, secretariat)
    Job.objects.all().delete()  # as before this version: no job rows

    migration.forwards(apps, None)

    made = {(job.kind, job.object_id, job.progress_total) for job in Job.objects.all()}
    assert made == {("evidence.extract", pending.pk, None), ("evidence.import", queued.pk, 2)}
    assert all(job.queued_at < timezone.now() for job in Job.objects.all())
