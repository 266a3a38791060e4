"""The published report as a PDF: queued when published and after each change, rendered by
its job, stored privately, served publicly once current, its state on the publishing page,
and nothing private in its text (read back with pypdf)."""

import io

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evidence.enums import CallStatus, ModerationState
from evidence.models import CallReport
from evidence.selectors.report_pdf import REPORT_PDF_JOB_KIND, report_pdf_job
from evidence.services.publishing import (
    call_report_publish,
    finding_update,
    moderation_decide,
    recommendation_create,
)
from evidence.services.report_pdf import report_pdf_render
from evidence.tasks import report_pdf_render_task
from levelup.enums import JobStatus, Role
from levelup.models import AuditEntry, Job
from tests.evidence.publishing_helpers import PRIVATE_WORDS, publishing_world
from tests.factories import BodyFactory, RoleGrantFactory, UserFactory
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    OralEvidenceFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def _analysing_world(body):
    """A call being analysed, with a finding quoting every response (quoted in the database,
    as if consent changed after quoting), two recommendations and oral evidence."""
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    finding = FindingFactory(call=world.call, title="High streets need footfall", position=1)
    FindingFactory(call=world.call, title="Parking drives shoppers away", position=2)
    excerpts = {}
    for name in ("named", "anonymous", "redacted", "confidential", "withheld", "unmoderated"):
        answer = getattr(world, name).answers.get()
        excerpt = ExcerptOfAnswerFactory(answer=answer, start=0, end=len(answer.text) - 1)
        FindingExcerptFactory(finding=finding, excerpt=excerpt, quoted=True)
        excerpts[name] = excerpt
    answer = world.withdrawn.answers.get()
    withdrawn = ExcerptOfAnswerFactory(answer=answer, start=0, end=len(answer.text) - 1)
    FindingExcerptFactory(finding=finding, excerpt=withdrawn, quoted=True)
    RecommendationFactory(call=world.call, text="Business should open its doors.", position=1)
    RecommendationFactory(
        call=world.call,
        text="Councils should cut parking charges.",
        audience="local_government",
        position=2,
    )
    OralEvidenceFactory(
        call=world.call, title="Roundtable with the councils", note="<p>Councils spoke.</p>"
    ).informed.add(world.named, world.withheld)
    return world, finding, excerpts


def _render(call) -> CallReport:
    job = Job.objects.filter(kind=REPORT_PDF_JOB_KIND).order_by("-pk").first()
    report_pdf_render_task(job_id=job.pk)
    return CallReport.objects.get(call=call)


def _pdf_text(report: CallReport) -> tuple[str, PdfReader]:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_publishing_queues_one_pdf_job(body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)

    report = call_report_publish(actor=secretariat, call=world.call)

    job = Job.objects.get(kind=REPORT_PDF_JOB_KIND)
    assert (job.status, job.target, job.params, job.progress_total) == (
        JobStatus.QUEUED,
        report,
        {"version": 1},
        3,
    )
    assert (report.content_version, report.has_current_pdf) == (1, False)


def test_pdf_job_renders_and_stores_a_tagged_pdf(body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)
    call_report_publish(actor=secretariat, call=world.call)

    report = _render(world.call)

    job = Job.objects.get(kind=REPORT_PDF_JOB_KIND)
    assert (job.status, job.progress_done, job.progress_total, job.result) == (
        JobStatus.DONE,
        3,
        3,
        {"rendered": True, "version": 1},
    )
    assert report.has_current_pdf
    assert report.pdf.name.startswith(f"reports/{world.call.slug}/")
    assert report.pdf_bytes == report.pdf.size
    text, reader = _pdf_text(report)
    assert (reader.metadata.title, reader.metadata.author) == (world.call.title, "LevelUp")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert "High streets need footfall" in text
    assert AuditEntry.objects.filter(action="evidence.report.pdf_render").count() == 1


def test_pdf_render_is_idempotent(body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)
    report = call_report_publish(actor=secretariat, call=world.call)
    first = report_pdf_render(report_id=report.pk)

    again = report_pdf_render(report_id=report.pk)

    assert first.pdf_version == 1
    assert again is None
    assert AuditEntry.objects.filter(action="evidence.report.pdf_render").count() == 1


def test_pdf_text_holds_findings_and_allowed_quotes_and_nothing_private(body, secretariat):
    world, _finding, excerpts = _analysing_world(body)
    call_report_publish(actor=secretariat, call=world.call)

    report = _render(world.call)

    text, _reader = _pdf_text(report)
    flat = " ".join(text.split())
    assert "High streets need footfall" in flat
    assert "Parking drives shoppers away" in flat
    assert excerpts["named"].text in flat
    assert excerpts["anonymous"].text in flat
    assert "Nadia Named" in flat
    assert "Business should open its doors." in flat
    assert "Roundtable with the councils" in flat
    for word in [*PRIVATE_WORDS, "Withdrawn", "Gone text", "Rita Redacted"]:
        assert word not in flat, word


def test_changes_after_publication_queue_one_job_per_burst(body, secretariat):
    world, finding, _excerpts = _analysing_world(body)
    call_report_publish(actor=secretariat, call=world.call)
    _render(world.call)

    finding_update(actor=secretariat, finding=finding, title="Footfall makes high streets")
    recommendation_create(
        actor=secretariat,
        call=world.call,
        text="Partnerships should meet monthly.",
        audience="other",
    )
    moderation_decide(
        actor=secretariat, submission=world.named, state=ModerationState.WITHHELD, reason="Libel"
    )

    report = CallReport.objects.get(call=world.call)
    jobs = list(Job.objects.filter(kind=REPORT_PDF_JOB_KIND).order_by("pk"))
    assert [job.status for job in jobs] == [JobStatus.DONE, JobStatus.QUEUED]
    assert (report.content_version, report.pdf_version, report.has_current_pdf) == (4, 1, False)


def test_pdf_rendered_again_after_a_change_drops_what_was_withheld(
    body, secretariat, django_capture_on_commit_callbacks
):
    world, finding, excerpts = _analysing_world(body)
    call_report_publish(actor=secretariat, call=world.call)
    first_name = _render(world.call).pdf.name

    finding_update(actor=secretariat, finding=finding, title="Footfall makes high streets")
    moderation_decide(
        actor=secretariat, submission=world.named, state=ModerationState.WITHHELD, reason="Libel"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = _render(world.call)

    text, _reader = _pdf_text(report)
    flat = " ".join(text.split())
    assert report.has_current_pdf
    assert report.pdf.name != first_name
    assert not report.pdf.storage.exists(first_name)
    assert "Footfall makes high streets" in flat
    assert excerpts["named"].text not in flat
    assert excerpts["anonymous"].text in flat


def test_no_job_before_publication(body, secretariat):
    world, finding, _excerpts = _analysing_world(body)

    finding_update(actor=secretariat, finding=finding, title="Retitled before publishing")

    assert not Job.objects.filter(kind=REPORT_PDF_JOB_KIND).exists()
    assert not CallReport.objects.filter(call=world.call).exists()


# The download ---------------------------------------------------------------------------------

ROLES = ["anonymous", "respondent", "reviewer", "secretariat", "other_secretariat"]


@pytest.fixture
def people(respondent, secretariat):
    other = UserFactory(name="Otto Other")
    RoleGrantFactory(user=other, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return {"respondent": respondent, "secretariat": secretariat, "other_secretariat": other}


def _login(client, people, role, call):
    if role == "reviewer":
        client.force_login(
            RoleGrantFactory(user__name="Rory Reviewer", role=Role.REVIEWER, target=call).user
        )
    elif role != "anonymous":
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
def test_download_is_404_for_everyone_before_publication(client, body, people, role):
    world, _finding, _excerpts = _analysing_world(body)
    _login(client, people, role, world.call)

    response = client.get(reverse("evidence:report-pdf", kwargs={"slug": world.call.slug}))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_download_is_404_while_no_pdf_exists(client, body, people, role):
    world, _finding, _excerpts = _analysing_world(body)
    call_report_publish(actor=people["secretariat"], call=world.call)
    _login(client, people, role, world.call)

    response = client.get(reverse("evidence:report-pdf", kwargs={"slug": world.call.slug}))
    page = client.get(world.call.get_absolute_url())

    assert response.status_code == 404
    assert "Download the report (PDF" not in page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_download_serves_the_pdf_to_everyone_after_publication(client, body, people, role):
    world, _finding, _excerpts = _analysing_world(body)
    call_report_publish(actor=people["secretariat"], call=world.call)
    report = _render(world.call)
    _login(client, people, role, world.call)

    response = client.get(reverse("evidence:report-pdf", kwargs={"slug": world.call.slug}))
    page = client.get(world.call.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    size = filesizeformat(report.pdf_bytes)
    assert f"Download the report (PDF, {size})" in page.content.decode()


def test_download_is_404_once_the_report_changed_until_rendered_again(client, body, secretariat):
    world, finding, _excerpts = _analysing_world(body)
    call_report_publish(actor=secretariat, call=world.call)
    _render(world.call)
    url = reverse("evidence:report-pdf", kwargs={"slug": world.call.slug})

    finding_update(actor=secretariat, finding=finding, title="Footfall makes high streets")
    stale = client.get(url)
    _render(world.call)
    fresh = client.get(url)

    assert (stale.status_code, fresh.status_code) == (404, 200)


# The secretariat's view of the PDF --------------------------------------------------------------


def _publish_page(client, call):
    return client.get(reverse("evidence:manage-report-publish", kwargs={"slug": call.slug}))


def test_publishing_page_shows_queued_running_ready_and_failed(client, body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)
    report = call_report_publish(actor=secretariat, call=world.call)
    client.force_login(secretariat)
    job = report_pdf_job(report=report)

    queued = _publish_page(client, world.call).content.decode()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=1,
        progress_done=1,
        progress_total=3,
    )
    running = _publish_page(client, world.call).content.decode()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error="It took longer than the time allowed.",
    )
    failed = _publish_page(client, world.call).content.decode()
    report_pdf_render(report_id=report.pk)
    ready = _publish_page(client, world.call).content.decode()

    assert "The PDF is queued" in queued
    assert "The PDF is being made: step 1 of 3." in running
    assert '<progress id="report-pdf-progress"' in running
    assert "The PDF could not be made." in failed
    assert "It took longer than the time allowed." in failed
    assert "Try again" in failed
    assert "Ready: made on" in ready
    assert reverse("evidence:report-pdf", kwargs={"slug": world.call.slug}) in ready


def test_try_again_queues_the_failed_job(client, body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)
    report = call_report_publish(actor=secretariat, call=world.call)
    job = report_pdf_job(report=report)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error="Broken"
    )
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-report-pdf-retry", kwargs={"slug": world.call.slug})
    )

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.error) == (JobStatus.QUEUED, "")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("respondent", 403), ("reviewer", 403), ("other_secretariat", 403)],
)
def test_try_again_refused_to_others(client, body, people, role, expected):
    world, _finding, _excerpts = _analysing_world(body)
    report = call_report_publish(actor=people["secretariat"], call=world.call)
    job = report_pdf_job(report=report)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error="Broken"
    )
    _login(client, people, role, world.call)

    response = client.post(
        reverse("evidence:manage-report-pdf-retry", kwargs={"slug": world.call.slug})
    )

    job.refresh_from_db()
    assert response.status_code == expected
    assert job.status == JobStatus.FAILED


def test_change_during_rendering_queues_another_rendering(body, secretariat):
    world, _finding, _excerpts = _analysing_world(body)
    report = call_report_publish(actor=secretariat, call=world.call)
    Job.objects.filter(kind=REPORT_PDF_JOB_KIND).update(
        status=JobStatus.DONE, finished_at=timezone.now()
    )

    def change_meanwhile(done):
        if done == 1:  # the report has been read; a change commits before the PDF is stored
            CallReport.objects.filter(pk=report.pk).update(content_version=2)

    stored = report_pdf_render(report_id=report.pk, progress=change_meanwhile)

    assert (stored.pdf_version, stored.content_version, stored.has_current_pdf) == (1, 2, False)
    queued = Job.objects.get(kind=REPORT_PDF_JOB_KIND, status=JobStatus.QUEUED)
    assert queued.params == {"version": 2}
