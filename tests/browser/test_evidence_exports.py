"""The secretariat builds a spreadsheet of a call's responses and downloads it."""

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.test_evidence_secretariat import _sign_in, _snap
from tests.faults import celery_broker


@pytest.fixture(autouse=True)
def own_broker(own_redis):
    """Starting the export sends a task: to a Redis of this test's own, so no later test's
    worker receives it."""
    with celery_broker(own_redis.url):
        yield


def test_secretariat_builds_and_downloads_a_spreadsheet(
    page, visit, submit, secretariat, body, tmp_path, settings
):
    from evidence.tasks import export_xlsx_task
    from levelup.models import Job
    from tests.factories import (
        AnswerFactory,
        CallForEvidenceFactory,
        QuestionFactory,
        SubmissionFactory,
    )

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    call = CallForEvidenceFactory(body=body, open=True, title="Town centres", slug="towns")
    question = QuestionFactory(section__call=call, text="What works?")
    submission = SubmissionFactory(call=call, submitted=True, respondent_name="Priya Shah")
    AnswerFactory(submission=submission, question=question, text="=Buses every ten minutes")
    _sign_in(page, visit, submit, secretariat)

    visit("/manage/calls/towns/responses/")
    main = page.get_by_role("main")
    submit(main.get_by_role("button", name="Build a spreadsheet (XLSX)"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Spreadsheet of responses")
    expect(main).to_contain_text("Waiting to run")
    expect(main.get_by_role("link", name="Refresh")).to_be_visible()
    _snap(page, "export-waiting")
    export_xlsx_task.apply(kwargs={"job_id": Job.objects.get().pk})

    submit(main.get_by_role("link", name="Refresh"))
    link = main.get_by_role("link", name="Download the spreadsheet (1 response)")
    expect(link).to_be_visible()
    _snap(page, "export-done")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))

    assert download.value.suggested_filename.startswith("towns-responses-")
    assert rows[1][0] == submission.reference
    assert rows[1][rows[0].index("Name")] == "Priya Shah"
    assert rows[1][-1] == "'=Buses every ten minutes"
