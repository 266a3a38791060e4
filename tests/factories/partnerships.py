from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from partnerships.enums import (
    AgreementKind,
    EngagementKind,
    ExchangeKind,
    FundingStatus,
    MatchStatus,
    MemberRole,
    PartnershipStage,
    ProspectusSection,
    ProspectusVersionStatus,
)
from partnerships.models import (
    Action,
    AgreementVersion,
    Ask,
    Commitment,
    Deliverable,
    Engagement,
    Indicator,
    InvestmentLine,
    Match,
    Partnership,
    PartnershipMember,
    Priority,
    Prospectus,
    ProspectusComment,
    ProspectusVersion,
    Representative,
)

from .core import OrganisationFactory, PlaceFactory, UserFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    stage = PartnershipStage.ACTIVE

    class Meta:
        model = Partnership


class PartnershipMemberFactory(factory.django.DjangoModelFactory):
    """A member organisation. It grants nobody anything: use RepresentativeFactory for that."""

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.MEMBER

    class Meta:
        model = PartnershipMember

    class Params:
        lead = factory.Trait(role=MemberRole.LEAD)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    """A representative row only; the RoleGrant(member) is made by tests (or the service)."""

    member = factory.SubFactory(PartnershipMemberFactory)
    user = factory.SubFactory(UserFactory)

    class Meta:
        model = Representative


class EngagementFactory(factory.django.DjangoModelFactory):
    partnership = factory.SubFactory(PartnershipFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    kind = EngagementKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")
    notes = "Notes of the meeting."

    class Meta:
        model = Engagement


class ActionFactory(factory.django.DjangoModelFactory):
    engagement = factory.SubFactory(EngagementFactory)
    partnership = factory.SelfAttribute("engagement.partnership")
    description = factory.Sequence(lambda n: f"Follow up {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))

    class Meta:
        model = Action

    class Params:
        overdue = factory.Trait(
            due_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
        )
        done = factory.Trait(done_at=factory.LazyFunction(timezone.now))


class AskFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(PartnershipMemberFactory)
    partnership = factory.SelfAttribute("member.partnership")
    kind = ExchangeKind.APPRENTICESHIPS
    description = factory.Sequence(lambda n: f"Apprenticeship placements {n}")
    quantity = Decimal(20)
    unit = "placements"

    class Meta:
        model = Ask


class DeliverableFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(PartnershipMemberFactory)
    partnership = factory.SelfAttribute("member.partnership")
    kind = ExchangeKind.APPRENTICESHIPS
    description = factory.Sequence(lambda n: f"Placements offered {n}")
    quantity = Decimal(10)
    unit = "placements"

    class Meta:
        model = Deliverable


class MatchFactory(factory.django.DjangoModelFactory):
    ask = factory.SubFactory(AskFactory)
    deliverable = factory.SubFactory(
        DeliverableFactory, member__partnership=factory.SelfAttribute("...ask.partnership")
    )
    partnership = factory.SelfAttribute("ask.partnership")
    quantity = Decimal(5)
    status = MatchStatus.PROPOSED

    class Meta:
        model = Match


class AgreementVersionFactory(factory.django.DjangoModelFactory):
    partnership = factory.SubFactory(PartnershipFactory)
    kind = AgreementKind.COMMON_GOAL
    number = factory.Sequence(lambda n: n + 1)
    text = "Every young person in town has a route into good work."

    class Meta:
        model = AgreementVersion

    class Params:
        terms = factory.Trait(
            kind=AgreementKind.TERMS_OF_REFERENCE,
            text="",
            purpose="To agree and deliver a plan for the town.",
        )


class IndicatorFactory(factory.django.DjangoModelFactory):
    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Young people in work {n}")
    unit = "%"
    baseline = Decimal("61.5")
    target = Decimal(70)
    source = "ONS annual population survey"

    class Meta:
        model = Indicator


class ProspectusFactory(factory.django.DjangoModelFactory):
    """A prospectus with no versions: use ProspectusVersionFactory (or the service) for those."""

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.LazyAttribute(lambda o: f"{o.partnership.place.name} place prospectus")

    class Meta:
        model = Prospectus


class ProspectusVersionFactory(factory.django.DjangoModelFactory):
    prospectus = factory.SubFactory(ProspectusFactory)
    number = factory.Sequence(lambda n: n + 1)
    vision = "<p>A town where every young person has a route into good work.</p>"

    class Meta:
        model = ProspectusVersion

    class Params:
        sent = factory.Trait(
            status=ProspectusVersionStatus.SIGN_OFF, sent_at=factory.LazyFunction(timezone.now)
        )


class PriorityFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(ProspectusVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Skills for young people {n}")
    description = "Routes from school into work in the town's growing sectors."

    class Meta:
        model = Priority


class CommitmentFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(ProspectusVersionFactory)
    partnership = factory.SelfAttribute("version.prospectus.partnership")
    member = factory.SubFactory(
        PartnershipMemberFactory, partnership=factory.SelfAttribute("..partnership")
    )
    description = factory.Sequence(lambda n: f"Offer 20 apprenticeships {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    value = Decimal(150_000)

    class Meta:
        model = Commitment


class InvestmentLineFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(ProspectusVersionFactory)
    project = factory.Sequence(lambda n: f"Town centre regeneration phase {n}")
    amount = Decimal(1_000_000)
    source = "Town Deal"
    status = FundingStatus.SECURED
    year = 2026

    class Meta:
        model = InvestmentLine


class ProspectusCommentFactory(factory.django.DjangoModelFactory):
    version = factory.SubFactory(ProspectusVersionFactory)
    prospectus = factory.SelfAttribute("version.prospectus")
    section = ProspectusSection.VISION
    author = factory.SubFactory(UserFactory)
    text = "Could the vision name the seafront?"

    class Meta:
        model = ProspectusComment
