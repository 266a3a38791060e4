import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, SubmissionStatus
from evidence.models import Answer, CallForEvidence, Question, Submission
from evidence.selectors import calls_open, submission_problems

pytestmark = pytest.mark.django_db

REPORT_SLUG = "role-of-business-in-place-based-regeneration"


def _load():
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)


def test_demo_loads_closed_call_with_sixty_varied_responses():
    _load()

    closed = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    submissions = Submission.objects.filter(call=closed)
    assert closed.current_status == CallStatus.PUBLISHED
    assert Question.objects.filter(call=closed).count() == 7
    # Sixty, a campaign of six near-identical ones, and the Local Government Association's.
    assert submissions.count() == 67
    assert submissions.filter(status=SubmissionStatus.SUBMITTED).count() == 62
    assert submissions.filter(status=SubmissionStatus.WITHDRAWN).count() == 2
    assert submissions.filter(status=SubmissionStatus.DRAFT).count() == 3
    assert set(submissions.values_list("organisation_type", flat=True)) == {
        "",
        "business",
        "local_authority",
        "combined_authority",
        "community",
        "education",
        "public_body",
        "parliamentarian",
        "other",
    }
    assert set(
        submissions.filter(organisation_type="business").values_list("organisation_size", flat=True)
    ) == {"micro", "small", "medium", "large"}
    references = sorted(submissions.exclude(reference="").values_list("number", flat=True))
    assert references == list(range(1, 65))  # 57 sent or withdrawn, the campaign's 6, the LGA
    sent = submissions.filter(status=SubmissionStatus.SUBMITTED)
    assert [submission_problems(submission=s) for s in sent[:5]] == [[], [], [], [], []]


def test_demo_loads_open_call_with_questions():
    _load()

    open_call = CallForEvidence.objects.get(slug="skills-and-young-people-in-coastal-towns")
    assert open_call.is_accepting_responses is True
    assert open_call.questions.count() == 4
    assert open_call.questions.filter(kind="file").count() == 1


def test_demo_is_idempotent():
    _load()
    counts = (Submission.objects.count(), Answer.objects.count(), Question.objects.count())

    _load()

    assert (Submission.objects.count(), Answer.objects.count(), Question.objects.count()) == counts


def test_demo_open_call_is_open_again_when_loaded_weeks_later():
    _load()
    open_call = CallForEvidence.objects.get(slug="skills-and-young-people-in-coastal-towns")
    opened = open_call.opens_at
    CallForEvidence.objects.filter(pk=open_call.pk).update(
        closes_at=timezone.now() - timedelta(days=3)
    )

    _load()

    open_call.refresh_from_db()
    assert open_call.is_accepting_responses is True
    assert open_call.opens_at == opened
    assert open_call.closes_at > timezone.now() + timedelta(days=40)
    assert open_call in calls_open()


def test_demo_answers_read_as_sentences():
    _load()

    closed = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    texts = Answer.objects.filter(submission__call=closed, question__kind="long_text").values_list(
        "text", flat=True
    )
    placed = [t for t in texts if t.startswith("In ")]
    assert len(placed) >= 40
    assert [t for t in placed if re.match(r"In [A-Za-z ]+, [A-Z]", t)] == []


def test_demo_call_list_shows_the_open_and_the_closed_call(client):
    _load()

    response = client.get(reverse("evidence:call-list"))

    assert [c.slug for c in response.context["open_calls"]] == [
        "skills-and-young-people-in-coastal-towns"
    ]
    assert "role-of-business-in-place-based-regeneration" in [
        c.slug for c in response.context["closed_calls"]
    ]


def test_demo_shows_a_finished_import_and_one_that_failed_with_try_again(client):
    from evidence.enums import ImportStatus
    from evidence.models import ImportJob
    from levelup.demo import demo_user
    from levelup.enums import JobStatus
    from levelup.models import Job

    _load()
    _load()

    imports = {job.original_name: job for job in ImportJob.objects.all()}
    done, failed = imports["youth-forum-paper-forms.csv"], imports["careers-fair-survey.csv"]
    assert (done.status, done.created_count) == (ImportStatus.DONE, 3)
    assert failed.status == ImportStatus.FAILED
    from evidence.services.imports import IMPORT_JOB_KIND

    assert sorted(Job.objects.filter(kind=IMPORT_JOB_KIND).values_list("status", flat=True)) == [
        JobStatus.DONE,
        JobStatus.FAILED,
    ]
    client.force_login(demo_user("secretariat"))
    page = client.get(
        reverse(
            "evidence:manage-import-progress", kwargs={"slug": failed.call.slug, "pk": failed.pk}
        )
    ).content.decode()
    assert "It stopped before finishing 3 times" in page
    assert "Try again" in page


def test_demo_publishes_the_report_idempotently(client):
    from evidence.models import (
        Excerpt,
        Finding,
        FindingExcerpt,
        Moderation,
        OralEvidence,
        Recommendation,
        Redaction,
    )

    _load()
    counts = [
        Finding.objects.count(),
        Recommendation.objects.filter(call__slug=REPORT_SLUG).count(),
        FindingExcerpt.objects.count(),
        Excerpt.objects.count(),
        Moderation.objects.count(),
        Redaction.objects.count(),
        OralEvidence.objects.count(),
    ]
    _load()

    closed = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    report = client.get(closed.get_absolute_url())
    roundtable = OralEvidence.objects.get()
    assert closed.status == CallStatus.PUBLISHED
    assert counts == [
        Finding.objects.count(),
        Recommendation.objects.filter(call__slug=REPORT_SLUG).count(),
        FindingExcerpt.objects.count(),
        Excerpt.objects.count(),
        Moderation.objects.count(),
        Redaction.objects.count(),
        OralEvidence.objects.count(),
    ]
    assert counts[:2] == [4, 12]
    assert set(
        Recommendation.objects.filter(call__slug=REPORT_SLUG).values_list("audience", flat=True)
    ) == {
        "business",
        "local_government",
        "national_government",
        "partnerships",
    }
    assert set(Moderation.objects.values_list("state", flat=True)) == {
        "approved",
        "approved_redacted",
        "withheld",
    }
    assert Redaction.objects.count() == 1
    assert [s.organisation_name for s in roundtable.informed.all()] == [
        "Local Government Association"
    ]
    assert all(len(f.quotes) >= 1 for f in report.context["report"]["findings"])
    assert "Roundtable with the Local Government Association" in report.content.decode()
    from evidence.models import CallReport, ReportChange
    from levelup.models import AuditEntry

    published = CallReport.objects.get(call=closed)
    assert published.has_current_pdf
    assert AuditEntry.objects.filter(action="evidence.report.pdf_render").count() == 1
    assert reverse("evidence:report-pdf", kwargs={"slug": closed.slug}) in report.content.decode()
    assert (
        client.get(reverse("evidence:report-pdf", kwargs={"slug": closed.slug})).status_code == 200
    )
    assert list(
        ReportChange.objects.filter(call=closed).order_by("pk").values_list("summary", flat=True)
    ) == [
        "Recommendation 4 is now addressed to Blackpool Council",
        "Oral evidence updated: Roundtable with the Local Government Association",
    ]
