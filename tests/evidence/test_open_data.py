"""Open data of a published call: what is offered, the licence, and what never leaks."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, ModerationState, PublicationPreference, SubmissionStatus
from evidence.models import Finding, Moderation, Recommendation
from evidence.services.followup import followup_record_response, followup_start
from tests.factories import CallForEvidenceFactory, OrganisationFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

LEAKS = (
    "Andy Anonymous",
    "Anonymous Bakery",
    "Connie",
    "Secret Holdings",
    "Walter",
    "Dora",
    "Ursula",
    "Wendy",
)


@pytest.fixture
def published_call(body):
    return CallForEvidenceFactory(body=body, closed=True, status=CallStatus.PUBLISHED)


def data_url(call, dataset, fmt):
    return reverse("evidence:open-data", kwargs={"slug": call.slug, "dataset": dataset, "fmt": fmt})


def evidence_set(call):
    """A response of each kind that could leak, and one named and one anonymous to publish."""
    named = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Nadia Named",
        organisation_name="Named Chamber of Commerce",
        publication_preference=PublicationPreference.NAMED,
    )
    anonymous = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Andy Anonymous",
        organisation_name="Anonymous Bakery Ltd",
        publication_preference=PublicationPreference.ANONYMOUS,
    )
    SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Connie Confidential",
        organisation_name="Secret Holdings",
        publication_preference=PublicationPreference.CONFIDENTIAL,
    )
    withdrawn = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Walter Withdrawn",
        publication_preference=PublicationPreference.NAMED,
    )
    withdrawn.status = SubmissionStatus.WITHDRAWN
    withdrawn.withdrawn_at = withdrawn.submitted_at
    withdrawn.save()
    SubmissionFactory(
        call=call,
        respondent_name="Dora Draft",
        publication_preference=PublicationPreference.NAMED,
    )
    for submission in (named, anonymous):
        Moderation.objects.create(
            call=call,
            submission=submission,
            state=ModerationState.APPROVED,
            decided_at=timezone.now(),
        )
    SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Ursula Unmoderated",
        publication_preference=PublicationPreference.NAMED,
    )
    withheld = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Wendy Withheld",
        publication_preference=PublicationPreference.NAMED,
    )
    Moderation.objects.create(
        call=call,
        submission=withheld,
        state=ModerationState.WITHHELD,
        decided_at=timezone.now(),
        reason="Names a private individual.",
    )


def test_evidence_json_has_only_published_responses_without_anonymous_names(client, published_call):
    evidence_set(published_call)

    response = client.get(data_url(published_call, "evidence", "json"))

    text = response.content.decode()
    data = json.loads(text)
    assert response.status_code == 200
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert [row["respondent"] for row in data["rows"]] == ["Nadia Named", ""]
    assert [row["organisation"] for row in data["rows"]] == ["Named Chamber of Commerce", ""]
    for leak in (
        "Andy Anonymous",
        "Anonymous Bakery",
        "Connie",
        "Secret Holdings",
        "Walter",
        "Dora",
    ):
        assert leak not in text


def test_evidence_csv_matches_and_does_not_leak(client, published_call):
    evidence_set(published_call)

    response = client.get(data_url(published_call, "evidence", "csv"))

    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{published_call.slug}-evidence.csv"'
    )
    assert "license" in response["Link"]
    assert rows[0] == ["reference", "sent_on", "responding_as", "respondent", "organisation"]
    assert [row[3] for row in rows[1:]] == ["Nadia Named", ""]
    for leak in (
        "Andy Anonymous",
        "Anonymous Bakery",
        "Connie",
        "Secret Holdings",
        "Walter",
        "Dora",
    ):
        assert leak not in text


def test_findings_and_recommendations_with_followup(client, published_call, secretariat):
    finding = Finding.objects.create(
        call=published_call, title="Anchor firms matter", summary="<p>Big <em>local</em> firms.</p>"
    )
    recommendation = Recommendation.objects.create(
        call=published_call,
        text="=Councils should name anchor firms",
        audience="local_government",
        addressed_to=OrganisationFactory(name="Local Government Association"),
    )
    recommendation.findings.add(finding)
    (followup,) = followup_start(actor=secretariat, call=published_call)
    followup_record_response(
        actor=secretariat,
        followup=followup,
        response="accepted",
        responded_by="LGA Chair",
        responded_on=followup.created_at.date(),
    )

    findings = json.loads(client.get(data_url(published_call, "findings", "json")).content)
    recs_csv = client.get(data_url(published_call, "recommendations", "csv")).content.decode()
    rows = list(csv.reader(io.StringIO(recs_csv.lstrip("\ufeff"))))

    assert findings["rows"] == [
        {"number": 1, "title": "Anchor firms matter", "summary": "Big local firms."}
    ]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["recommendation"] == "'=Councils should name anchor firms"
    assert record["addressed_to"] == "Local Government Association"
    assert record["findings"] == "1"
    assert record["response"] == "Accepted"
    assert record["responded_by"] == "LGA Chair"


@pytest.mark.parametrize("status", [CallStatus.CLOSED, CallStatus.ANALYSING, CallStatus.DRAFT])
def test_open_data_is_404_before_publication(client, body, status):
    call = CallForEvidenceFactory(body=body, closed=True, status=status)
    SubmissionFactory(call=call, submitted=True, publication_preference=PublicationPreference.NAMED)
    Finding.objects.create(call=call, title="Draft finding")

    responses = [
        client.get(reverse("evidence:open-data-index", kwargs={"slug": call.slug})),
        client.get(data_url(call, "evidence", "json")),
        client.get(data_url(call, "findings", "csv")),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_unknown_dataset_or_format_is_404(client, published_call):
    assert client.get(data_url(published_call, "reviews", "csv")).status_code == 404
    assert client.get(data_url(published_call, "evidence", "xml")).status_code == 404


def test_open_data_index_states_licence_and_links(client, published_call):
    response = client.get(reverse("evidence:open-data-index", kwargs={"slug": published_call.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Open Government Licence v3.0" in content
    assert data_url(published_call, "recommendations", "json") in content


def test_call_page_and_tracker_link_open_data(client, published_call):
    index = reverse("evidence:open-data-index", kwargs={"slug": published_call.slug})

    call_page = client.get(reverse("evidence:call-detail", kwargs={"slug": published_call.slug}))
    tracker = client.get(reverse("evidence:call-tracker", kwargs={"slug": published_call.slug}))

    assert index in call_page.content.decode()
    assert index in tracker.content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_open_data_query_count(client, django_assert_num_queries, published_call, count):
    for n in range(count):
        finding = Finding.objects.create(call=published_call, title=f"F{n}", position=n)
        rec = Recommendation.objects.create(
            call=published_call, text=f"R{n}", audience="other", position=n
        )
        rec.findings.add(finding)
        SubmissionFactory(call=published_call, submitted=True)

    with django_assert_num_queries(2):
        client.get(data_url(published_call, "evidence", "json"))
    with django_assert_num_queries(2):
        client.get(data_url(published_call, "findings", "json"))
    with django_assert_num_queries(4):
        client.get(data_url(published_call, "recommendations", "json"))
