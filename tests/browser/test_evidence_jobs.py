"""A failed import in the browser: the reason, "Try again", and the import waiting again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_evidence_secretariat import _sign_in, _snap
from tests.faults import celery_broker


@pytest.fixture(autouse=True)
def own_broker(own_redis):
    """ "Try again" sends a task: to a Redis of this test's own, so no later test's worker
    receives it."""
    with celery_broker(own_redis.url):
        yield


def test_secretariat_sees_why_an_import_failed_and_tries_it_again(
    page, visit, submit, secretariat, body, tmp_path, settings
):
    from evidence.models import ImportJob
    from evidence.services.imports import import_map, import_start, import_upload
    from levelup.enums import JobStatus
    from levelup.jobs import jobs_sweep
    from levelup.models import Job
    from tests.factories import CallForEvidenceFactory, QuestionFactory

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    call = CallForEvidenceFactory(body=body, open=True, title="Town centres", slug="towns")
    QuestionFactory(section__call=call, text="What works?")
    upload = SimpleUploadedFile("export.csv", b"Name,What works?\nAnn,Buses\nBob,Trams\n")
    job = import_upload(actor=secretariat, call=call, uploaded_file=upload)
    job = import_start(
        actor=secretariat, job=import_map(actor=secretariat, job=job, mapping=job.mapping)
    )
    # Its worker was killed on every attempt: the sweeper fails it, with the reason.
    Job.objects.update(
        status=JobStatus.RUNNING,
        attempts=3,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    jobs_sweep()
    _sign_in(page, visit, submit, secretariat)

    visit(f"/manage/calls/towns/imports/{job.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Failed: nothing was imported")
    expect(main).to_contain_text("It stopped before finishing 3 times")
    _snap(page, "import-failed")
    submit(main.get_by_role("button", name="Try again"))

    expect(page.get_by_role("status")).to_contain_text("The import will be tried again.")
    expect(main).to_contain_text("Waiting to start")
    expect(main.get_by_role("progressbar")).to_be_visible()
    _snap(page, "import-retried")
    assert ImportJob.objects.get(pk=job.pk).status == "queued"
    assert Job.objects.get().status == JobStatus.QUEUED
