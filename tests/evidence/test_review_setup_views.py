"""The secretariat's review pages: who may use them, the journeys, and constant queries."""

import pytest
from django.urls import reverse

from evidence.enums import SubmissionReviewState
from evidence.models import Criterion, Review, ReviewerConflict, ReviewPhase, Theme
from evidence.services.agreement import agreement_refresh
from evidence.tasks import review_agreement_task
from levelup.enums import Role
from levelup.models import AuditEntry
from tests.factories import SubmissionFactory, UserFactory
from tests.factories.core import BodyFactory, RoleGrantFactory
from tests.factories.review import (
    CriterionFactory,
    ReviewFactory,
    ReviewPhaseFactory,
    ScoreFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "manage-review",
    "manage-reviewers",
    "manage-rubric",
    "manage-criterion-create",
    "manage-themes",
    "manage-theme-import",
    "manage-phases",
    "manage-assignment",
    "manage-review-progress",
]


def _url(name, call, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"slug": call.slug, **kwargs})


@pytest.fixture
def other_secretariat(db):
    return RoleGrantFactory(role=Role.SECRETARIAT, target=BodyFactory()).user


@pytest.fixture
def site_admin(db):
    return RoleGrantFactory(role=Role.ADMIN, target=None).user


@pytest.mark.parametrize("name", PAGES)
def test_review_pages_open_for_secretariat_and_admin(client, call, secretariat, site_admin, name):
    for person in (secretariat, site_admin):
        client.force_login(person)

        response = client.get(_url(name, call))

        assert response.status_code == 200
        assert response.context["call"] == call


@pytest.mark.parametrize("name", PAGES)
def test_review_pages_refuse_everyone_else(
    client, call, reviewer, respondent, other_secretariat, name
):
    url = _url(name, call)

    anonymous = client.get(url)
    client.force_login(reviewer)
    as_reviewer = client.get(url)
    client.force_login(respondent)
    as_respondent = client.get(url)
    client.force_login(other_secretariat)
    as_other_body = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_reviewer.status_code == 403
    assert as_respondent.status_code == 404
    assert as_other_body.status_code == 404


def test_review_writes_refused_to_other_body_and_reviewer(
    client, call, reviewer, other_secretariat
):
    phase = ReviewPhaseFactory(call=call, is_active=False)
    theme = ThemeFactory(call=call)
    posts = [
        (_url("manage-phase-activate", call, pk=phase.pk), {}),
        (_url("manage-themes", call), {"name": "Sneaky"}),
        (_url("manage-theme-merge", call, pk=theme.pk), {"into": theme.pk}),
        (_url("manage-assign-auto", call), {"per_response": 2, "scope": "filtered"}),
        (_url("manage-reviewers", call), {"action": "add", "add-email": reviewer.email}),
    ]

    for person, status in ((other_secretariat, 404), (reviewer, 403)):
        client.force_login(person)
        for url, data in posts:
            assert client.post(url, data).status_code == status

    phase.refresh_from_db()
    assert phase.is_active is False
    assert list(Theme.objects.values_list("name", flat=True)) == [theme.name]
    assert Review.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="evidence.").count() == 0


# ---------------------------------------------------------------------------------- reviewers


def test_reviewers_invite_and_add_existing_user(client, call, secretariat):
    UserFactory(email="known@example.org", name="Known Person")
    client.force_login(secretariat)
    url = _url("manage-reviewers", call)

    invited = client.post(url, {"action": "invite", "invite-email": "new@example.org"})
    added = client.post(url, {"action": "add", "add-email": "KNOWN@example.org"})
    unknown = client.post(url, {"action": "add", "add-email": "nobody@example.org"})

    assert invited.status_code == 302
    assert added.status_code == 302
    assert "No one has an account with this email" in unknown.content.decode()
    page = client.get(url).content.decode()
    assert "new@example.org" in page
    assert "Known Person" in page


def test_invitation_accept_page_with_new_account(client, call, secretariat):
    from evidence.services.review_setup import reviewer_invite

    _, token = reviewer_invite(
        actor=secretariat, call=call, email="fresh@example.org", site_url="http://testserver/"
    )
    url = reverse("evidence:reviewer-invitation", kwargs={"token": token})

    page = client.get(url)
    response = client.post(
        url,
        {"name": "Fresh Face", "password1": "a long passphrase", "password2": "a long passphrase"},
    )
    again = client.get(url)

    assert call.title in page.content.decode()
    assert response["Location"] == _url("review-conflicts", call)
    assert again.status_code == 410


def test_reviewer_remove_confirm_then_remove(client, call, secretariat, reviewer):
    ReviewFactory(call=call, reviewer=reviewer)
    client.force_login(secretariat)
    url = _url("manage-reviewer-remove", call, user_id=reviewer.pk)

    confirm = client.get(url)
    client.post(url)

    assert "1 unfinished review goes back" in confirm.content.decode()
    assert Review.objects.count() == 0
    assert call.pk not in type(reviewer).objects.get(pk=reviewer.pk).reviewer_call_ids


# ---------------------------------------------------------------------------------- conflicts


def test_reviewer_declares_own_conflict(client, call, reviewer):
    client.force_login(reviewer)
    url = _url("review-conflicts", call)

    response = client.post(url, {"organisation_name": "Blackpool Council"})

    assert response.status_code == 302
    conflict = ReviewerConflict.objects.get()
    assert (conflict.reviewer, conflict.declared_by) == (reviewer, reviewer)
    assert "Blackpool Council" in client.get(url).content.decode()


def test_conflicts_page_refuses_non_reviewers(client, call, secretariat, respondent):
    url = _url("review-conflicts", call)

    for person in (secretariat, respondent):
        client.force_login(person)
        assert client.post(url, {"organisation_name": "X"}).status_code == 404

    assert ReviewerConflict.objects.count() == 0


def test_secretariat_adds_a_conflict_for_a_reviewer(client, call, secretariat, reviewer):
    client.force_login(secretariat)

    client.post(
        _url("manage-reviewers", call),
        {
            "action": "conflict",
            "conflict-reviewer": reviewer.pk,
            "conflict-organisation_name": "Acme",
        },
    )

    conflict = ReviewerConflict.objects.get()
    assert (conflict.reviewer, conflict.declared_by) == (reviewer, secretariat)


# ------------------------------------------------------------------------------------- rubric


def _criterion_post(name="Relevance", weight="1.5"):
    data = {"name": name, "description": "", "weight": weight}
    for v in range(1, 6):
        data[f"label_{v}"] = f"Label {v}"
        data[f"description_{v}"] = ""
    return data


def test_criterion_add_edit_and_remove_with_confirmation(client, call, secretariat):
    client.force_login(secretariat)

    client.post(_url("manage-criterion-create", call), _criterion_post())
    criterion = Criterion.objects.get()
    client.post(_url("manage-criterion-edit", call, pk=criterion.pk), _criterion_post("Fit", "2"))
    confirm = client.get(_url("manage-criterion-remove", call, pk=criterion.pk))
    client.post(_url("manage-criterion-remove", call, pk=criterion.pk))

    criterion.refresh_from_db()
    assert criterion.name == "Fit"
    assert str(criterion.weight) == "2.00"
    assert [level["label"] for level in criterion.levels] == [f"Label {v}" for v in range(1, 6)]
    assert "Remove “Fit” from the rubric?" in confirm.content.decode()
    assert criterion.removed_at is not None


def test_criterion_form_without_labels_shows_errors(client, call, secretariat):
    client.force_login(secretariat)
    data = _criterion_post()
    data["label_3"] = ""

    response = client.post(_url("manage-criterion-create", call), data)

    assert response.status_code == 200
    assert response.context["form"].errors["label_3"]
    assert Criterion.objects.count() == 0


# --------------------------------------------------------------------------------- code frame


def test_theme_add_sub_theme_merge_and_import(client, call, secretariat):
    client.force_login(secretariat)
    url = _url("manage-themes", call)
    client.post(url, {"name": "Skills", "description": ""})
    skills = Theme.objects.get(name="Skills")
    client.post(url, {"name": "Apprenticeships", "parent": skills.pk})
    client.post(url, {"name": "Jobs"})
    jobs = Theme.objects.get(name="Jobs")

    client.post(_url("manage-theme-merge", call, pk=jobs.pk), {"into": skills.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("frame.csv", b"theme,sub-theme,description\nFunding,Grants,\n")
    client.post(_url("manage-theme-import", call), {"file": upload})

    jobs.refresh_from_db()
    assert jobs.merged_into == skills
    assert Theme.objects.get(name="Apprenticeships").parent == skills
    assert Theme.objects.get(name="Grants").parent.name == "Funding"
    page = client.get(url).content.decode()
    assert "Jobs → Skills" in page


# ------------------------------------------------------------------------------------- phases


def test_phase_add_and_activate(client, call, secretariat):
    client.force_login(secretariat)
    url = _url("manage-phases", call)
    client.post(url, {"phase-name": "First sift", "phase-others_scores": "never"})
    client.post(url, {"phase-name": "Full review", "phase-others_scores": "after_own"})
    sift, full = ReviewPhase.objects.order_by("position")

    client.post(_url("manage-phase-activate", call, pk=sift.pk))
    client.post(_url("manage-phase-activate", call, pk=full.pk))

    assert list(ReviewPhase.objects.filter(is_active=True)) == [full]


# --------------------------------------------------------------------------------- assignment


def test_auto_assign_preview_then_confirm(client, call, secretariat):
    people = [
        RoleGrantFactory(user__name=f"Reviewer {i}", role=Role.REVIEWER, target=call).user
        for i in range(3)
    ]
    SubmissionFactory.create_batch(5, call=call, submitted=True)
    client.force_login(secretariat)
    url = _url("manage-assign-auto", call)

    preview = client.get(url, {"per_response": 2, "scope": "filtered"})
    assert Review.objects.count() == 0
    confirmed = client.post(url, {"per_response": 2, "scope": "filtered"})

    workloads = preview.context["workloads"]
    assert sorted(w[0].pk for w in workloads) == sorted(p.pk for p in people)
    assert sorted(w[3] for w in workloads) == [3, 3, 4]
    assert "Workloads will differ by at most 1 review." in preview.content.decode()
    assert confirmed["Location"] == _url("manage-review-progress", call)
    assert Review.objects.count() == 10


def test_bulk_assign_ticked_responses(client, call, secretariat, reviewer):
    picked = SubmissionFactory.create_batch(2, call=call, submitted=True)
    SubmissionFactory(call=call, submitted=True)
    client.force_login(secretariat)

    client.post(
        _url("manage-assign-bulk", call),
        {"reviewer": reviewer.pk, "scope": "selected", "ids": [s.pk for s in picked]},
    )

    assert sorted(Review.objects.values_list("submission_id", flat=True)) == sorted(
        s.pk for s in picked
    )


def test_response_reviewers_assign_unassign_reassign(client, call, secretariat, reviewer):
    other = RoleGrantFactory(user__name="Other", role=Role.REVIEWER, target=call).user
    submission = SubmissionFactory(call=call, submitted=True)
    client.force_login(secretariat)
    url = _url("manage-submission-reviewers", call, public_id=submission.public_id)

    client.post(url, {"reviewer": reviewer.pk})
    review = Review.objects.get()
    client.post(url, {"action": "reassign", "review": review.pk, "to-reviewer": other.pk})
    moved = Review.objects.get()
    client.post(url, {"action": "unassign", "review": moved.pk})

    assert moved.reviewer == other
    assert Review.objects.count() == 0
    submission.refresh_from_db()
    assert submission.review_state == SubmissionReviewState.NEW


# ----------------------------------------------------------------------------------- progress


def test_progress_shows_disagreement_sorted_by_spread(client, call, secretariat):
    criterion = CriterionFactory(call=call)
    calm, split = SubmissionFactory.create_batch(2, call=call, submitted=True)
    for submission, values in ((calm, (3, 3)), (split, (1, 5))):
        for value in values:
            review = ReviewFactory(call=call, submission=submission, done=True, total=value)
            ScoreFactory(review=review, criterion=criterion, value=value)
    review_agreement_task.run(job_id=agreement_refresh(actor=None, call=call).pk)
    client.force_login(secretariat)

    response = client.get(_url("manage-review-progress", call))

    rows = list(response.context["page_obj"].object_list)
    assert [r.reference for r in rows] == [split.reference, calm.reference]
    assert [float(r.spread) for r in rows] == [4.0, 0.0]
    assert [float(r.mean) for r in rows] == [3.0, 3.0]
    assert response.context["page_obj"].paginator.count == 2
    assert "Krippendorff" in response.content.decode()
    assert "Figures as of " in response.content.decode()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("spread", ["B", "A", "C"]),
        ("-spread", ["C", "A", "B"]),
        ("mean", ["C", "A", "B"]),
        ("reference", ["A", "B", "C"]),
    ],
)
def test_progress_disagreement_sorts(client, call, secretariat, order, expected):
    made = {}
    for label, totals in (("A", (2, 4)), ("B", (1, 5)), ("C", (4, 4))):
        made[label] = SubmissionFactory(call=call, submitted=True)
        for total in totals:
            ReviewFactory(call=call, submission=made[label], done=True, total=total)
    names = {s.reference: label for label, s in made.items()}
    review_agreement_task.run(job_id=agreement_refresh(actor=None, call=call).pk)
    client.force_login(secretariat)

    response = client.get(_url("manage-review-progress", call) + f"?order={order}")

    assert [names[r.reference] for r in response.context["page_obj"].object_list] == expected


def test_progress_before_any_job_says_figures_are_being_worked_out(client, call, secretariat):
    ReviewFactory(call=call, submission=SubmissionFactory(call=call, submitted=True), total=3)
    client.force_login(secretariat)

    response = client.get(_url("manage-review-progress", call))

    assert response.context["progress"] is None
    assert list(response.context["page_obj"].object_list) == []
    assert (
        "The progress figures are being worked out: reload the page in a minute."
        in response.content.decode()
    )
    assert "No reviewers yet." not in response.content.decode()  # no figures, not zero figures


# ------------------------------------------------------------------------------ query counts


@pytest.fixture(params=[1, 12])
def reviewed_call(request, call):
    criterion = CriterionFactory(call=call)
    ThemeFactory(call=call, parent=ThemeFactory(call=call))
    ReviewPhaseFactory(call=call)
    for _ in range(request.param):
        reviewer = RoleGrantFactory(role=Role.REVIEWER, target=call).user
        submission = SubmissionFactory(call=call, submitted=True)
        for value in (2, 4):
            review = ReviewFactory(call=call, submission=submission, done=True, total=value)
            ScoreFactory(review=review, criterion=criterion, value=value)
        ReviewFactory(call=call, submission=submission, reviewer=reviewer)
    # The agreement figures as the background job stores them, and a newer one queued.
    review_agreement_task.run(job_id=agreement_refresh(actor=None, call=call).pk)
    agreement_refresh(actor=None, call=call)
    return call


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("manage-reviewers", 9),
        ("manage-rubric", 6),
        ("manage-themes", 7),
        ("manage-phases", 5),
        ("manage-assignment", 11),
        ("manage-review-progress", 7),
    ],
)
def test_review_lists_queries_constant(
    client, secretariat, reviewed_call, django_assert_num_queries, name, queries
):
    client.force_login(secretariat)
    url = _url(name, reviewed_call)
    client.get(url)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


# ------------------------------------------------------------------------------ header links


def test_header_shows_calls_you_run_to_secretariat_only(client, call, secretariat, respondent):
    client.force_login(secretariat)
    as_secretariat = client.get(reverse("account")).content.decode()
    client.force_login(respondent)
    as_respondent = client.get(reverse("account")).content.decode()

    run_link = f'href="{reverse("evidence:manage-call-list")}"'
    assert run_link in as_secretariat
    assert run_link not in as_respondent
    assert "My reviews" not in as_respondent


def test_account_page_links_a_reviewer_to_their_conflicts(client, call, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("account")).content.decode()

    assert f'href="{_url("review-conflicts", call)}"' in page
