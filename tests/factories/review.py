"""Factories for review: rubric criteria, themes, phases, reviews, excerpts."""

import factory

from evidence.models import Criterion, Review, ReviewerConflict, ReviewPhase, Theme

from .evidence import CallForEvidenceFactory, SubmissionFactory

LEVELS = [
    {"value": 1, "label": "Not relevant", "description": "Says nothing about the question."},
    {"value": 2, "label": "Slightly relevant", "description": "Touches on it."},
    {"value": 3, "label": "Relevant", "description": "Answers the question."},
    {"value": 4, "label": "Strong", "description": "Answers it with examples."},
    {"value": 5, "label": "Compelling", "description": "Evidence we should quote."},
]


class CriterionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    levels = LEVELS
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
    name = "Full review"
    is_active = True

    class Meta:
        model = ReviewPhase


class ReviewFactory(factory.django.DjangoModelFactory):
    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    call = factory.SelfAttribute("submission.call")
    reviewer = factory.SubFactory("tests.factories.core.UserFactory")

    class Meta:
        model = Review


class ReviewerConflictFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    reviewer = factory.SubFactory("tests.factories.core.UserFactory")
    organisation_name = "Acme Ltd"
    name_key = factory.LazyAttribute(lambda o: o.organisation_name.strip().lower())

    class Meta:
        model = ReviewerConflict
