"""Large synthetic review and publishing data for benchmarks, written beside the responses.

`generate_synthetic_evidence` calls this batch by batch (COPY, no row goes through the ORM):
40 reviewers, three reviews a response, a code frame of 40 themes, three codings a response,
an excerpt of every second response, and moderation approving about half the sent responses.
Then a published report: six findings quoting excerpts of approved responses, twelve
recommendations with their follow-up, and the report's figures. Not for production data:
nothing is audited.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from levelup.enums import Role
from levelup.models import RoleGrant, User

from .enums import (
    CodingSource,
    ModerationState,
    PublicationPreference,
    RecommendationAudience,
    ReviewState,
)
from .models import (
    CallForEvidence,
    CallReport,
    Coding,
    Excerpt,
    Finding,
    Moderation,
    Recommendation,
    RecommendationFollowUp,
    Review,
    Theme,
)

THEMES = [
    "Skills",
    "Apprenticeships",
    "Transport",
    "Housing",
    "High streets",
    "Procurement",
    "Funding",
    "Trust",
    "Young people",
    "Digital",
    "Health",
    "Culture",
]
FINDINGS = [
    "Transport cuts keep people from work and customers from the high street",
    "Firms would train more young people if local courses fitted their hours",
    "Partnerships stall when nobody owns the follow-up",
    "Empty units are an opportunity the planning rules make hard to take",
    "Skilled jobs are what keeps young people in their town",
    "Connectors who know both sides speed up new partnerships",
]
RECOMMENDATIONS = [
    "Restore evening bus routes to the main employment sites.",
    "Fund colleges to run courses in the evening and at weekends.",
    "Name one owner for every action agreed between the council and business.",
    "Let empty shop units be used as workspace without a change-of-use application.",
    "Back apprenticeships in small firms with a shared training officer.",
    "Pay a business connector in every partnership for its first two years.",
]
REVIEWER_EMAIL = "synthetic-reviewer-{index}@example.org"
QUOTED_PER_FINDING = 50

REVIEW_COLUMNS = [
    "created_at", "updated_at", "call_id", "submission_id", "reviewer_id", "state",
    "confidence", "notes", "flags", "total", "reviewed_at", "version",
]  # fmt: skip
CODING_COLUMNS = [
    "created_at", "updated_at", "call_id", "submission_id", "theme_id", "source", "coded_by_id",
]  # fmt: skip
EXCERPT_COLUMNS = [
    "created_at", "updated_at", "call_id", "submission_id", "answer_id", "number", "start",
    "end", "text", "theme_id", "note", "created_by_id",
]  # fmt: skip
MODERATION_COLUMNS = [
    "created_at", "updated_at", "call_id", "submission_id", "state", "reason", "decided_at",
    "proposed_state", "proposed_reason",
]  # fmt: skip


class SyntheticReview:
    """Reviews, codings, excerpts and moderation for the synthetic call, a batch at a time.

    Call `add` for each sent response of a batch, `write` once the batch's responses and
    answers are in the database, and `publish` at the end."""

    def __init__(
        self,
        *,
        call: CallForEvidence,
        seed: int = 7,
        reviewers: int = 40,
        per_response: int = 3,
        themes: int = 40,
    ):
        self.call, self.per_response = call, per_response
        self.rng = random.Random(seed)  # noqa: S311 -- repeatable fake data, not secrets
        self.now = timezone.now()
        self.reviewers = self._reviewers(reviewers)
        self.themes = self._themes(themes)
        self.position = 0
        self.reviewed = 0
        self.reviews, self.codings, self.excerpts, self.moderations = [], [], [], []

    def _reviewers(self, count: int) -> list[int]:
        content_type = ContentType.objects.get_for_model(CallForEvidence).pk
        people = []
        with transaction.atomic():
            for index in range(count):
                user, _created = User.objects.get_or_create(
                    email=REVIEWER_EMAIL.format(index=index),
                    defaults={"name": f"Reviewer {index}"},
                )
                RoleGrant.objects.get_or_create(
                    user=user,
                    role=Role.REVIEWER,
                    content_type_id=content_type,
                    object_id=self.call.pk,
                )
                people.append(user.pk)
        return people

    def _themes(self, count: int) -> list[int]:
        rows = [
            Theme(
                call=self.call,
                name=f"{THEMES[index % len(THEMES)]} {index // len(THEMES) + 1}",
                description=f"Responses about {THEMES[index % len(THEMES)].lower()}.",
                position=index,
            )
            for index in range(count)
        ]
        return [theme.pk for theme in Theme.objects.bulk_create(rows)]

    def add(self, *, submission_id: int, answer_id: int, text: str, preference: str) -> bool:
        """The review data of one sent response (its first answer is `answer_id`); whether
        its moderation approves it for publication."""
        rng, now, call_id = self.rng, self.now, self.call.pk
        position = self.position
        self.position += 1
        for k in range(self.per_response):
            reviewer = self.reviewers[(position * self.per_response + k) % len(self.reviewers)]
            state = rng.choice(ReviewState.values)
            done = state != ReviewState.ASSIGNED
            self.reviews.append(
                (
                    now, now, call_id, submission_id, reviewer, state,
                    rng.randint(1, 4) if done else None, "", [],
                    round(rng.uniform(1, 5), 2) if done else None,
                    now if state == ReviewState.REVIEWED else None, 1,
                )
            )  # fmt: skip
        coder = self.reviewers[position % len(self.reviewers)]
        for theme in rng.sample(self.themes, 3):
            self.codings.append(
                (now, now, call_id, submission_id, theme, CodingSource.MANUAL, coder)
            )
        if position % 2 == 0 and text:
            end = min(len(text), 20 + rng.randint(0, 20))
            self.excerpts.append(
                (
                    now, now, call_id, submission_id, answer_id, 1, 0, end, text[:end],
                    rng.choice(self.themes), "", coder,
                )
            )  # fmt: skip
        # About half the sent responses: three in four of those that may be published.
        if preference != PublicationPreference.CONFIDENTIAL and rng.random() < 0.75:
            self.moderations.append(
                (now, now, call_id, submission_id, ModerationState.APPROVED, "", now, "", "")
            )
            return True
        return False

    def write(self) -> None:
        """COPY the rows gathered since the last write (inside the caller's transaction)."""
        from .synthetic import _copy

        _copy(Review, REVIEW_COLUMNS, self.reviews)
        _copy(Coding, CODING_COLUMNS, self.codings)
        _copy(Excerpt, EXCERPT_COLUMNS, self.excerpts)
        _copy(Moderation, MODERATION_COLUMNS, self.moderations)
        self.reviewed += self.position - self.reviewed
        self.reviews, self.codings, self.excerpts, self.moderations = [], [], [], []

    @transaction.atomic
    def publish(self) -> CallReport:
        """Findings quoting excerpts of approved responses, recommendations with their
        follow-up, and the published report with its figures. The call keeps its status:
        the public report pages need it published (see benchmarks/bench.py)."""
        from .selectors.publishing import report_figures_to_store

        findings = Finding.objects.bulk_create(
            Finding(
                call=self.call,
                position=index + 1,
                title=title,
                summary=f"<p>{title}. What respondents told us, in their words.</p>",
            )
            for index, title in enumerate(FINDINGS)
        )
        with connection.cursor() as cursor:
            # The first excerpts of approved responses, shared out among the findings.
            cursor.execute(
                """
                INSERT INTO evidence_findingexcerpt
                    (created_at, updated_at, finding_id, excerpt_id, quoted, position)
                SELECT now(), now(), (%(findings)s::bigint[])[1 + (n - 1) %% %(count)s],
                       id, true, (n - 1) / %(count)s
                FROM (SELECT e.id, row_number() OVER (ORDER BY e.id) AS n
                      FROM evidence_excerpt e
                      JOIN evidence_moderation m ON m.submission_id = e.submission_id
                      WHERE e.call_id = %(call)s AND m.state = %(approved)s
                      ORDER BY e.id LIMIT %(limit)s) picked
                """,
                {
                    "findings": [finding.pk for finding in findings],
                    "count": len(findings),
                    "call": self.call.pk,
                    "approved": ModerationState.APPROVED,
                    "limit": QUOTED_PER_FINDING * len(findings),
                },
            )
        audiences = list(RecommendationAudience.values)
        recommendations = Recommendation.objects.bulk_create(
            Recommendation(
                call=self.call,
                position=index + 1,
                text=RECOMMENDATIONS[index % len(RECOMMENDATIONS)],
                audience=audiences[index % len(audiences)],
            )
            for index in range(12)
        )
        today = timezone.localdate()
        RecommendationFollowUp.objects.bulk_create(
            RecommendationFollowUp(
                recommendation=recommendation, response_due_on=today + timedelta(days=30 * index)
            )
            for index, recommendation in enumerate(recommendations)
        )
        return CallReport.objects.create(
            call=self.call,
            summary="<p>What 700,000 people and firms told the taskforce, in brief.</p>",
            published_at=self.now,
            figures=report_figures_to_store(call=self.call),
        )


def synthetic_review_delete(*, call_id: int) -> None:
    """Remove the review and publishing data of a synthetic call with set-based SQL (the
    ORM would load every row to cascade), before the call itself is deleted."""
    statements = [
        "DELETE FROM evidence_findingexcerpt WHERE finding_id IN "
        "(SELECT id FROM evidence_finding WHERE call_id = %s)",
        "DELETE FROM evidence_excerpt WHERE call_id = %s",
        "DELETE FROM evidence_coding WHERE call_id = %s",
        "DELETE FROM evidence_review WHERE call_id = %s",
        "DELETE FROM evidence_moderation WHERE call_id = %s",
        "DELETE FROM evidence_answer WHERE submission_id IN "
        "(SELECT id FROM evidence_submission WHERE call_id = %s)",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [call_id])
