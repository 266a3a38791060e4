import factory

from partnerships.enums import PartnershipStage
from partnerships.models import Partnership

from .core import PlaceFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    stage = PartnershipStage.ACTIVE

    class Meta:
        model = Partnership
