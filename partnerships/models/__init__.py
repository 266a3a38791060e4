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
from .progress import CommitmentReminder, CommitmentUpdate, IndicatorReading
from .prospectus import (
    Commitment,
    InvestmentLine,
    Priority,
    Prospectus,
    ProspectusComment,
    ProspectusVersion,
    SignOff,
)

__all__ = [
    "Action",
    "AgreementVersion",
    "Ask",
    "Commitment",
    "CommitmentReminder",
    "CommitmentUpdate",
    "Deliverable",
    "Endorsement",
    "Engagement",
    "Exchange",
    "Indicator",
    "IndicatorReading",
    "InvestmentLine",
    "Invitation",
    "Match",
    "Partnership",
    "PartnershipFigure",
    "PartnershipMember",
    "PartnershipMemberQuerySet",
    "Priority",
    "Prospectus",
    "ProspectusComment",
    "ProspectusVersion",
    "Representative",
    "RepresentativeQuerySet",
    "SignOff",
]
