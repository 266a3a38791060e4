"""CSV export of a call's responses: content, formula neutralising, streaming and permissions."""

import csv
import io

import pytest
from django.urls import reverse

from evidence.models import Coding, Theme
from evidence.services.exports import cell_safe, export_rows
from levelup.models import AuditEntry
from tests.factories import AnswerFactory, QuestionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def export_url(call, **query):
    url = reverse("evidence:manage-export-csv", kwargs={"slug": call.slug})
    return url + ("?details=0" if query.get("details") == "0" else "")


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain words", "Plain words"),
        (None, ""),
        (3, "3"),
    ],
)
def test_cell_safe_neutralises_formula_starts(value, expected):
    assert cell_safe(value) == expected


def test_export_rows_hold_answers_themes_and_details(call):
    question = QuestionFactory(call=call, section__call=call, text="What works locally?")
    submission = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Priya Shah",
        organisation_name="=cmd|' /C calc'!A0",
    )
    AnswerFactory(submission=submission, question=question, text="@risk Business rates pooling")
    theme = Theme.objects.create(call=call, name="Skills")
    Coding.objects.create(call=call, submission=submission, theme=theme)
    SubmissionFactory(call=call, respondent_name="Drafty McDraft")  # a draft is not exported

    rows = list(export_rows(call=call, include_identity=True))

    header, row = rows[0], rows[1]
    assert len(rows) == 2
    assert header[-1] == "What works locally?"
    assert row[0] == submission.reference
    assert row[header.index("Name")] == "Priya Shah"
    assert row[header.index("Organisation")] == "'=cmd|' /C calc'!A0"
    assert row[header.index("Themes")] == "Skills"
    assert row[-1] == "'@risk Business rates pooling"


def test_export_rows_without_identity_leave_out_respondent(call):
    SubmissionFactory(call=call, submitted=True, respondent_name="Priya Shah")

    rows = list(export_rows(call=call, include_identity=False))

    assert "Name" not in rows[0]
    assert "Email" not in rows[0]
    assert not any("Priya Shah" in cell for row in rows for cell in row)


def test_csv_export_streams_for_secretariat_and_is_audited(client, call, secretariat):
    SubmissionFactory(call=call, submitted=True, respondent_name="Tom Okafor")
    client.force_login(secretariat)

    response = client.get(export_url(call))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{call.slug}-responses-'
    )
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[1][rows[0].index("Name")] == "Tom Okafor"
    entry = AuditEntry.objects.get(action="call.responses_export")
    assert entry.changes == {"format": "csv", "respondent_details": True}


def test_csv_export_without_details(client, call, secretariat):
    SubmissionFactory(call=call, submitted=True, respondent_name="Tom Okafor")
    client.force_login(secretariat)

    rows = read_csv(client.get(export_url(call, details="0")))

    assert "Name" not in rows[0]
    assert "Tom Okafor" not in str(rows)


def test_csv_export_refusals(client, call, reviewer, respondent):
    SubmissionFactory(call=call, submitted=True)

    anonymous = client.get(export_url(call))
    client.force_login(respondent)
    as_respondent = client.get(export_url(call))
    client.force_login(reviewer)
    as_reviewer = client.get(export_url(call))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_respondent.status_code == 403
    assert as_reviewer.status_code == 403
    assert not AuditEntry.objects.filter(action="call.responses_export").exists()


def test_csv_export_allowed_for_site_admin(client, call, site_admin):
    client.force_login(site_admin)

    rows = read_csv(client.get(export_url(call)))

    assert rows[0][0] == "Reference"


@pytest.mark.parametrize("count", [1, 6])
def test_csv_export_query_count(client, django_assert_num_queries, call, secretariat, count):
    question = QuestionFactory(call=call, section__call=call)
    for _ in range(count):
        AnswerFactory(submission=SubmissionFactory(call=call, submitted=True), question=question)
    client.force_login(secretariat)

    with django_assert_num_queries(7):
        rows = read_csv(client.get(export_url(call)))

    assert len(rows) == count + 1


def test_responses_page_links_to_export(client, call, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-submissions", kwargs={"slug": call.slug}))

    assert export_url(call) in response.content.decode()
