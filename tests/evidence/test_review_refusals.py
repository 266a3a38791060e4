"""Every reviewer-side and review set-up URL refuses people outside the call's review.

The URLs are read from the URLconf (every route served by the review views), so a new
review URL that is not listed here fails `test_every_review_url_is_covered`. For each of
them, GET and POST by: the public (sent to sign in), a respondent with a sent response in
the call, a reviewer of another call, and the secretariat of another body; each is refused
with the exact status the page's convention gives, and nothing is written.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evidence.enums import AttachmentKind, AttachmentStatus
from evidence.models import (
    Attachment,
    CampaignGroup,
    Coding,
    Criterion,
    Excerpt,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    Score,
    Submission,
    Theme,
    ThemeSuggestion,
)
from evidence.services.bulk import bulk_start
from levelup.enums import Role
from levelup.models import AuditEntry, Job, RoleGrant
from tests.factories import (
    BodyFactory,
    CallForEvidenceFactory,
    RoleGrantFactory,
    SubmissionFactory,
    UserFactory,
)
from tests.factories.review import ReviewerConflictFactory, ReviewPhaseFactory

pytestmark = pytest.mark.django_db

REVIEW_VIEW_MODULES = ("evidence.views.review", "evidence.views.review_setup")

# Pages that belong to a person rather than to a call's review; tested in
# test_review_permissions.py (My reviews) and test_review_setup_views.py (an invitation,
# opened by whoever holds its link).
NOT_OF_A_CALL = {"my-reviews", "reviewer-invitation"}

# What each refused person gets. Reviewers' pages of an open call: people who may see the
# call but do not review it get a 403. Set-up pages: a 404 unless the person reviews the
# call (then a 403). A response or a job outside the person's selector: a 404.
REFUSED = {
    "review-queue": 403,
    "review-bulk": 403,
    "review-response": 403,
    "review-excerpt-create": 403,
    "review-excerpt-remove": 403,
    "review-campaign-split": 403,
    "review-suggestion-decide": 403,
    "review-file": 403,
    "review-conflicts": 404,
    "bulk-job": 404,
    "manage-submissions-bulk": 403,
    "manage-campaigns": 403,
    "manage-review": 404,
    "manage-reviewers": 404,
    "manage-reviewer-remove": 404,
    "manage-reviewer-invitation-withdraw": 404,
    "manage-conflict-remove": 404,
    "manage-rubric": 404,
    "manage-criterion-create": 404,
    "manage-criterion-edit": 404,
    "manage-criterion-remove": 404,
    "manage-criterion-move": 404,
    "manage-themes": 404,
    "manage-theme-import": 404,
    "manage-theme-edit": 404,
    "manage-theme-merge": 404,
    "manage-theme-move": 404,
    "manage-phases": 404,
    "manage-phase-edit": 404,
    "manage-phase-activate": 404,
    "manage-assignment": 404,
    "manage-assign-bulk": 404,
    "manage-assign-auto": 404,
    "manage-submission-reviewers": 404,
    "manage-review-progress": 404,
}

WRITTEN = [
    AuditEntry,
    Attachment,
    CampaignGroup,
    Coding,
    Criterion,
    Excerpt,
    Job,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    RoleGrant,
    Score,
    Submission,
    Theme,
    ThemeSuggestion,
]


def review_url_names() -> set[str]:
    """The names of the evidence routes served by the review views."""
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "evidence":
                view = getattr(pattern.callback, "view_class", pattern.callback)
                if view.__module__ in REVIEW_VIEW_MODULES:
                    names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names - NOT_OF_A_CALL


@pytest.fixture
def world(review_setup, reviewer, private_uploads):
    """One of everything a review URL can point at, in the call under review."""
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    answer = submission.answers.get()
    theme = review_setup["themes"][0]
    attachment = Attachment(
        submission=submission,
        original_name="plan.txt",
        kind=AttachmentKind.TXT,
        size_bytes=5,
        sha256="0" * 64,
        status=AttachmentStatus.EXTRACTED,
        extracted_text="Plan.",
    )
    attachment.file.save("plan.txt", ContentFile(b"Plan."), save=False)
    attachment.save()
    excerpt = Excerpt.objects.create(
        call=call,
        submission=submission,
        answer=answer,
        number=1,
        start=0,
        end=5,
        text=answer.text[:5],
        created_by=reviewer,
    )
    suggestion = ThemeSuggestion.objects.create(
        call=call, submission=submission, theme=theme, score=0.5, words=["skills"]
    )
    invitation = ReviewerInvitation.objects.create(
        call=call,
        email="invited@example.org",
        token_hash="1" * 64,
        expires_at=call.closes_at,
    )
    conflict = ReviewerConflictFactory(call=call, reviewer=reviewer)
    phase = ReviewPhaseFactory(call=call)
    job = bulk_start(
        actor=reviewer,
        call=call,
        action="flag",
        value="duplicate",
        query="",
        scope="reviewer",
        total=3,
    )
    slug = {"slug": call.slug}
    on_response = {**slug, "public_id": submission.public_id}
    kwargs = {
        "review-queue": slug,
        "review-bulk": slug,
        "review-response": on_response,
        "review-excerpt-create": on_response,
        "review-excerpt-remove": {**on_response, "pk": excerpt.pk},
        "review-campaign-split": on_response,
        "review-suggestion-decide": {**on_response, "pk": suggestion.pk},
        "review-file": {**on_response, "pk": attachment.pk},
        "review-conflicts": slug,
        "bulk-job": {"pk": job.pk},
        "manage-submissions-bulk": slug,
        "manage-campaigns": slug,
        "manage-review": slug,
        "manage-reviewers": slug,
        "manage-reviewer-remove": {**slug, "user_id": reviewer.pk},
        "manage-reviewer-invitation-withdraw": {**slug, "pk": invitation.pk},
        "manage-conflict-remove": {**slug, "pk": conflict.pk},
        "manage-rubric": slug,
        "manage-criterion-create": slug,
        "manage-criterion-edit": {**slug, "pk": review_setup["criteria"][0].pk},
        "manage-criterion-remove": {**slug, "pk": review_setup["criteria"][0].pk},
        "manage-criterion-move": {**slug, "pk": review_setup["criteria"][0].pk},
        "manage-themes": slug,
        "manage-theme-import": slug,
        "manage-theme-edit": {**slug, "pk": theme.pk},
        "manage-theme-merge": {**slug, "pk": theme.pk},
        "manage-theme-move": {**slug, "pk": theme.pk},
        "manage-phases": slug,
        "manage-phase-edit": {**slug, "pk": phase.pk},
        "manage-phase-activate": {**slug, "pk": phase.pk},
        "manage-assignment": slug,
        "manage-assign-bulk": slug,
        "manage-assign-auto": slug,
        "manage-submission-reviewers": on_response,
        "manage-review-progress": slug,
    }
    # A POST that would do something if it were allowed.
    data = {
        "query": "",
        "action": "code",
        "value": theme.pk,
        "version": 1,
        "source": f"answer-{answer.pk}",
        "quote": answer.text[:10],
        "accept": "1",
        "name": "New name",
        "description": "New",
        "direction": "up",
        "into": review_setup["themes"][1].pk,
        "per_response": 2,
        "email": "someone@example.org",
        "organisation_name": "Acme",
        "reviewer": reviewer.pk,
    }
    return {"kwargs": kwargs, "data": data, "call": call}


@pytest.fixture
def outsider(world, request):
    """The person trying, by role."""
    call = world["call"]
    role = request.param
    if role == "anonymous":
        return None
    if role == "respondent":
        person = UserFactory(name="Rosa Respondent")
        SubmissionFactory(call=call, user=person, submitted=True, number=50, reference="TST0050")
        return person
    if role == "other_reviewer":
        other_call = CallForEvidenceFactory(body=call.body, open=True)
        return RoleGrantFactory(role=Role.REVIEWER, target=other_call).user
    return RoleGrantFactory(role=Role.SECRETARIAT, target=BodyFactory(name="Other body")).user


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


def test_every_review_url_is_covered():
    assert review_url_names() == set(REFUSED)


@pytest.mark.parametrize(
    "outsider", ["anonymous", "respondent", "other_reviewer", "other_secretariat"], indirect=True
)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_review_url_refused(client, world, outsider, method, name):
    if outsider is not None:
        client.force_login(outsider)
    url = reverse(f"evidence:{name}", kwargs=world["kwargs"][name])
    before = counts()

    response = getattr(client, method)(url, world["data"] if method == "post" else None)

    if outsider is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == REFUSED[name]
    assert counts() == before
