"""The partnerships app's models, one module per area; import them from here."""

from .agreement import AgreementVersion, Endorsement, Indicator
from .engagement import Action, Engagement
from .exchange import Ask, Deliverable, Exchange, Match
from .partnership import (
    Invitation,
    Partnership,
    PartnershipFigure,
    PartnershipMember,
    PartnershipMemberQuerySet,
    Representative,
    RepresentativeQuerySet,
)

__all__ = [
    "Action",
    "AgreementVersion",
    "Ask",
    "Deliverable",
    "Endorsement",
    "Engagement",
    "Exchange",
    "Indicator",
    "Invitation",
    "Match",
    "Partnership",
    "PartnershipFigure",
    "PartnershipMember",
    "PartnershipMemberQuerySet",
    "Representative",
    "RepresentativeQuerySet",
]
