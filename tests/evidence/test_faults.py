"""Evidence work under faults, in real processes: Redis stopped while people act, a worker
killed in the middle of an import. Each test starts its own Redis and workers."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from evidence.enums import AttachmentStatus, ImportStatus, QuestionKind, SubmissionStatus
from evidence.models import Attachment, ImportJob, ReferenceCounter, Submission
from evidence.services.imports import import_map, import_start, import_upload
from evidence.tasks import import_run_task
from levelup.enums import EmailStatus, JobStatus
from levelup.jobs import jobs_sweep, running_job_ids
from levelup.models import AuditEntry, Job, OutboundEmail
from levelup.tasks import outbox_retry_due_task
from tests.factories import CallForEvidenceFactory, QuestionFactory, SectionFactory
from tests.faults import celery_broker, lock_held, thread_worker, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

DETAILS = {
    "respondent_name": "Pat Jones",
    "respondent_email": "pat@example.org",
    "responding_as": "individual",
    "publication_preference": "named",
    "consent": "on",
}


@pytest.fixture
def call(body):
    call = CallForEvidenceFactory(body=body, open=True, reference_prefix="FLT")
    section = SectionFactory(call=call, title="Evidence")
    QuestionFactory(section=section, text="What has worked?", position=0)
    QuestionFactory(section=section, kind=QuestionKind.FILE, text="Attach a report", position=1)
    return call


def _page(submission, name="response-section", **kwargs):
    return reverse(f"evidence:{name}", kwargs={"public_id": submission.public_id, **kwargs})


def _broker_down_logged(caplog) -> bool:
    return "broker unreachable" in caplog.text


def _make_stale(rows, field: str) -> None:
    rows.update(**{field: timezone.now() - timedelta(hours=1)})


def test_redis_down_response_details_and_submit_show_receipt_then_emails_go_once(
    client, call, own_redis, caplog
):
    text_q = call.questions.get(kind=QuestionKind.LONG_TEXT)

    with celery_broker(own_redis.url):
        own_redis.stop()
        with caplog.at_level(logging.ERROR, logger="levelup.jobs"):
            client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
            submission = Submission.objects.get()
            details = client.post(_page(submission, "response-details"), DETAILS)
            client.post(_page(submission, number=1), {f"q{text_q.pk}": "Night buses."})
            sent = client.post(_page(submission, "response-check"))
            receipt = client.get(sent["Location"])

        assert details["Location"] == _page(submission, number=1)
        assert sent["Location"] == _page(submission, "response-receipt")
        assert "FLT0001" in receipt.content.decode()
        assert _broker_down_logged(caplog)
        assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
        assert sorted(OutboundEmail.objects.values_list("template", "status")) == [
            ("evidence/continue_link", EmailStatus.QUEUED),
            ("evidence/submission_received", EmailStatus.QUEUED),
        ]

        own_redis.start()
        _make_stale(OutboundEmail.objects.all(), "created_at")
        with thread_worker():
            assert outbox_retry_due_task.apply().get() == 2
            wait_for(
                lambda: not OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists(),
                what="both emails sent",
            )
            assert outbox_retry_due_task.apply().get() == 0

    assert sorted(message.subject for message in mail.outbox) == [
        "We have received your evidence (FLT0001)",
        f'Your link to continue your response to "{call.title}"',
    ]


def test_redis_down_upload_is_attached_then_its_text_is_read_once(client, call, own_redis, caplog):
    file_q = call.questions.get(kind=QuestionKind.FILE)

    with celery_broker(own_redis.url):
        own_redis.stop()
        client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
        submission = Submission.objects.get()
        with caplog.at_level(logging.ERROR, logger="levelup.jobs"):
            response = client.post(
                _page(submission, number=1),
                {
                    f"q{file_q.pk}": SimpleUploadedFile("notes.txt", b"Fleetwood docks"),
                    "action": "upload",
                },
            )
        attachment = Attachment.objects.get()
        job = Job.objects.get(kind="evidence.extract")

        assert response["Location"] == _page(submission, number=1)
        assert _broker_down_logged(caplog)
        assert (attachment.status, job.status, job.target) == (
            AttachmentStatus.PENDING,
            JobStatus.QUEUED,
            attachment,
        )

        own_redis.start()
        _make_stale(Job.objects.filter(pk=job.pk), "queued_at")
        with thread_worker():
            assert jobs_sweep()["resent"] == 1
            wait_for(
                lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
                what="the extraction job is done",
            )

    attachment.refresh_from_db()
    assert (attachment.status, attachment.extracted_text.strip()) == (
        AttachmentStatus.EXTRACTED,
        "Fleetwood docks",
    )
    assert AuditEntry.objects.filter(action="evidence.attachment.extract").count() == 1


CSV = "Name,What has worked?\n" + "".join(f"Person {n},Answer {n}\n" for n in range(1, 13))


def _checked_import(call, user) -> ImportJob:
    job = import_upload(
        actor=user,
        call=call,
        uploaded_file=SimpleUploadedFile("responses.csv", CSV.encode(), content_type="text/csv"),
    )
    return import_map(actor=user, job=job, mapping=job.mapping)


def _import_done(import_job: ImportJob) -> ImportJob:
    return wait_for(
        lambda: ImportJob.objects.filter(pk=import_job.pk, status=ImportStatus.DONE).first(),
        timeout=40,
        what="the import is done",
    )


def test_redis_down_import_start_shows_progress_page_then_imports_once(
    client, call, secretariat, own_redis, caplog
):
    import_job = _checked_import(call, secretariat)
    client.force_login(secretariat)
    check = reverse("evidence:manage-import-check", kwargs={"slug": call.slug, "pk": import_job.pk})

    with celery_broker(own_redis.url):
        own_redis.stop()
        with caplog.at_level(logging.ERROR, logger="levelup.jobs"):
            started = client.post(check)
        progress = client.get(started["Location"]).content.decode()

        assert started["Location"] == reverse(
            "evidence:manage-import-progress", kwargs={"slug": call.slug, "pk": import_job.pk}
        )
        assert "Waiting to start" in progress
        assert "0 of 12 rows" in progress
        assert _broker_down_logged(caplog)

        own_redis.start()
        job = Job.objects.get(kind="evidence.import")
        _make_stale(Job.objects.filter(pk=job.pk), "queued_at")
        with thread_worker():
            assert jobs_sweep()["resent"] == 1
            done = _import_done(import_job)

    assert (done.created_count, Submission.objects.filter(call=call).count()) == (12, 12)
    assert Job.objects.get(pk=job.pk).attempts == 1
    assert "12 responses were added." in client.get(started["Location"]).content.decode()


def test_worker_sigkill_mid_import_then_restart_imports_every_row_once(
    call, secretariat, own_redis, fault_workers, private_uploads
):
    import_job = _checked_import(call, secretariat)
    ReferenceCounter.objects.create(call=call)
    env = {"EVIDENCE_UPLOAD_ROOT": str(private_uploads)}

    with celery_broker(own_redis.url):
        first = fault_workers.start(broker_url=own_redis.url, env=env)
        # The import waits at its first row for the call's reference counter, which we hold.
        with lock_held(
            "SELECT * FROM evidence_referencecounter WHERE call_id = %s FOR UPDATE", [call.pk]
        ):
            with transaction.atomic():
                import_start(actor=secretariat, job=import_job)
            job = Job.objects.get(kind="evidence.import")
            wait_for(
                lambda: ImportJob.objects.filter(
                    pk=import_job.pk, status=ImportStatus.RUNNING
                ).exists(),
                what="the import runs",
            )
            first.kill()
        wait_for(lambda: job.pk not in running_job_ids(), what="PostgreSQL saw the worker die")
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING

        fault_workers.start(broker_url=own_redis.url, env=env)
        swept = jobs_sweep()
        done = _import_done(import_job)
        # The killed worker's message comes back after the visibility timeout: a no-op.
        import_run_task.apply(kwargs={"job_id": job.pk})

    assert swept["taken_over"] == 1
    assert (done.created_count, done.skipped_count) == (12, 0)
    assert Submission.objects.filter(call=call).count() == 12
    assert Job.objects.get(pk=job.pk).attempts == 2
    assert AuditEntry.objects.filter(action="evidence.import.run").count() == 1
