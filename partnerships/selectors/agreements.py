"""The common goal and terms of reference: versions and endorsements."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    QuerySet,
)

from levelup.models import User
from partnerships.diff import Segment, word_diff
from partnerships.enums import AgreementKind, MemberRole
from partnerships.models import (
    AgreementVersion,
    Endorsement,
    Partnership,
    PartnershipMember,
)
from partnerships.rules import represented_members


def agreed_goal_public(*, partnership: Partnership) -> AgreementVersion | None:
    """The latest common goal every lead member endorsed: the only version the public sees."""
    return (
        AgreementVersion.objects.filter(
            partnership=partnership, kind=AgreementKind.COMMON_GOAL, agreed_at__isnull=False
        )
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class LeadEndorsement:
    member: PartnershipMember
    endorsement: Endorsement | None


@dataclass(frozen=True)
class AgreementStatus:
    current: AgreementVersion | None
    leads: list[LeadEndorsement]
    endorsable: list[PartnershipMember]  # lead members the user may still endorse for

    @property
    def endorsed_count(self) -> int:
        return sum(1 for lead in self.leads if lead.endorsement is not None)


def agreement_status(*, partnership: Partnership, kind: str, user: User) -> AgreementStatus:
    """The current version, each lead member's endorsement of it, and what `user` may endorse."""
    current = (
        AgreementVersion.objects.filter(partnership=partnership, kind=kind)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )
    leads = list(
        PartnershipMember.objects.active()
        .filter(partnership=partnership, role=MemberRole.LEAD)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    endorsements = {}
    if current is not None:
        endorsements = {e.member_id: e for e in current.endorsements.select_related("endorsed_by")}
    mine = represented_members(user)
    return AgreementStatus(
        current=current,
        leads=[LeadEndorsement(lead, endorsements.get(lead.pk)) for lead in leads],
        endorsable=[
            lead
            for lead in leads
            if current is not None and lead.pk in mine and lead.pk not in endorsements
        ],
    )


@dataclass(frozen=True)
class VersionWithDiff:
    version: AgreementVersion
    diff: list[Segment] | None  # None for the first version


def agreement_history(*, versions: list[AgreementVersion], previous: AgreementVersion | None):
    """Each version (newest first) with what changed since the one before it.

    `previous` is the version just older than the last one in `versions` (the next page's
    first), so that a page's diffs need one extra row, not one query each.
    """
    result = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else previous
        diff = word_diff(older.as_text(), version.as_text()) if older else None
        result.append(VersionWithDiff(version, diff))
    return result


def agreement_versions(*, partnership: Partnership, kind: str) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.filter(partnership=partnership, kind=kind)
        .select_related("created_by")
        .annotate(endorsement_count=Count("endorsements"))
        .order_by("-number")
    )
