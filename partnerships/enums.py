from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipStage(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    PROSPECTUS_PUBLISHED = "prospectus_published", _("Prospectus published")
    DELIVERING = "delivering", _("Delivering")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = list(PartnershipStage)


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead member")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class EngagementKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    WORKSHOP = "workshop", _("Workshop")
    ROUNDTABLE = "roundtable", _("Roundtable")
    SITE_VISIT = "site_visit", _("Site visit")


class ExchangeKind(models.TextChoices):
    """What an ask needs or a deliverable offers."""

    SKILLS = "skills", _("Skills")
    VOLUNTEERING_HOURS = "volunteering_hours", _("Volunteering hours")
    SPACE = "space", _("Space")
    PROCUREMENT_SPEND = "procurement_spend", _("Procurement spend")
    APPRENTICESHIPS = "apprenticeships", _("Apprenticeships")
    MONEY = "money", _("Money (£)")


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_DELIVERY = "in_delivery", _("In delivery")
    DELIVERED = "delivered", _("Delivered")
    DROPPED = "dropped", _("Dropped")


class FigureKind(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    AMBASSADOR = "ambassador", _("Ambassador")


class AgreementKind(models.TextChoices):
    """Texts drafted by the connector in versions and agreed by every lead member."""

    COMMON_GOAL = "common_goal", _("Common goal")
    TERMS_OF_REFERENCE = "terms_of_reference", _("Terms of reference")


# What the kinds are counted in by default, and the most that is plausible for one ask or offer.
# Anything above is refused as a typing mistake (an extra nought or two).
EXCHANGE_DEFAULT_UNITS = {
    ExchangeKind.SKILLS: _("days"),
    ExchangeKind.VOLUNTEERING_HOURS: _("hours"),
    ExchangeKind.SPACE: _("square metres"),
    ExchangeKind.PROCUREMENT_SPEND: "£",
    ExchangeKind.APPRENTICESHIPS: _("placements"),
    ExchangeKind.MONEY: "£",
}
EXCHANGE_MAX_QUANTITY = {
    ExchangeKind.SKILLS: 10_000,
    ExchangeKind.VOLUNTEERING_HOURS: 1_000_000,
    ExchangeKind.SPACE: 1_000_000,
    ExchangeKind.PROCUREMENT_SPEND: 5_000_000_000,
    ExchangeKind.APPRENTICESHIPS: 10_000,
    ExchangeKind.MONEY: 5_000_000_000,
}
MONEY_KINDS = {ExchangeKind.PROCUREMENT_SPEND, ExchangeKind.MONEY}

# The statuses a match may move to from each status.
MATCH_TRANSITIONS = {
    MatchStatus.PROPOSED: {MatchStatus.AGREED, MatchStatus.DROPPED},
    MatchStatus.AGREED: {MatchStatus.PROPOSED, MatchStatus.IN_DELIVERY, MatchStatus.DROPPED},
    MatchStatus.IN_DELIVERY: {MatchStatus.AGREED, MatchStatus.DELIVERED, MatchStatus.DROPPED},
    MatchStatus.DELIVERED: {MatchStatus.IN_DELIVERY},
    MatchStatus.DROPPED: {MatchStatus.PROPOSED},
}


class FundingStatus(models.TextChoices):
    """Whether the money for an investment plan line is in hand or still being sought."""

    SECURED = "secured", _("Secured")
    PIPELINE = "pipeline", _("Pipeline")


class ProspectusSection(models.TextChoices):
    """The parts of a prospectus draft that members comment on, each a thread of its own."""

    VISION = "vision", _("Vision")
    PRIORITIES = "priorities", _("Priorities")
    COMMITMENTS = "commitments", _("Commitments")
    INVESTMENT_PLAN = "investment_plan", _("Investment plan")


class ProspectusVersionStatus(models.TextChoices):
    """A version is edited as a draft, then sent to the lead members, who sign it off."""

    DRAFT = "draft", _("Draft")
    SIGN_OFF = "sign_off", _("Out for sign-off")
    PUBLISHED = "published", _("Published")


# The background job (levelup.Job kind, and its Celery task's name) that renders the
# published prospectus as a PDF.
PDF_JOB_KIND = "partnerships.prospectus_pdf_render"


class CommitmentStatus(models.TextChoices):
    """How a commitment stands, reported in its progress updates."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    DONE = "done", _("Done")


# A commitment with no update for this long is stale: the connector chases it.
STALE_AFTER_DAYS = 90
