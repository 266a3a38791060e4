from datetime import timedelta

import factory
from django.utils import timezone

from evidence.enums import CallStatus
from evidence.models import CallForEvidence

from .core import BodyFactory


class CallForEvidenceFactory(factory.django.DjangoModelFactory):
    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Call for evidence {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    summary = "What should we know?"
    reference_prefix = "TST"
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
