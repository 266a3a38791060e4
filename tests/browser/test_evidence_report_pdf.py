"""The secretariat publishes a report and watches its PDF being made (a real Celery worker
runs the background job); the public reads the report and downloads the PDF, whose text
holds the findings and the quote, and nothing withheld."""

import io
import queue
import time

import pypdf
from celery.signals import task_postrun
from playwright.sync_api import expect

from evidence.enums import CallStatus, ModerationState
from evidence.models import CallReport
from tests.browser.conftest import RESULTS_DIR
from tests.factories import AnswerFactory, CallForEvidenceFactory, SubmissionFactory
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    ModerationFactory,
    RecommendationFactory,
)

from .test_partnerships_members import sign_in, sign_out

QUOTE = "Open shops on the high street help everyone."
WITHHELD = "Withheld words about a named shopkeeper."


def _snap(page, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"evidence-report-pdf-{name}.png", full_page=True)


def _world(body):
    call = CallForEvidenceFactory(body=body, closed=True, title="High streets")
    call.status = CallStatus.ANALYSING
    call.save(update_fields=["status"])
    finding = FindingFactory(call=call, title="Open shops bring people back", position=1)
    FindingFactory(call=call, title="Parking costs keep shoppers away", position=2)
    for name, text, state in [
        ("Nadia Named", QUOTE, ModerationState.APPROVED),
        ("Wanda Withheld", WITHHELD, ModerationState.WITHHELD),
    ]:
        submission = SubmissionFactory(
            call=call, submitted=True, respondent_name=name, publication_preference="named"
        )
        ModerationFactory(submission=submission, state=state, reason="Names a person")
        answer = AnswerFactory(submission=submission, text=text)
        excerpt = ExcerptOfAnswerFactory(answer=answer, end=len(text))
        FindingExcerptFactory(finding=finding, excerpt=excerpt, quoted=True)
    RecommendationFactory(call=call, text="Councils should keep town-centre parking cheap.")
    return call


def test_report_pdf_made_in_the_background_and_downloaded_by_the_public(
    page, visit, submit, secretariat, body, celery_worker_thread, settings, tmp_path
):
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path)
    call = _world(body)
    rendered: queue.Queue = queue.Queue()

    def record_rendered(sender=None, **extra):
        if sender.name == "evidence.report_pdf":
            rendered.put(True)

    task_postrun.connect(record_rendered, weak=False)
    try:
        sign_in(page, visit, submit, email=secretariat.email)
        visit(f"/manage/calls/{call.slug}/publish/")
        main = page.get_by_role("main")
        submit(main.get_by_role("button", name="Publish the report"))
        expect(page.get_by_text("The report is published.")).to_be_visible()
        # On a busy machine an attempt may be retried: wait until the PDF is stored.
        deadline = time.monotonic() + 240
        while not CallReport.objects.get(call=call).has_current_pdf:
            rendered.get(timeout=max(1, deadline - time.monotonic()))
    finally:
        task_postrun.disconnect(record_rendered)

    visit(f"/manage/calls/{call.slug}/publish/")
    expect(main.get_by_role("status")).to_contain_text("Ready: made on")
    _snap(page, "publishing-page")
    sign_out(page, submit)

    visit(f"/calls/{call.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("High streets")
    expect(main).to_contain_text(QUOTE)
    expect(main).not_to_contain_text(WITHHELD)
    link = main.get_by_role("link", name="Download the report (PDF,")
    expect(link).to_be_visible()
    _snap(page, "report")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pages = pypdf.PdfReader(io.BytesIO(response.body())).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Open shops bring people back" in text
    assert "Parking costs keep shoppers away" in text
    assert QUOTE in text
    assert "Councils should keep town-centre parking cheap." in text
    assert "Wanda Withheld" not in text
    assert WITHHELD not in text
