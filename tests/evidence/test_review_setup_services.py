"""The secretariat's review set-up services: each write is audited and keeps its rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from evidence.enums import ReviewState, ScoreAggregate, SubmissionReviewState
from evidence.models import Coding, Excerpt, Review, ReviewerConflict, ReviewPhase, Theme
from evidence.selectors.review_setup import reviewers_for_call
from evidence.services import review_setup as rs
from levelup.enums import Role
from levelup.models import AuditEntry, OutboundEmail, RoleGrant
from tests.factories import SubmissionFactory, UserFactory
from tests.factories.core import RoleGrantFactory
from tests.factories.review import (
    CriterionFactory,
    ReviewFactory,
    ReviewPhaseFactory,
    ScoreFactory,
    ThemeFactory,
    five_levels,
)

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"


def _actions():
    """The audit trail without the background jobs queued along the way (the progress
    figures are worked out again whenever reviews change)."""
    return list(
        AuditEntry.objects.exclude(action="levelup.job.enqueue")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _reviewer(call, name="Rita Reviewer"):
    return RoleGrantFactory(user__name=name, role=Role.REVIEWER, target=call).user


# ---------------------------------------------------------------------------------- reviewers


def test_reviewer_invite_emails_a_single_use_link_that_grants_the_role(call, secretariat):
    invitation, token = rs.reviewer_invite(
        actor=secretariat, call=call, email=" New.Reviewer@Example.org ", site_url=SITE
    )
    person = UserFactory(email="new.reviewer@example.org")

    rs.reviewer_invitation_accept(user=person, token=token)

    email = OutboundEmail.objects.get()
    assert email.to == ["new.reviewer@example.org"]
    assert f"/reviews/invitation/{token}/" in email.body_text
    assert token not in invitation.token_hash
    assert list(reviewers_for_call(call=call)) == [person]
    assert rs.reviewer_invitation_for_token(token) is None
    with pytest.raises(ValidationError):
        rs.reviewer_invitation_accept(user=UserFactory(), token=token)
    assert _actions() == [
        "evidence.reviewer_invitation.create",
        "levelup.role.grant",
        "evidence.reviewer_invitation.accept",
    ]


def test_reviewer_invitation_withdrawn_no_longer_works(call, secretariat):
    invitation, token = rs.reviewer_invite(
        actor=secretariat, call=call, email="x@example.org", site_url=SITE
    )

    rs.reviewer_invitation_withdraw(actor=secretariat, invitation=invitation)

    assert rs.reviewer_invitation_for_token(token) is None
    assert _actions()[-1] == "evidence.reviewer_invitation.withdraw"


def test_reviewer_invitation_accept_with_new_account_creates_the_user(call, secretariat):
    _, token = rs.reviewer_invite(
        actor=secretariat, call=call, email="fresh@example.org", site_url=SITE
    )

    invitation = rs.reviewer_invitation_accept_with_new_account(
        token=token, name="Fresh Face", password="a long enough passphrase"
    )

    assert invitation.accepted_by.email == "fresh@example.org"
    assert call.pk in invitation.accepted_by.reviewer_call_ids


def test_reviewer_add_twice_is_refused(call, secretariat):
    person = UserFactory()
    rs.reviewer_add(actor=secretariat, call=call, user=person)

    with pytest.raises(ValidationError):
        rs.reviewer_add(actor=secretariat, call=call, user=person)

    assert RoleGrant.objects.filter(user=person, role=Role.REVIEWER).count() == 1


def test_reviewer_remove_hands_back_open_reviews_and_keeps_finished(call, secretariat):
    person = _reviewer(call)
    open_review = ReviewFactory(call=call, reviewer=person)
    done = ReviewFactory(call=call, reviewer=person, done=True)

    handed_back = rs.reviewer_remove(actor=secretariat, call=call, user=person)

    assert handed_back == 1
    assert list(Review.objects.values_list("pk", flat=True)) == [done.pk]
    open_review.submission.refresh_from_db()
    assert open_review.submission.review_state == SubmissionReviewState.NEW
    assert list(reviewers_for_call(call=call)) == []
    assert _actions()[-2:] == ["levelup.role.revoke", "evidence.reviewer.remove"]


# ---------------------------------------------------------------------------------- conflicts


def test_conflict_declare_hands_back_that_organisations_open_reviews(call):
    person = _reviewer(call)
    theirs = ReviewFactory(
        call=call, reviewer=person, submission__organisation_name="  Fylde   Coast Logistics "
    )
    other = ReviewFactory(call=call, reviewer=person, submission__organisation_name="Other Ltd")

    conflict = rs.conflict_declare(
        actor=person, call=call, reviewer=person, organisation_name="fylde coast LOGISTICS"
    )

    assert conflict.name_key == "fylde coast logistics"
    assert list(Review.objects.values_list("pk", flat=True)) == [other.pk]
    assert not Review.objects.filter(pk=theirs.pk).exists()
    entry = AuditEntry.objects.get(action="evidence.conflict.declare")
    assert entry.changes["handed_back"] == [theirs.submission.reference]


def test_conflict_declare_twice_is_refused(call):
    person = _reviewer(call)
    rs.conflict_declare(actor=person, call=call, reviewer=person, organisation_name="Acme")

    with pytest.raises(ValidationError):
        rs.conflict_declare(actor=person, call=call, reviewer=person, organisation_name=" ACME ")

    assert ReviewerConflict.objects.count() == 1


# ------------------------------------------------------------------------------------- rubric


def test_criterion_create_needs_five_labelled_points(call, secretariat):
    levels = five_levels()
    levels[2]["label"] = ""

    with pytest.raises(ValidationError):
        rs.criterion_create(actor=secretariat, call=call, name="Relevance", levels=levels)


def test_criterion_remove_takes_its_scores_out_of_totals(call, secretariat):
    keep = CriterionFactory(call=call, weight=1)
    drop = CriterionFactory(call=call, weight=3)
    review = ReviewFactory(call=call)
    ScoreFactory(review=review, criterion=keep, value=2)
    ScoreFactory(review=review, criterion=drop, value=5)
    rs.review_totals_recompute(call=call)
    review.refresh_from_db()
    assert review.total == Decimal("4.25")

    scores = rs.criterion_remove(actor=secretariat, criterion=drop)

    review.refresh_from_db()
    assert scores == 1
    assert review.total == Decimal("2.00")
    assert drop.scores.count() == 1
    assert _actions()[-1] == "evidence.criterion.remove"


def test_new_criterion_leaves_totals_as_they_were(call, secretariat):
    first = CriterionFactory(call=call)
    review = ReviewFactory(call=call)
    ScoreFactory(review=review, criterion=first, value=4)
    rs.review_totals_recompute(call=call)

    rs.criterion_create(actor=secretariat, call=call, name="Originality", levels=five_levels())
    rs.review_totals_recompute(call=call)

    review.refresh_from_db()
    assert review.total == Decimal("4.00")


def test_score_aggregate_median_recomputes_totals(call, secretariat):
    criteria = [CriterionFactory(call=call, weight=w) for w in (1, 1, 10)]
    review = ReviewFactory(call=call)
    for criterion, value in zip(criteria, (1, 2, 5), strict=True):
        ScoreFactory(review=review, criterion=criterion, value=value)

    rs.call_score_aggregate_set(actor=secretariat, call=call, aggregate=ScoreAggregate.MEDIAN)

    review.refresh_from_db()
    assert review.total == Decimal("2.00")
    assert _actions()[-1] == "evidence.call.score_aggregate"


def test_criterion_update_weight_recomputes_totals(call, secretariat):
    a, b = CriterionFactory(call=call), CriterionFactory(call=call)
    review = ReviewFactory(call=call)
    ScoreFactory(review=review, criterion=a, value=1)
    ScoreFactory(review=review, criterion=b, value=5)

    rs.criterion_update(actor=secretariat, criterion=b, weight=Decimal(3))

    review.refresh_from_db()
    assert review.total == Decimal("4.00")


# --------------------------------------------------------------------------------- code frame


def test_theme_create_refuses_a_third_level(call, secretariat):
    top = rs.theme_create(actor=secretariat, call=call, name="Skills")
    sub = rs.theme_create(actor=secretariat, call=call, name="Apprenticeships", parent=top)

    with pytest.raises(ValidationError):
        rs.theme_create(actor=secretariat, call=call, name="Too deep", parent=sub)

    assert Theme.objects.filter(call=call).count() == 2


def test_theme_merge_moves_codings_and_excerpts_and_closes_duplicates(call, secretariat):
    old = ThemeFactory(call=call, name="Buses")
    new = ThemeFactory(call=call, name="Transport")
    one = SubmissionFactory(call=call, submitted=True)
    both = SubmissionFactory(call=call, submitted=True)
    Coding.objects.create(call=call, submission=one, theme=old)
    Coding.objects.create(call=call, submission=both, theme=old)
    Coding.objects.create(call=call, submission=both, theme=new)
    answer_excerpt = Excerpt(
        call=call, submission=one, number=1, start=0, end=4, text="Buses", theme=old
    )
    from tests.factories import AnswerFactory

    answer_excerpt.answer = AnswerFactory(submission=one, text="Buses matter")
    answer_excerpt.save()

    counts = rs.theme_merge(actor=secretariat, theme=old, into=new)

    current = Coding.objects.filter(removed_at__isnull=True)
    assert sorted(current.values_list("submission_id", "theme_id")) == sorted(
        [(one.pk, new.pk), (both.pk, new.pk)]
    )
    assert Coding.objects.filter(removed_at__isnull=False, theme=new).count() == 1
    assert Excerpt.objects.get().theme == new
    old.refresh_from_db()
    assert old.merged_into == new
    assert counts == {
        "codings": 2,
        "duplicate_codings_closed": 1,
        "excerpts": 1,
        "sub_themes": 0,
    }
    assert _actions()[-1] == "evidence.theme.merge"


def test_theme_merge_brings_sub_themes_along(call, secretariat):
    old = ThemeFactory(call=call, name="Town centres")
    child = ThemeFactory(call=call, name="Empty shops", parent=old)
    new = ThemeFactory(call=call, name="High streets")

    rs.theme_merge(actor=secretariat, theme=old, into=new)

    child.refresh_from_db()
    assert child.parent == new


def test_themes_import_csv_adds_two_levels_and_keeps_existing(call, secretariat):
    ThemeFactory(call=call, name="Skills")
    data = (
        b"theme,sub-theme,description\n"
        b"Skills,Apprenticeships,Placements\n"
        b"skills,Retraining,Adults\n"
        b"Funding,,How it is paid for\n"
    )

    added = rs.themes_import_csv(actor=secretariat, call=call, data=data)

    assert added == {"themes": 1, "sub_themes": 2}
    names = sorted(
        (t.parent.name if t.parent else "", t.name) for t in Theme.objects.filter(call=call)
    )
    assert names == [
        ("", "Funding"),
        ("", "Skills"),
        ("Skills", "Apprenticeships"),
        ("Skills", "Retraining"),
    ]


def test_themes_import_csv_without_header_is_refused(call, secretariat):
    with pytest.raises(ValidationError):
        rs.themes_import_csv(actor=secretariat, call=call, data=b"Skills,Apprenticeships\n")


def test_theme_move_swaps_with_neighbour(call, secretariat):
    a = rs.theme_create(actor=secretariat, call=call, name="A")
    b = rs.theme_create(actor=secretariat, call=call, name="B")

    rs.theme_move(actor=secretariat, theme=b, direction="up")

    assert list(
        Theme.objects.filter(call=call).order_by("position").values_list("name", flat=True)
    ) == ["B", "A"]
    assert a.pk


# ------------------------------------------------------------------------------------- phases


def test_phase_activate_deactivates_the_other_in_one_go(call, secretariat):
    sift = rs.phase_create(actor=secretariat, call=call, name="First sift")
    full = rs.phase_create(actor=secretariat, call=call, name="Full review")
    rs.phase_activate(actor=secretariat, phase=sift)

    rs.phase_activate(actor=secretariat, phase=full)

    assert list(ReviewPhase.objects.filter(is_active=True).values_list("name", flat=True)) == [
        "Full review"
    ]
    entry = AuditEntry.objects.filter(action="evidence.phase.activate").order_by("pk").last()
    assert entry.changes == {"active": ["First sift", "Full review"]}


# --------------------------------------------------------------------------------- assignment


def test_review_assign_refuses_conflicts_and_duplicates(call, secretariat):
    person = _reviewer(call)
    conflicted = SubmissionFactory(call=call, submitted=True, organisation_name="Acme")
    fine = SubmissionFactory(call=call, submitted=True)
    rs.conflict_declare(actor=person, call=call, reviewer=person, organisation_name="acme")

    with pytest.raises(ValidationError):
        rs.review_assign(actor=secretariat, call=call, submission=conflicted, reviewer=person)
    rs.review_assign(actor=secretariat, call=call, submission=fine, reviewer=person)
    with pytest.raises(ValidationError):
        rs.review_assign(actor=secretariat, call=call, submission=fine, reviewer=person)

    fine.refresh_from_db()
    assert fine.review_state == SubmissionReviewState.IN_REVIEW
    assert list(Review.objects.values_list("submission_id", flat=True)) == [fine.pk]


def test_review_assign_refuses_someone_who_is_not_a_reviewer(call, secretariat):
    submission = SubmissionFactory(call=call, submitted=True)

    with pytest.raises(ValidationError):
        rs.review_assign(
            actor=secretariat, call=call, submission=submission, reviewer=UserFactory()
        )


def test_review_reassign_moves_an_open_review(call, secretariat):
    first, second = _reviewer(call, "First"), _reviewer(call, "Second")
    review = ReviewFactory(call=call, reviewer=first)

    moved = rs.review_reassign(actor=secretariat, review=review, reviewer=second)

    assert list(Review.objects.values_list("reviewer_id", flat=True)) == [second.pk]
    assert moved.submission_id == review.submission_id
    assert _actions()[-2:] == ["evidence.review.unassign", "evidence.review.assign"]


def test_review_unassign_refuses_a_finished_review(call, secretariat):
    review = ReviewFactory(call=call, reviewer=_reviewer(call), done=True)

    with pytest.raises(ValidationError):
        rs.review_unassign(actor=secretariat, review=review)

    assert Review.objects.count() == 1


def test_reviews_assign_bulk_skips_conflicts_and_existing(call, secretariat):
    person = _reviewer(call)
    rs.conflict_declare(actor=person, call=call, reviewer=person, organisation_name="Acme")
    acme = SubmissionFactory(call=call, submitted=True, organisation_name="ACME")
    had = ReviewFactory(call=call, reviewer=person).submission
    new = SubmissionFactory.create_batch(3, call=call, submitted=True)

    result = rs.reviews_assign_bulk(
        actor=secretariat,
        call=call,
        submission_ids=[acme.pk, had.pk, *[s.pk for s in new]],
        reviewer=person,
    )

    assert result == {"assigned": 3, "already": 1, "conflicts": 1}
    assert Review.objects.filter(reviewer=person).count() == 4


def test_reviews_assign_automatic_balances_and_respects_conflicts(call, secretariat):
    people = [_reviewer(call, f"Reviewer {i}") for i in range(4)]
    rs.conflict_declare(actor=people[0], call=call, reviewer=people[0], organisation_name="Acme")
    submissions = SubmissionFactory.create_batch(9, call=call, submitted=True)
    acme = SubmissionFactory(call=call, submitted=True, organisation_name="Acme")
    SubmissionFactory(call=call)  # a draft: never assigned
    kept = ReviewFactory(call=call, reviewer=people[1], submission=submissions[0])
    ReviewPhaseFactory(call=call, due_on="2030-01-31")

    plan = rs.reviews_assign_automatic(
        actor=secretariat, call=call, submission_ids=None, per_response=2
    )

    assert len(plan.pairs) == 19
    assert Review.objects.count() == 20
    assert Review.objects.filter(pk=kept.pk).exists()
    assert not Review.objects.filter(submission=acme, reviewer=people[0]).exists()
    loads = sorted(Review.objects.filter(reviewer__in=people).values_list("reviewer_id", flat=True))
    counts = sorted({pk: loads.count(pk) for pk in loads}.values())
    assert counts == [5, 5, 5, 5]
    assert set(Review.objects.exclude(pk=kept.pk).values_list("due_on", flat=True)) == {
        __import__("datetime").date(2030, 1, 31)
    }
    assert (
        Review.objects.values("submission").distinct().count()
        == call.submissions.filter(review_state=SubmissionReviewState.IN_REVIEW).count()
    )
    assert _actions()[-1] == "evidence.review.assign_automatic"
    # The reviews written by COPY carry their response's reference number (the trigger).
    assert not Review.objects.exclude(number=F("submission__number")).exists()


def test_reviews_assign_automatic_refuses_silly_numbers(call, secretariat):
    with pytest.raises(ValidationError):
        rs.reviews_assign_automatic(
            actor=secretariat, call=call, submission_ids=None, per_response=0
        )

    assert ReviewState.ASSIGNED == "assigned"


# ------------------------------------------------------------------------------- audit trail


def test_every_review_setup_write_leaves_an_audit_entry(call, secretariat):
    person = _reviewer(call)
    criterion = rs.criterion_create(
        actor=secretariat, call=call, name="Relevance", levels=five_levels()
    )
    rs.criterion_create(actor=secretariat, call=call, name="Originality", levels=five_levels())
    rs.criterion_update(actor=secretariat, criterion=criterion, name="Fit")
    rs.criterion_move(actor=secretariat, criterion=criterion, direction="down")
    theme = rs.theme_create(actor=secretariat, call=call, name="Skills")
    rs.theme_update(actor=secretariat, theme=theme, name="Jobs", description="", parent=None)
    rs.theme_move(actor=secretariat, theme=theme, direction="up")
    phase = rs.phase_create(actor=secretariat, call=call, name="Sift")
    rs.phase_update(actor=secretariat, phase=phase, name="First sift")
    rs.phase_activate(actor=secretariat, phase=phase)
    rs.phase_deactivate(actor=secretariat, phase=phase)
    conflict = rs.conflict_declare(
        actor=secretariat, call=call, reviewer=person, organisation_name="Acme"
    )
    rs.conflict_remove(actor=secretariat, conflict=conflict)
    rs.reviewer_add(actor=secretariat, call=call, user=UserFactory())

    assert _actions() == [
        "evidence.criterion.create",
        "evidence.criterion.create",
        "evidence.criterion.update",
        "evidence.criterion.move",
        "evidence.theme.create",
        "evidence.theme.update",
        "evidence.theme.move",
        "evidence.phase.create",
        "evidence.phase.update",
        "evidence.phase.activate",
        "evidence.phase.deactivate",
        "evidence.conflict.declare",
        "evidence.conflict.remove",
        "levelup.role.grant",
    ]
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {secretariat.pk}
