from datetime import timedelta

import factory
from django.utils import timezone

from evidence.enums import (
    CallStatus,
    PublicationPreference,
    QuestionKind,
    RecommendationAudience,
    RespondingAs,
    SubmissionStatus,
)
from evidence.models import (
    Answer,
    CallForEvidence,
    Finding,
    Question,
    Recommendation,
    Section,
    Submission,
)

from .core import BodyFactory


class CallForEvidenceFactory(factory.django.DjangoModelFactory):
    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Call for evidence {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    summary = "What should we know?"
    reference_prefix = "TST"
    contact_email = "secretariat@example.org"
    status = CallStatus.DRAFT

    class Meta:
        model = CallForEvidence

    class Params:
        open = factory.Trait(
            status=CallStatus.OPEN,
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )
        closed = factory.Trait(
            status=CallStatus.CLOSED,
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        upcoming = factory.Trait(
            status=CallStatus.SCHEDULED,
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )


class SectionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = Section


class QuestionFactory(factory.django.DjangoModelFactory):
    section = factory.SubFactory(SectionFactory)
    call = factory.SelfAttribute("section.call")
    kind = QuestionKind.LONG_TEXT
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = Question

    class Params:
        single = factory.Trait(kind=QuestionKind.SINGLE_CHOICE, choices=["Yes", "No"])
        multiple = factory.Trait(
            kind=QuestionKind.MULTIPLE_CHOICE, choices=["Skills", "Transport", "Housing"]
        )
        file = factory.Trait(kind=QuestionKind.FILE)


class SubmissionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory, open=True)
    respondent_name = factory.Faker("name", locale="en_GB")
    respondent_email = factory.Sequence(lambda n: f"respondent{n}@example.org")
    responding_as = RespondingAs.INDIVIDUAL
    publication_preference = PublicationPreference.ANONYMOUS
    consent_version = 1
    consented_at = factory.LazyFunction(timezone.now)
    status = SubmissionStatus.DRAFT

    class Meta:
        model = Submission

    class Params:
        submitted = factory.Trait(
            status=SubmissionStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            number=factory.Sequence(lambda n: n + 1),
            reference=factory.LazyAttribute(lambda o: f"{o.call.reference_prefix}{o.number:04d}"),
        )


class AnswerFactory(factory.django.DjangoModelFactory):
    submission = factory.SubFactory(SubmissionFactory)
    question = factory.SubFactory(
        QuestionFactory, section__call=factory.SelfAttribute("...submission.call")
    )
    text = "Our high street needs more footfall."

    class Meta:
        model = Answer


class FindingFactory(factory.django.DjangoModelFactory):
    """A finding of a published call (pass `call=` for another)."""

    call = factory.SubFactory(CallForEvidenceFactory, closed=True, status=CallStatus.PUBLISHED)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Young people lack routes into local work {n}")
    summary = "<p>Responses from every kind of place said the same.</p>"

    class Meta:
        model = Finding


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation of a published call (pass `call=` for another)."""

    call = factory.SubFactory(CallForEvidenceFactory, closed=True, status=CallStatus.PUBLISHED)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(
        lambda n: f"Employers should offer work placements to school leavers {n}"
    )
    audience = RecommendationAudience.BUSINESS

    class Meta:
        model = Recommendation
