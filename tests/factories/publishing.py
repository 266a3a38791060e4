"""Factories for the publishing side: themes, excerpts, moderation, redactions, findings."""

import factory
from django.utils import timezone

from evidence.enums import ModerationState, RecommendationAudience, RedactionReason
from evidence.models import (
    Excerpt,
    Finding,
    FindingExcerpt,
    Moderation,
    OralEvidence,
    Recommendation,
    Redaction,
    Theme,
)

from .evidence import AnswerFactory


class PublishingThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")

    class Meta:
        model = Theme


class ExcerptOfAnswerFactory(factory.django.DjangoModelFactory):
    """An excerpt of an answer's first words (`answer` is required)."""

    answer = factory.SubFactory(AnswerFactory)
    submission = factory.SelfAttribute("answer.submission")
    call = factory.SelfAttribute("answer.submission.call")
    number = factory.Sequence(lambda n: n + 1)
    start = 0
    end = 10
    text = factory.LazyAttribute(lambda o: o.answer.text[o.start : o.end])

    class Meta:
        model = Excerpt


class ModerationFactory(factory.django.DjangoModelFactory):
    call = factory.SelfAttribute("submission.call")
    state = ModerationState.APPROVED
    decided_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Moderation


class RedactionFactory(factory.django.DjangoModelFactory):
    submission = factory.SelfAttribute("answer.submission")
    call = factory.SelfAttribute("answer.submission.call")
    start = 0
    end = 3
    reason = RedactionReason.PERSONAL_DATA

    class Meta:
        model = Redaction


class FindingFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Finding {n}")
    summary = "<p>What we found.</p>"

    class Meta:
        model = Finding


class FindingExcerptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingExcerpt


class RecommendationFactory(factory.django.DjangoModelFactory):
    text = factory.Sequence(lambda n: f"Recommendation {n}.")
    audience = RecommendationAudience.BUSINESS

    class Meta:
        model = Recommendation


class OralEvidenceFactory(factory.django.DjangoModelFactory):
    kind = "roundtable"
    title = "Roundtable with councils"
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    hosts = "The taskforce"
    is_published = True

    class Meta:
        model = OralEvidence
