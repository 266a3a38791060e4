"""CSV export of a call's responses: content, formula neutralising, streaming and permissions."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from evidence.enums import AttachmentKind, ModerationState, PublicationPreference, ScoreAggregate
from evidence.models import Attachment, Coding, Theme
from evidence.services.exports import cell_safe, export_rows
from levelup.models import AuditEntry
from tests.factories import AnswerFactory, QuestionFactory, SubmissionFactory
from tests.factories.publishing import ModerationFactory
from tests.factories.review import CriterionFactory, ReviewFactory, ScoreFactory

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
    criterion = CriterionFactory(call=call)
    theme = Theme.objects.create(call=call, name="Skills")
    for _ in range(count):
        submission = SubmissionFactory(call=call, submitted=True)
        AnswerFactory(submission=submission, question=question)
        attach(submission, "plan.pdf")
        ModerationFactory(submission=submission)
        Coding.objects.create(call=call, submission=submission, theme=theme)
        ScoreFactory(review=ReviewFactory(submission=submission), criterion=criterion, value=4)
    client.force_login(secretariat)
    ContentType.objects.get_for_model(call)  # cached for the audit entry, as in a warm process

    # Session, user, roles, call, audit entry, questions, criteria, then the rows: a
    # savepoint, jit off, the server-side cursor (its FETCHes of each chunk are not logged).
    with django_assert_num_queries(11):
        rows = read_csv(client.get(export_url(call)))

    assert len(rows) == count + 1


def test_responses_page_links_to_export(client, call, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-submissions", kwargs={"slug": call.slug}))

    assert export_url(call) in response.content.decode()


def attach(submission, name: str) -> Attachment:
    return Attachment.objects.create(
        submission=submission,
        file=f"attachments/{name}",
        original_name=name,
        kind=AttachmentKind.PDF,
        size_bytes=10,
        sha256="0" * 64,
    )


def scored(submission, criteria, values) -> None:
    review = ReviewFactory(submission=submission)
    for criterion, value in zip(criteria, values, strict=True):
        if value is not None:
            ScoreFactory(review=review, criterion=criterion, value=value)
    review.total = sum(v for v in values if v is not None) / len([v for v in values if v])
    review.save()


def test_export_rows_hold_each_criterion_mean_and_the_total(call):
    call.score_aggregate = ScoreAggregate.WEIGHTED_MEAN
    call.save()
    relevance = CriterionFactory(call=call, name="Relevance", position=1)
    evidence = CriterionFactory(call=call, name="Strength of evidence", position=2)
    CriterionFactory(call=call, name="Old criterion", position=3, removed_at="2026-01-01T00:00Z")
    submission = SubmissionFactory(call=call, submitted=True)
    scored(submission, [relevance, evidence], [4, 2])
    scored(submission, [relevance, evidence], [5, None])
    unscored = SubmissionFactory(call=call, submitted=True)

    header, first, second = list(export_rows(call=call, include_identity=False))

    total = "Review total (weighted mean of the criteria, mean across reviewers)"
    assert header[header.index("Themes") + 1 :][:3] == [
        "Relevance: mean score",
        "Strength of evidence: mean score",
        total,
    ]
    assert "Old criterion: mean score" not in header
    assert first[0] == submission.reference
    assert first[header.index("Relevance: mean score")] == "4.50"
    assert first[header.index("Strength of evidence: mean score")] == "2.00"
    assert first[header.index(total)] == "4.00"  # (3.00 + 5.00) / 2
    assert second[0] == unscored.reference
    assert second[header.index("Relevance: mean score")] == ""
    assert second[header.index(total)] == ""


def test_export_header_names_the_median_aggregate(call):
    call.score_aggregate = ScoreAggregate.MEDIAN
    call.save()

    header = next(export_rows(call=call, include_identity=False))

    assert "Review total (median of the criteria, mean across reviewers)" in header


def test_export_rows_show_each_moderation_state(call):
    pending_none = SubmissionFactory(call=call, submitted=True)
    states = {
        state: ModerationFactory(
            submission=SubmissionFactory(call=call, submitted=True),
            state=state,
            reason="Names a third party." if state == ModerationState.WITHHELD else "",
        ).submission
        for state in ModerationState
    }
    confidential = SubmissionFactory(
        call=call,
        submitted=True,
        publication_preference=PublicationPreference.CONFIDENTIAL,
    )

    rows = list(export_rows(call=call, include_identity=False))

    column = rows[0].index("Moderation")
    shown = {row[0]: row[column] for row in rows[1:]}
    assert shown == {
        pending_none.reference: "Waiting for moderation",
        states[ModerationState.PENDING].reference: "Waiting for moderation",
        states[ModerationState.APPROVED].reference: "Approved",
        states[ModerationState.APPROVED_REDACTED].reference: "Approved with redactions",
        states[ModerationState.WITHHELD].reference: "Withheld",
        confidential.reference: "Not for publication",
    }


def test_export_rows_list_file_names_with_respondent_details(call):
    submission = SubmissionFactory(call=call, submitted=True)
    attach(submission, "Priya Shah CV.pdf")
    attach(submission, "=evil.pdf")

    header, row = list(export_rows(call=call, include_identity=True))

    assert row[header.index("File names")] == "Priya Shah CV.pdf; =evil.pdf"


def test_csv_export_without_details_drops_every_identifying_field(client, call, secretariat):
    submission = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Priya Shah",
        respondent_email="priya.shah@example.org",
        organisation_name="Shah Bakeries Ltd",
    )
    attach(submission, "Shah Bakeries accounts.pdf")
    client.force_login(secretariat)

    with_details = client.get(export_url(call))
    full_text = b"".join(with_details.streaming_content).decode()
    without = client.get(export_url(call, details="0"))
    text = b"".join(without.streaming_content).decode()

    for leak in ("Priya Shah", "priya.shah@example.org", "Shah Bakeries"):
        assert leak in full_text
        assert leak not in text
    header = next(csv.reader(io.StringIO(text[1:])))
    for column in ("Name", "Email", "Organisation", "File names", "Place", "Responding as"):
        assert column not in header
    assert submission.reference in text


@pytest.mark.parametrize("count", [1, 5])
def test_export_rows_read_in_chunks_without_queries_per_row(django_assert_num_queries, call, count):
    question = QuestionFactory(call=call, section__call=call)
    criterion = CriterionFactory(call=call)
    for _ in range(count):
        submission = SubmissionFactory(call=call, submitted=True)
        AnswerFactory(submission=submission, question=question)
        attach(submission, "plan.pdf")
        ScoreFactory(review=ReviewFactory(submission=submission), criterion=criterion)

    # Questions, criteria, a savepoint, jit off, the cursor and its release: with chunks of
    # two rows, five responses take three fetches on the same cursor and no other query.
    with django_assert_num_queries(6):
        rows = list(export_rows(call=call, include_identity=True, chunk_size=2))

    assert len(rows) == count + 1
