"""Factories for review: rubric criteria, themes, phases, reviews, scores, conflicts."""

import factory
from django.utils import timezone

from evidence.enums import ReviewState
from evidence.models import Criterion, Review, ReviewerConflict, ReviewPhase, Score, Theme

from .core import UserFactory
from .evidence import CallForEvidenceFactory, SubmissionFactory

LEVELS = [
    {"value": 1, "label": "Not relevant", "description": "Says nothing about the question."},
    {"value": 2, "label": "Slightly relevant", "description": "Touches on it."},
    {"value": 3, "label": "Relevant", "description": "Answers the question."},
    {"value": 4, "label": "Strong", "description": "Answers it with examples."},
    {"value": 5, "label": "Compelling", "description": "Evidence we should quote."},
]


def five_levels(prefix: str = "Point") -> list[dict]:
    return [{"value": v, "label": f"{prefix} {v}", "description": ""} for v in range(1, 6)]


class CriterionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    levels = factory.LazyFunction(lambda: [dict(level) for level in LEVELS])
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = Criterion


class ThemeFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    description = "A theme of the code frame."
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = Theme


class ReviewPhaseFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")
    is_active = True

    class Meta:
        model = ReviewPhase


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review of a sent response. Pass `call` (a response of that call is made) or
    `submission` (the review belongs to its call)."""

    call = factory.SubFactory(CallForEvidenceFactory)
    submission = factory.SubFactory(
        SubmissionFactory, call=factory.SelfAttribute("..call"), submitted=True
    )
    reviewer = factory.SubFactory(UserFactory)

    class Meta:
        model = Review

    class Params:
        done = factory.Trait(
            state=ReviewState.REVIEWED, reviewed_at=factory.LazyFunction(timezone.now)
        )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # A review always belongs to its response's call.
        kwargs["call"] = kwargs["submission"].call
        return kwargs


class ScoreFactory(factory.django.DjangoModelFactory):
    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(CriterionFactory, call=factory.SelfAttribute("..review.call"))
    value = 3

    class Meta:
        model = Score


class ReviewerConflictFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    reviewer = factory.SubFactory(UserFactory)
    organisation_name = "Acme Ltd"
    name_key = factory.LazyAttribute(lambda o: o.organisation_name.strip().lower())

    class Meta:
        model = ReviewerConflict
