"""What the public never gets, through the doors the page tests do not open: open data (JSON
and CSV), error pages for unpublished references, the anchor of an unquotable excerpt, a
search on redacted words, sitemaps and feeds, and the report emails. Each test first creates
what could leak (`publishing_world`: one response in every state)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from evidence.enums import CallStatus
from evidence.services.publishing import call_report_publish
from levelup.models import OutboundEmail
from tests.evidence.publishing_helpers import PRIVATE_WORDS, SECRET, publishing_world
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
)

pytestmark = pytest.mark.django_db

PRIVATE_KINDS = ("confidential", "withheld", "unmoderated", "withdrawn")


def _open_data(client, call, dataset, fmt):
    return client.get(
        reverse("evidence:open-data", kwargs={"slug": call.slug, "dataset": dataset, "fmt": fmt})
    )


def _assert_no_private_words(text: str, where: str) -> None:
    for word in PRIVATE_WORDS:
        assert word not in text, (where, word)


def test_open_data_json_holds_only_public_responses_and_no_private_words(client):
    world = publishing_world()
    finding = FindingFactory(call=world.call, title="Footfall", summary="<p>Shops.</p>")
    for name in ("named", "redacted", "withheld"):
        answer = getattr(world, name).answers.get()
        FindingExcerptFactory(
            finding=finding, excerpt=ExcerptOfAnswerFactory(answer=answer), quoted=True
        )

    files = {
        dataset: _open_data(client, world.call, dataset, "json")
        for dataset in ("evidence", "findings", "recommendations")
    }

    evidence = json.loads(files["evidence"].content)
    assert [row["reference"] for row in evidence["rows"]] == [
        world.named.reference,
        world.anonymous.reference,
        world.redacted.reference,
    ]
    assert [row["respondent"] for row in evidence["rows"]] == ["Nadia Named", "", "Rita Redacted"]
    for dataset, response in files.items():
        assert response.status_code == 200
        text = response.content.decode()
        _assert_no_private_words(text, dataset)
        for kind in PRIVATE_KINDS:
            assert getattr(world, kind).reference not in text, (dataset, kind)


def test_open_data_csv_holds_only_public_responses_and_no_private_words(client):
    world = publishing_world()

    response = _open_data(client, world.call, "evidence", "csv")

    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["reference"] for row in rows] == [
        world.named.reference,
        world.anonymous.reference,
        world.redacted.reference,
    ]
    assert [row["respondent"] for row in rows] == ["Nadia Named", "", "Rita Redacted"]
    _assert_no_private_words(text, "evidence.csv")


def test_unpublished_reference_is_a_404_that_names_nothing_private(client):
    world = publishing_world()
    slug = world.call.slug

    pages = {
        kind: client.get(
            reverse(
                "evidence:evidence-detail",
                kwargs={"slug": slug, "reference": getattr(world, kind).reference},
            )
        )
        for kind in PRIVATE_KINDS
    }

    assert {kind: page.status_code for kind, page in pages.items()} == dict.fromkeys(
        PRIVATE_KINDS, 404
    )
    for kind, page in pages.items():
        assert page.templates[0].name == "404.html"
        _assert_no_private_words(page.content.decode(), kind)


def test_anchor_of_an_excerpt_over_a_redacted_span_is_a_404_while_the_rest_resolves(client):
    world = publishing_world()
    answer = world.redacted.answers.get()
    # "Zanzibar told us the council is slow.": the first word is redacted.
    over_redaction = ExcerptOfAnswerFactory(answer=answer, number=1, start=0, end=15)
    clear_of_it = ExcerptOfAnswerFactory(
        answer=answer, number=2, start=len(SECRET) + 1, end=len(answer.text)
    )
    slug = world.call.slug

    hidden = client.get(
        reverse("evidence:excerpt-anchor", kwargs={"slug": slug, "anchor": over_redaction.anchor})
    )
    shown = client.get(
        reverse("evidence:excerpt-anchor", kwargs={"slug": slug, "anchor": clear_of_it.anchor})
    )

    assert hidden.status_code == 404
    assert hidden.templates[0].name == "404.html"
    _assert_no_private_words(hidden.content.decode(), "anchor over redaction")
    assert shown.status_code == 200
    assert "told us the council is slow." in shown.content.decode()
    _assert_no_private_words(shown.content.decode(), "anchor clear of redaction")


def test_search_never_matches_a_redacted_word_or_a_private_response(client):
    world = publishing_world()
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    by_redacted_word = client.get(url, {"q": SECRET})
    by_private_words = [client.get(url, {"q": word}) for word in ("Held", "Conf", "Pend", "Gone")]
    by_published_name = client.get(url, {"q": "Rita"})

    assert list(by_redacted_word.context["submissions"]) == []
    assert [list(page.context["submissions"]) for page in by_private_words] == [[], [], [], []]
    assert list(by_published_name.context["submissions"]) == [world.redacted]


@pytest.mark.parametrize(
    "path",
    ["/sitemap.xml", "/sitemap_index.xml", "/feed/", "/rss.xml", "/atom.xml", "/calls/feed/"],
)
def test_there_are_no_sitemaps_or_feeds(client, path):
    world = publishing_world()

    response = client.get(path)
    call_feed = client.get(f"/calls/{world.call.slug}/feed/")

    assert (response.status_code, call_feed.status_code) == (404, 404)
    _assert_no_private_words(response.content.decode(), path)


def test_report_emails_link_only_to_published_responses_and_hold_nothing_private(secretariat):
    world = publishing_world(status=CallStatus.ANALYSING)
    FindingFactory(call=world.call)
    for kind in ("named", "anonymous", "redacted", *PRIVATE_KINDS):
        submission = getattr(world, kind)
        submission.wants_report = True
        submission.save(update_fields=["wants_report"])

    call_report_publish(actor=secretariat, call=world.call, base_url="https://x.test/")

    emails = {e.to[0]: e.body_text for e in OutboundEmail.objects.all()}
    public = {world.named, world.anonymous, world.redacted}
    for submission in public:
        assert f"/evidence/{submission.reference}/" in emails[submission.respondent_email]
    for kind in ("confidential", "withheld", "unmoderated"):
        assert "/evidence/" not in emails[getattr(world, kind).respondent_email]
    # A withdrawn response gets no email about a report it left.
    assert world.withdrawn.respondent_email not in emails
    for address, body in emails.items():
        assert SECRET not in body, address
        assert "Defamatory" not in body, address
        others = [
            getattr(world, kind).reference
            for kind in ("named", "anonymous", "redacted", *PRIVATE_KINDS)
            if getattr(world, kind).respondent_email != address
        ]
        for reference in others:
            assert reference not in body, (address, reference)
