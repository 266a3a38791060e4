"""The secretariat's publishing pages: who may open them, what they do, how many queries."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evidence.enums import CallStatus, ModerationState
from evidence.models import Finding, FindingExcerpt, Moderation, Recommendation, Redaction
from levelup.enums import Role
from tests.evidence.publishing_helpers import publishing_world
from tests.factories import (
    AnswerFactory,
    BodyFactory,
    RoleGrantFactory,
    SubmissionFactory,
    UserFactory,
)
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    ModerationFactory,
    PublishingThemeFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "respondent", "reviewer", "secretariat", "other_secretariat", "site_admin"]


@pytest.fixture
def people(respondent, reviewer, secretariat, site_admin):
    other = UserFactory(name="Otto Other")
    RoleGrantFactory(user=other, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return {
        "anonymous": None,
        "respondent": respondent,
        "reviewer": reviewer,
        "secretariat": secretariat,
        "other_secretariat": other,
        "site_admin": site_admin,
    }


def _pages(call):
    submission = SubmissionFactory(call=call, submitted=True)
    AnswerFactory(submission=submission)
    theme = PublishingThemeFactory(call=call)
    finding = FindingFactory(call=call)
    slug = call.slug
    return {
        "moderation": reverse("evidence:manage-moderation", kwargs={"slug": slug}),
        "moderation-detail": reverse(
            "evidence:manage-moderation-detail",
            kwargs={"slug": slug, "public_id": submission.public_id},
        ),
        "findings": reverse("evidence:manage-findings", kwargs={"slug": slug}),
        "finding": reverse("evidence:manage-finding", kwargs={"slug": slug, "pk": finding.pk}),
        "pick": reverse(
            "evidence:manage-finding-pick",
            kwargs={"slug": slug, "pk": finding.pk, "theme": theme.pk},
        ),
        "recommendations": reverse("evidence:manage-recommendations", kwargs={"slug": slug}),
        "publish": reverse("evidence:manage-report-publish", kwargs={"slug": slug}),
    }


PAGES = ["moderation", "moderation-detail", "findings", "finding", "pick", "recommendations"]
PAGES += ["publish"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_publishing_pages_per_role(client, call, people, role, page):
    url = _pages(call)[page]
    if people[role]:
        client.force_login(people[role])
    expected = {
        "anonymous": 302,
        "respondent": 403,
        "reviewer": 200 if page == "moderation-detail" else 403,
        "secretariat": 200,
        "other_secretariat": 403,
        "site_admin": 200,
    }[role]

    response = client.get(url)

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("action", ["decide", "redact", "unredact"])
def test_reviewer_may_only_propose(client, call, reviewer, action):
    submission = SubmissionFactory(call=call, submitted=True)
    AnswerFactory(submission=submission, text="Jo Bloggs said so.")
    url = reverse(
        "evidence:manage-moderation-detail",
        kwargs={"slug": call.slug, "public_id": submission.public_id},
    )
    client.force_login(reviewer)

    refused = client.post(url, {"action": action, "state": "approved"})
    proposed = client.post(url, {"action": "propose", "state": "withheld", "reason": "Names"})

    assert refused.status_code == 403
    assert proposed.status_code == 302
    moderation = Moderation.objects.get(submission=submission)
    assert (moderation.state, moderation.proposed_state) == ("pending", "withheld")


def test_draft_call_pages_are_404_outside_the_body(client, people):
    world = publishing_world(status=CallStatus.DRAFT)
    client.force_login(people["other_secretariat"])

    response = client.get(reverse("evidence:manage-findings", kwargs={"slug": world.call.slug}))

    assert response.status_code == 404


def test_secretariat_redacts_by_pasting_then_approves(client, call, secretariat):
    submission = SubmissionFactory(call=call, submitted=True)
    answer = AnswerFactory(submission=submission, text="Ring Jo Bloggs on 07700 900123.")
    url = reverse(
        "evidence:manage-moderation-detail",
        kwargs={"slug": call.slug, "public_id": submission.public_id},
    )
    client.force_login(secretariat)

    client.post(
        url,
        {
            "action": "redact",
            "source": f"answer-{answer.pk}",
            "quoted": "07700 900123",
            "reason": "personal_data",
        },
    )
    client.post(url, {"action": "decide", "state": "approved_redacted", "reason": ""})
    page = client.get(url)

    redaction = Redaction.objects.get()
    assert (redaction.start, redaction.end, redaction.reason) == (18, 30, "personal_data")
    assert Moderation.objects.get().state == ModerationState.APPROVED_REDACTED
    assert "Ring Jo Bloggs on [redacted: personal data]." in page.content.decode()


def test_secretariat_withhold_without_reason_shows_the_error(client, call, secretariat):
    submission = SubmissionFactory(call=call, submitted=True)
    url = reverse(
        "evidence:manage-moderation-detail",
        kwargs={"slug": call.slug, "public_id": submission.public_id},
    )
    client.force_login(secretariat)

    response = client.post(url, {"action": "decide", "state": "withheld", "reason": ""})

    assert response.status_code == 200
    assert response.context["moderation_form"].errors == {
        "reason": ["Say why the response is withheld."]
    }


def test_secretariat_writes_a_finding_from_theme_excerpts(client, call, secretariat):
    theme = PublishingThemeFactory(call=call)
    submission = SubmissionFactory(call=call, submitted=True)
    excerpt = ExcerptOfAnswerFactory(answer__submission=submission, theme=theme)
    client.force_login(secretariat)

    created = client.post(
        reverse("evidence:manage-findings", kwargs={"slug": call.slug}),
        {"title": "Footfall matters", "summary": "<p>Shops need people.</p>", "themes": [theme.pk]},
    )
    finding = Finding.objects.get()
    client.post(
        reverse(
            "evidence:manage-finding-pick",
            kwargs={"slug": call.slug, "pk": finding.pk, "theme": theme.pk},
        ),
        {"excerpts": [excerpt.pk]},
    )
    link = FindingExcerpt.objects.get()
    refused = client.post(
        reverse("evidence:manage-finding", kwargs={"slug": call.slug, "pk": finding.pk}),
        {"action": "quote", "link": link.pk},
        follow=True,
    )

    assert created["Location"] == reverse(
        "evidence:manage-finding", kwargs={"slug": call.slug, "pk": finding.pk}
    )
    assert [str(m) for m in get_messages(refused.wsgi_request)][-1:] == [
        f"{excerpt.anchor} cannot be quoted publicly: the response has not been moderated "
        "yet. It still informs the finding."
    ]
    assert refused.context["counts"]["total"] == 1
    link.refresh_from_db()
    assert link.quoted is False


def test_secretariat_adds_a_recommendation(client, call, secretariat):
    finding = FindingFactory(call=call)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-recommendations", kwargs={"slug": call.slug}),
        {"text": "Open the shops.", "audience": "business", "findings": [finding.pk]},
    )

    recommendation = Recommendation.objects.get()
    assert (recommendation.text, list(recommendation.findings.all())) == (
        "Open the shops.",
        [finding],
    )


def test_publish_page_lists_what_is_held_back_then_publishes(client, body, secretariat):
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    FindingFactory(call=world.call)
    url = reverse("evidence:manage-report-publish", kwargs={"slug": world.call.slug})
    client.force_login(secretariat)

    confirm = client.get(url)
    published = client.post(url)

    assert confirm.context["counts"] == {
        "publishable": 3,
        "confidential": 1,
        "withheld": 1,
        "unmoderated": 1,
        "withdrawn": 1,
        "anonymous": 1,
        "redacted": 1,
        "findings": 1,
        "recommendations": 0,
    }
    assert published["Location"] == world.call.get_absolute_url()
    world.call.refresh_from_db()
    assert world.call.status == CallStatus.PUBLISHED


def test_mark_as_published_by_hand_is_gone(client, body, secretariat):
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-call-transition", kwargs={"slug": world.call.slug}),
        {"to": "published"},
    )

    assert response.status_code == 404
    world.call.refresh_from_db()
    assert world.call.status == CallStatus.ANALYSING


@pytest.mark.parametrize("rows", [1, 3])
def test_moderation_list_queries_constant(
    client, call, secretariat, rows, django_assert_num_queries
):
    for _n in range(rows):
        ModerationFactory(submission=SubmissionFactory(call=call, submitted=True))
    client.force_login(secretariat)

    with django_assert_num_queries(6):
        response = client.get(reverse("evidence:manage-moderation", kwargs={"slug": call.slug}))

    assert len(response.context["submissions"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_finding_and_recommendation_lists_queries_constant(
    client, call, secretariat, rows, django_assert_num_queries
):
    theme = PublishingThemeFactory(call=call)
    for _n in range(rows):
        finding = FindingFactory(call=call)
        finding.themes.add(theme)
        RecommendationFactory(call=call).findings.add(finding)
    client.force_login(secretariat)

    with django_assert_num_queries(7):
        findings = client.get(reverse("evidence:manage-findings", kwargs={"slug": call.slug}))
    with django_assert_num_queries(8):
        recs = client.get(reverse("evidence:manage-recommendations", kwargs={"slug": call.slug}))

    assert len(findings.context["findings"]) == rows
    assert len(recs.context["recommendations"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_finding_evidence_and_pick_queries_constant(
    client, call, secretariat, rows, django_assert_num_queries
):
    theme = PublishingThemeFactory(call=call)
    finding = FindingFactory(call=call)
    for _n in range(rows):
        excerpt = ExcerptOfAnswerFactory(
            answer__submission=SubmissionFactory(call=call, submitted=True), theme=theme
        )
        FindingExcerptFactory(finding=finding, excerpt=excerpt)
    client.force_login(secretariat)

    with django_assert_num_queries(11):
        detail = client.get(
            reverse("evidence:manage-finding", kwargs={"slug": call.slug, "pk": finding.pk})
        )
    with django_assert_num_queries(9):
        pick = client.get(
            reverse(
                "evidence:manage-finding-pick",
                kwargs={"slug": call.slug, "pk": finding.pk, "theme": theme.pk},
            )
        )

    assert len(detail.context["evidence"]) == rows
    assert len(pick.context["excerpts"]) == rows
