"""The public report, evidence index, evidence pages and excerpt anchors: what shows, what
never leaks, and how many queries each list costs."""

import pytest
from django.urls import reverse

from evidence.enums import CallStatus, PublicationPreference
from evidence.models import CallReport
from evidence.selectors.publishing import FINDING_RESPONSES_KEY, report_figures_to_store
from evidence.services.publishing import call_report_publish, finding_excerpts_add
from tests.evidence.publishing_helpers import PRIVATE_WORDS, SECRET, publishing_world
from tests.factories import AnswerFactory, SubmissionFactory
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    ModerationFactory,
    OralEvidenceFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def _report_world():
    world = publishing_world()
    finding = FindingFactory(call=world.call, title="High streets need footfall")
    excerpts = {}
    for name in ("named", "anonymous", "redacted", "confidential", "withheld", "unmoderated"):
        answer = getattr(world, name).answers.get()
        excerpt = ExcerptOfAnswerFactory(answer=answer, start=0, end=len(answer.text) - 1)
        # Quoted directly in the database, as if consent changed after quoting: the page
        # must still hold back what may not be quoted.
        FindingExcerptFactory(finding=finding, excerpt=excerpt, quoted=True)
        excerpts[name] = excerpt
    RecommendationFactory(call=world.call, text="Business should open its doors.")
    RecommendationFactory(
        call=world.call, text="Councils should cut parking charges.", audience="local_government"
    )
    OralEvidenceFactory(call=world.call, title="Roundtable with the councils").informed.add(
        world.named, world.withheld
    )
    return world, finding, excerpts


def _public_pages(client, world, excerpts):
    slug = world.call.slug
    pages = [
        client.get(reverse("evidence:call-detail", kwargs={"slug": slug})),
        client.get(reverse("evidence:evidence-index", kwargs={"slug": slug})),
        client.get(reverse("evidence:evidence-index", kwargs={"slug": slug}), {"q": SECRET}),
        client.get(reverse("evidence:evidence-index", kwargs={"slug": slug}), {"q": "Anna"}),
    ]
    for name in [
        "named",
        "anonymous",
        "redacted",
        "confidential",
        "withheld",
        "unmoderated",
        "withdrawn",
    ]:
        reference = getattr(world, name).reference
        pages.append(
            client.get(
                reverse("evidence:evidence-detail", kwargs={"slug": slug, "reference": reference})
            )
        )
    for excerpt in excerpts.values():
        pages.append(
            client.get(
                reverse("evidence:excerpt-anchor", kwargs={"slug": slug, "anchor": excerpt.anchor})
            )
        )
    return pages


def test_report_shows_findings_quotes_recommendations_and_oral_evidence(client):
    world, _finding, excerpts = _report_world()

    response = client.get(world.call.get_absolute_url())

    body = response.content.decode()
    assert response.templates[0].name == "evidence/report/report.html"
    assert "High streets need footfall" in body
    assert excerpts["named"].text in body
    assert "Nadia Named" in body
    assert excerpts["anonymous"].text in body
    assert "Business should open its doors." in body
    assert "For Local government" in body
    assert "Roundtable with the councils" in body
    assert "{#" not in body  # no template comment printed (a {# #} comment is one line only)
    assert [q.excerpt.pk for q in response.context["report"]["findings"][0].quotes] == [
        excerpts["named"].pk,
        excerpts["anonymous"].pk,
    ]
    assert [q.anchor for q in response.context["report"]["findings"][0].quotes] == [
        excerpts["named"].anchor,
        excerpts["anonymous"].anchor,
    ]
    assert response.context["report"]["findings"][0].response_count == 6


def test_nothing_private_reaches_the_public(client, mailoutbox):
    world, _finding, excerpts = _report_world()

    pages = _public_pages(client, world, excerpts)

    statuses = [page.status_code for page in pages]
    # report, index, two searches; seven responses; six excerpt anchors
    assert statuses == [
        *[200, 200, 200, 200],
        *[200, 200, 200, 404, 404, 404, 404],
        *[200, 200, 404, 404, 404, 404],
    ]
    for page in pages:
        # The search box repeats what was typed; everything else must hold nothing private.
        body = page.content.decode().replace(f'value="{SECRET}"', "")
        for word in PRIVATE_WORDS:
            assert word not in body, (page.request["PATH_INFO"], word)


def test_evidence_index_search_finds_only_published_words(client):
    world, _finding, _excerpts = _report_world()
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    by_name = client.get(url, {"q": "Nadia"})
    by_hidden_name = client.get(url, {"q": "Anna Hidden"})
    by_reference = client.get(url, {"q": world.anonymous.reference})

    assert list(by_name.context["submissions"]) == [world.named]
    assert list(by_hidden_name.context["submissions"]) == []
    assert list(by_reference.context["submissions"]) == [world.anonymous]


def test_evidence_index_filters_by_type_and_place(client):
    world, _finding, _excerpts = _report_world()
    business = SubmissionFactory(
        call=world.call,
        submitted=True,
        responding_as="organisation",
        organisation_name="Blackpool Rock Ltd",
        organisation_type="business",
        publication_preference=PublicationPreference.NAMED,
    )
    ModerationFactory(submission=business)
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    businesses = client.get(url, {"type": "business"})
    individuals = client.get(url, {"type": "individual"})

    assert list(businesses.context["submissions"]) == [business]
    assert list(individuals.context["submissions"]) == [
        world.named,
        world.anonymous,
        world.redacted,
    ]


def test_published_response_shows_redacted_text_and_findings(client):
    world, finding, _excerpts = _report_world()

    response = client.get(
        reverse(
            "evidence:evidence-detail",
            kwargs={"slug": world.call.slug, "reference": world.redacted.reference},
        )
    )

    body = response.content.decode()
    assert "[redacted: personal data] told us the council is slow." in body
    assert SECRET not in body
    assert response.context["findings"] == [finding]
    assert response.context["original_files"] is False


def test_anonymous_response_page_shows_type_only(client):
    world, _finding, _excerpts = _report_world()

    response = client.get(
        reverse(
            "evidence:evidence-detail",
            kwargs={"slug": world.call.slug, "reference": world.anonymous.reference},
        )
    )

    assert response.context["label"] == "Individual"
    assert "Anna Hidden" not in response.content.decode()


@pytest.mark.parametrize("status", [CallStatus.CLOSED, CallStatus.ANALYSING])
def test_nothing_is_public_before_the_report(client, status):
    world = publishing_world(status=status)
    excerpt = ExcerptOfAnswerFactory(answer=world.named.answers.get())
    slug = world.call.slug

    pages = [
        client.get(reverse("evidence:evidence-index", kwargs={"slug": slug})),
        client.get(
            reverse(
                "evidence:evidence-detail",
                kwargs={"slug": slug, "reference": world.named.reference},
            )
        ),
        client.get(
            reverse("evidence:excerpt-anchor", kwargs={"slug": slug, "anchor": excerpt.anchor})
        ),
    ]

    assert [p.status_code for p in pages] == [404, 404, 404]
    assert "Nadia Named" not in client.get(world.call.get_absolute_url()).content.decode()


def test_excerpt_anchor_resolves_to_its_text(client):
    world, _finding, excerpts = _report_world()
    excerpt = excerpts["named"]

    response = client.get(
        reverse(
            "evidence:excerpt-anchor", kwargs={"slug": world.call.slug, "anchor": excerpt.anchor}
        )
    )

    assert response.context["excerpt"] == excerpt
    assert excerpt.text in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_evidence_index_queries_constant(client, rows, django_assert_num_queries):
    world = publishing_world()
    for _n in range(rows - 1):
        extra = SubmissionFactory(call=world.call, submitted=True)
        AnswerFactory(submission=extra)
        ModerationFactory(submission=extra)
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    with django_assert_num_queries(4):
        response = client.get(url, {"type": "individual"})

    assert len(response.context["submissions"]) == rows + 2


@pytest.mark.parametrize("rows", [1, 3])
def test_report_page_queries_constant(client, rows, django_assert_num_queries):
    world = publishing_world()
    answers = [world.named.answers.get(), world.anonymous.answers.get()]
    for n in range(rows):
        finding = FindingFactory(call=world.call, position=n)
        for m in range(rows):
            excerpt = ExcerptOfAnswerFactory(answer=answers[m % 2], number=10 + n * rows + m)
            FindingExcerptFactory(finding=finding, excerpt=excerpt, quoted=True, position=m)
        RecommendationFactory(call=world.call)
        OralEvidenceFactory(call=world.call).informed.add(world.named)
    # Published: the figures, each finding's response count among them, stored with the report.
    CallReport.objects.create(call=world.call, figures=report_figures_to_store(call=world.call))

    with django_assert_num_queries(12):
        response = client.get(world.call.get_absolute_url())

    findings = response.context["report"]["findings"]
    assert [len(f.quotes) for f in findings] == [rows] * rows
    assert [f.response_count for f in findings] == [min(rows, 2)] * rows


def test_report_response_count_follows_a_finding_s_excerpts_after_publication(
    client, body, secretariat
):
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    finding = FindingFactory(call=world.call, title="High streets need footfall")
    first = ExcerptOfAnswerFactory(answer=world.named.answers.get())
    FindingExcerptFactory(finding=finding, excerpt=first, quoted=True)
    call_report_publish(actor=secretariat, call=world.call)
    before = client.get(world.call.get_absolute_url()).context["report"]["findings"][0]
    second = ExcerptOfAnswerFactory(answer=world.anonymous.answers.get())

    finding_excerpts_add(actor=secretariat, finding=finding, excerpts=[second])

    after = client.get(world.call.get_absolute_url())
    stored = CallReport.objects.get(call=world.call).figures[FINDING_RESPONSES_KEY]
    assert before.response_count == 1
    assert stored == {str(finding.pk): 2}
    assert after.context["report"]["findings"][0].response_count == 2
    assert "Drawn from 2 responses." in after.content.decode()
