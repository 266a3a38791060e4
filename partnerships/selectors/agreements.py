"""The common goal and terms of reference: versions and endorsements."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Prefetch,
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


def agreement_current(*, partnership: Partnership, kind: str) -> AgreementVersion | None:
    """The newest version of `kind`, agreed or not: the only one that can be endorsed."""
    return (
        AgreementVersion.objects.filter(partnership=partnership, kind=kind)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )


def lead_members(*, partnership: Partnership) -> QuerySet[PartnershipMember]:
    return PartnershipMember.objects.active().filter(partnership=partnership, role=MemberRole.LEAD)


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
class AgreementStatus:
    current: AgreementVersion | None
    # The active lead members, each with `current_endorsements` (their endorsement of the
    # current version, if any): a queryset, for the page to paginate.
    leads: QuerySet[PartnershipMember]
    endorsed_count: int  # lead members who endorsed the current version
    endorsable: list[PartnershipMember]  # lead members the user may still endorse for


def agreement_status(*, partnership: Partnership, kind: str, user: User) -> AgreementStatus:
    """The current version, the lead members and their endorsements of it, and what `user`
    may endorse. Counts are computed in the database, so the leads can be paginated."""
    current = agreement_current(partnership=partnership, kind=kind)
    leads = lead_members(partnership=partnership)
    endorsed_count = 0
    endorsable: list[PartnershipMember] = []
    if current is not None:
        endorsed_count = Endorsement.objects.filter(version=current, member__in=leads).count()
        mine = [
            rep.member_id
            for rep in represented_members(user).values()
            if rep.partnership_id == partnership.pk and rep.role == MemberRole.LEAD
        ]
        if mine:
            endorsable = list(
                leads.filter(pk__in=mine)
                .exclude(endorsements__version=current)
                .select_related("organisation")
                .order_by("organisation__name", "pk")
            )
    return AgreementStatus(
        current=current,
        leads=leads.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.filter(version=current).select_related("endorsed_by"),
                to_attr="current_endorsements",
            )
        )
        .order_by("organisation__name", "pk"),
        endorsed_count=endorsed_count,
        endorsable=endorsable,
    )


@dataclass(frozen=True)
class VersionWithDiff:
    version: AgreementVersion
    diff: list[Segment] | None  # None for the first version


def agreement_history(*, versions: list[AgreementVersion]) -> list[VersionWithDiff]:
    """Each version (newest first, one page of them) with what changed since the one before it.

    The version just older than the page's last one (the next page's first) is read in one
    extra query, so that a page's diffs do not need one query each.
    """
    previous = None
    if versions and versions[-1].number > 1:
        last = versions[-1]
        previous = (
            AgreementVersion.objects.filter(
                partnership_id=last.partnership_id, kind=last.kind, number__lt=last.number
            )
            .order_by("-number")
            .first()
        )
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
