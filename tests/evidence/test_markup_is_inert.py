"""Markup written by people (question guidance, imported files) is shown as text."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.enums import QuestionKind
from evidence.models import ImportJob, Submission
from evidence.services.imports import import_run
from tests.factories import QuestionFactory, SectionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

LINK = '<a href="https://evil.example/">Sign in again</a>'
LINK_ESCAPED = "&lt;a href=&quot;https://evil.example/&quot;&gt;Sign in again&lt;/a&gt;"
IMAGE = "<img src=x onerror=alert(1)>"
IMAGE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_question_help_text_with_markup_is_text_on_the_public_form(client, call):
    section = SectionFactory(call=call)
    QuestionFactory(section=section, kind=QuestionKind.LONG_TEXT, help_text=LINK)
    draft = SubmissionFactory(call=call, user=None)
    session = client.session
    session["evidence_responses"] = [str(draft.public_id)]
    session.save()

    html = client.get(
        reverse("evidence:response-section", kwargs={"public_id": draft.public_id, "number": 1})
    ).content.decode()

    assert LINK_ESCAPED in html
    assert 'href="https://evil.example/"' not in html


def test_imported_values_with_markup_are_text_on_every_import_page(
    client, secretariat, call, django_capture_on_commit_callbacks
):
    section = SectionFactory(call=call)
    question = QuestionFactory(section=section, text="What works?", required=True)
    client.force_login(secretariat)
    out = io.StringIO()
    csv.writer(out).writerows(
        [["Name", LINK, "Email"], [IMAGE, f"{LINK} {IMAGE}", "ann@example.org"]]
    )

    upload = client.post(
        reverse("evidence:manage-import-upload", kwargs={"slug": call.slug}),
        {"file": SimpleUploadedFile("r.csv", out.getvalue().encode(), content_type="text/csv")},
    )
    map_page = client.get(upload["Location"]).content.decode()
    checked = client.post(
        upload["Location"],
        {"col0": "respondent_name", "col1": f"q{question.pk}", "col2": "respondent_email"},
    )
    check_page = client.get(checked["Location"]).content.decode()
    with django_capture_on_commit_callbacks():
        started = client.post(checked["Location"])
    import_run(job_id=ImportJob.objects.get().pk)
    progress_page = client.get(started["Location"]).content.decode()
    imported = Submission.objects.get()
    list_page = client.get(
        reverse("evidence:manage-submissions", kwargs={"slug": call.slug})
    ).content.decode()
    detail_page = client.get(
        reverse(
            "evidence:manage-submission",
            kwargs={"slug": call.slug, "public_id": imported.public_id},
        )
    ).content.decode()

    assert LINK_ESCAPED in map_page  # the column's name
    assert f"First row: {IMAGE_ESCAPED}" in map_page
    for page in (map_page, check_page, progress_page, list_page, detail_page):
        assert 'href="https://evil.example/"' not in page
        assert "<img src=x" not in page
    assert IMAGE_ESCAPED in list_page
    assert f"{LINK_ESCAPED} {IMAGE_ESCAPED}" in detail_page
