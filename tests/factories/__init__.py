from .core import (
    BodyFactory,
    JobFactory,
    OrganisationFactory,
    OutboundEmailFactory,
    PlaceFactory,
    RoleGrantFactory,
    UserFactory,
)
from .evidence import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SectionFactory,
    SubmissionFactory,
)
from .partnerships import (
    PartnershipFactory,
    PartnershipMemberFactory,
    RepresentativeFactory,
)

__all__ = [
    "AnswerFactory",
    "BodyFactory",
    "CallForEvidenceFactory",
    "JobFactory",
    "OrganisationFactory",
    "OutboundEmailFactory",
    "PartnershipFactory",
    "PartnershipMemberFactory",
    "PlaceFactory",
    "QuestionFactory",
    "RepresentativeFactory",
    "RoleGrantFactory",
    "SectionFactory",
    "SubmissionFactory",
    "UserFactory",
]
