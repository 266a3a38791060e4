"""XLSX export of a call's responses: built by a background job, downloaded for a day."""

import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from evidence.models import Coding, Theme
from evidence.services.exports import (
    XLSX_JOB_KIND,
    export_rows,
    export_xlsx_start,
    exports_expire,
)
from evidence.tasks import export_xlsx_task
from levelup.enums import JobStatus, Role
from levelup.models import AuditEntry, Job
from tests.factories import (
    AnswerFactory,
    BodyFactory,
    QuestionFactory,
    RoleGrantFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def start_url(call):
    return reverse("evidence:manage-export-xlsx", kwargs={"slug": call.slug})


def job_url(call, job):
    return reverse("evidence:manage-export-job", kwargs={"slug": call.slug, "pk": job.pk})


def download_url(call, job):
    return reverse("evidence:manage-export-download", kwargs={"slug": call.slug, "pk": job.pk})


def built(call, actor, *, include_identity=True) -> Job:
    job = export_xlsx_start(actor=actor, call=call, include_identity=include_identity)
    export_xlsx_task.apply(kwargs={"job_id": job.pk})
    job.refresh_from_db()
    return job


def workbook_rows(job) -> list[list[str]]:
    with storages["private"].open(job.result["path"], "rb") as handle:
        sheet = openpyxl.load_workbook(handle, read_only=True).active
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def answered(call):
    question = QuestionFactory(call=call, section__call=call, text="What works locally?")
    theme = Theme.objects.create(call=call, name="Skills")
    submissions = []
    for name, answer in [
        ("Priya Shah", "More apprenticeships in the Tees Valley."),
        ('=HYPERLINK("http://x")', "@SUM(A1) and a bell\x07 in it"),
        ("Tom Okafor", "-2+3 is not a formula"),
    ]:
        submission = SubmissionFactory(
            call=call, submitted=True, respondent_name=name, organisation_name="+Acme Ltd"
        )
        AnswerFactory(submission=submission, question=question, text=answer)
        Coding.objects.create(call=call, submission=submission, theme=theme)
        submissions.append(submission)
    return submissions


def test_xlsx_job_writes_the_same_rows_as_the_csv(call, secretariat, answered):
    job = built(call, secretariat)

    rows = workbook_rows(job)

    expected = list(export_rows(call=call, include_identity=True))
    expected[2][-1] = expected[2][-1].replace("\x07", "")  # XML cannot hold a bell
    assert job.status == JobStatus.DONE
    assert rows == expected
    assert job.result["rows"] == 3
    assert job.result["filename"].startswith(f"{call.slug}-responses-")
    assert job.progress_done == job.progress_total == 3
    assert rows[1][rows[0].index("Themes")] == "Skills"


def test_xlsx_job_neutralises_formulas(call, secretariat, answered):
    job = built(call, secretariat)

    with storages["private"].open(job.result["path"], "rb") as handle:
        sheet = openpyxl.load_workbook(handle).active
    cells = [cell for row in sheet.iter_rows() for cell in row]

    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells]
    assert '\'=HYPERLINK("http://x")' in texts
    assert "'+Acme Ltd" in texts
    assert "'@SUM(A1) and a bell in it" in texts
    assert "'-2+3 is not a formula" in texts


def test_xlsx_job_without_details_leaves_out_respondents(call, secretariat, answered):
    job = built(call, secretariat, include_identity=False)

    rows = workbook_rows(job)

    text = repr(rows)
    assert "Name" not in rows[0]
    assert "Priya Shah" not in text
    assert "Acme" not in text
    assert rows[1][0] == answered[0].reference


def test_xlsx_start_twice_makes_one_job(client, call, secretariat):
    client.force_login(secretariat)

    first = client.post(start_url(call))
    second = client.post(start_url(call))

    job = Job.objects.get(kind=XLSX_JOB_KIND)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == job_url(call, job)
    assert job.params == {"respondent_details": True}
    assert job.created_by == secretariat
    entry = AuditEntry.objects.get(action="call.responses_export")
    assert entry.changes == {"format": "xlsx", "respondent_details": True}


def test_xlsx_start_again_after_the_last_one_finished(call, secretariat):
    first = built(call, secretariat)

    second = export_xlsx_start(actor=secretariat, call=call, include_identity=True)
    without = export_xlsx_start(actor=secretariat, call=call, include_identity=False)

    assert len({first.pk, second.pk, without.pk}) == 3
    assert without.params == {"respondent_details": False}


def test_xlsx_start_without_details_from_the_checkbox(client, call, secretariat):
    client.force_login(secretariat)

    client.post(start_url(call), {"details": "0"})

    assert Job.objects.get(kind=XLSX_JOB_KIND).params == {"respondent_details": False}


def test_xlsx_progress_page_while_running(client, call, secretariat):
    job = export_xlsx_start(actor=secretariat, call=call, include_identity=True)
    Job.objects.filter(pk=job.pk).update(progress_done=1000, progress_total=4000)
    client.force_login(secretariat)

    response = client.get(job_url(call, job))

    page = response.content.decode()
    assert response.status_code == 200
    assert "1000 of 4000 responses written" in page
    assert 'value="25"' in page
    assert f'href="{job_url(call, job)}">Refresh</a>' in page
    assert download_url(call, job) not in page
    assert "js/job-progress.js" in page
    assert "no-store" in response["Cache-Control"]


def test_xlsx_download_for_secretariat_is_audited(client, call, secretariat, answered):
    job = built(call, secretariat)
    client.force_login(secretariat)

    page = client.get(job_url(call, job)).content.decode()
    response = client.get(download_url(call, job))

    assert download_url(call, job) in page
    assert "The link works until" in page
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (f'attachment; filename="{job.result["filename"]}"')
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    entry = AuditEntry.objects.get(action="call.responses_export_download")
    assert entry.actor == secretariat
    assert entry.changes == {"format": "xlsx", "job": job.pk, "respondent_details": True}


def test_xlsx_download_expires_after_a_day(client, call, secretariat, answered):
    job = built(call, secretariat)
    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    client.force_login(secretariat)

    response = client.get(download_url(call, job))
    page = client.get(job_url(call, job)).content.decode()

    assert response.status_code == 302
    assert response["Location"] == job_url(call, job)
    assert "This spreadsheet has expired" in page
    assert download_url(call, job) not in page
    assert f'action="{start_url(call)}"' in page
    assert not AuditEntry.objects.filter(action="call.responses_export_download").exists()


def test_exports_expire_deletes_old_files_only(call, secretariat, answered):
    old = built(call, secretariat)
    young = built(call, secretariat, include_identity=False)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=25))

    deleted = exports_expire()
    again = exports_expire()

    old.refresh_from_db()
    young.refresh_from_db()
    assert (deleted, again) == (1, 0)
    assert not storages["private"].exists(old.result["path"])
    assert old.result["expired"] is True
    assert storages["private"].exists(young.result["path"])
    assert "expired" not in young.result


def test_exports_expire_task_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["evidence-exports-expire"]["task"] == (
        "evidence.exports_expire"
    )
    assert settings.CELERY_TASK_ROUTES["evidence.export_xlsx"]["queue"].startswith("exports")


@pytest.fixture
def other_secretariat(db):
    return RoleGrantFactory(role=Role.SECRETARIAT, target=BodyFactory()).user


@pytest.mark.parametrize("who", ["respondent", "reviewer", "other_secretariat"])
def test_xlsx_export_refused_to_others(client, request, call, secretariat, who):
    job = built(call, secretariat)
    client.force_login(request.getfixturevalue(who))

    started = client.post(start_url(call))
    progress = client.get(job_url(call, job))
    download = client.get(download_url(call, job))

    assert (started.status_code, progress.status_code, download.status_code) == (403, 403, 403)
    assert Job.objects.filter(kind=XLSX_JOB_KIND).count() == 1
    assert not AuditEntry.objects.filter(action="call.responses_export_download").exists()


def test_xlsx_export_sends_the_public_to_sign_in(client, call, secretariat):
    job = built(call, secretariat)

    responses = [
        client.post(start_url(call)),
        client.get(job_url(call, job)),
        client.get(download_url(call, job)),
    ]

    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Job.objects.filter(kind=XLSX_JOB_KIND).count() == 1


def test_xlsx_job_of_another_call_is_not_found(client, call, body, secretariat):
    from tests.factories import CallForEvidenceFactory

    other = CallForEvidenceFactory(body=body, open=True)
    job = built(other, secretariat)
    client.force_login(secretariat)

    response = client.get(download_url(call, job))

    assert response.status_code == 404


def test_responses_page_offers_the_xlsx_export(client, call, secretariat):
    client.force_login(secretariat)

    page = client.get(reverse("evidence:manage-submissions", kwargs={"slug": call.slug}))

    html = page.content.decode()
    assert f'action="{start_url(call)}"' in html
    assert "Leave out respondent details" in html


def test_xlsx_write_reports_progress_as_it_goes(call):
    import io

    from evidence.services.exports import export_xlsx_write

    for _ in range(5):
        SubmissionFactory(call=call, submitted=True)
    reported = []

    count = export_xlsx_write(
        call=call, include_identity=True, out=io.BytesIO(), progress=reported.append, every=2
    )

    assert count == 5
    assert reported == [2, 4]


def test_xlsx_failed_export_says_why_and_offers_a_new_one(client, call, secretariat):
    job = export_xlsx_start(actor=secretariat, call=call, include_identity=False)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        error="It took longer than the time allowed.",
        finished_at=timezone.now(),
    )
    client.force_login(secretariat)

    page = client.get(job_url(call, job)).content.decode()

    assert "It took longer than the time allowed." in page
    assert f'action="{start_url(call)}"' in page
    assert re.search(r'name="details"\s+value="0"', page)
    assert download_url(call, job) not in page
