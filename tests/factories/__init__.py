from .core import (
    BodyFactory,
    OrganisationFactory,
    OutboundEmailFactory,
    PlaceFactory,
    RoleGrantFactory,
    UserFactory,
)
from .evidence import CallForEvidenceFactory
from .partnerships import PartnershipFactory

__all__ = [
    "BodyFactory",
    "CallForEvidenceFactory",
    "OrganisationFactory",
    "OutboundEmailFactory",
    "PartnershipFactory",
    "PlaceFactory",
    "RoleGrantFactory",
    "UserFactory",
]
