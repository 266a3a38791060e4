import factory
from django.utils import timezone

from evidence.enums import ReviewState
from evidence.models import Criterion, Review, ReviewPhase, Score, Theme

from .core import UserFactory
from .evidence import CallForEvidenceFactory, SubmissionFactory


def five_levels(prefix: str = "Point") -> list[dict]:
    return [{"value": v, "label": f"{prefix} {v}", "description": ""} for v in range(1, 6)]


class CriterionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    levels = factory.LazyFunction(five_levels)
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = Criterion


class ThemeFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(CallForEvidenceFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
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


class ScoreFactory(factory.django.DjangoModelFactory):
    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(CriterionFactory, call=factory.SelfAttribute("..review.call"))
    value = 3

    class Meta:
        model = Score
