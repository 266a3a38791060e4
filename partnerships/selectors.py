"""Reads that decide what a user may see of partnerships."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from levelup.enums import Role
from levelup.models import RoleGrant, User

from .diff import Segment, word_diff
from .enums import AgreementKind, MatchStatus, MemberRole
from .models import (
    Action,
    AgreementVersion,
    Ask,
    Deliverable,
    Endorsement,
    Engagement,
    Indicator,
    Invitation,
    Match,
    Partnership,
    PartnershipFigure,
    PartnershipMember,
    Representative,
)
from .rules import represented_members


def partnerships_public() -> QuerySet[Partnership]:
    """What anyone may see: every partnership's name, place and stage."""
    return Partnership.objects.select_related("place").order_by("place__name", "name")


def partnerships_for_user(*, user: User) -> QuerySet[Partnership]:
    """Partnerships whose private pages `user` may open: as connector, member or admin."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    partnerships = Partnership.objects.select_related("place").order_by("place__name", "name")
    if user.is_site_admin:
        return partnerships
    return partnerships.filter(
        Q(pk__in=user.connector_partnership_ids) | Q(pk__in=user.member_partnership_ids)
    )


def member_names_public(*, partnership: Partnership) -> list[str]:
    """The names of the organisations that are members now: all the public sees of them."""
    return list(
        PartnershipMember.objects.active()
        .filter(partnership=partnership)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )


def members_for_partnership(
    *, partnership: Partnership, include_former: bool = False
) -> QuerySet[PartnershipMember]:
    """Member organisations with their active representatives (three queries in all)."""
    members = PartnershipMember.objects.filter(partnership=partnership)
    if not include_former:
        members = members.active()
    return (
        members.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "representatives",
                queryset=Representative.objects.filter(left_at__isnull=True)
                .select_related("user")
                .order_by("user__name"),
                to_attr="active_representatives",
            )
        )
        .order_by("left_on", "organisation__name")
    )


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str
    is_urgent: bool = False


def attention_for_user(*, user: User, partnership: Partnership) -> list[AttentionItem]:
    """What needs this person's attention in this partnership, most urgent first."""
    items: list[AttentionItem] = []
    is_runner = user.is_site_admin or partnership.pk in user.connector_partnership_ids
    if is_runner:
        unrepresented = (
            PartnershipMember.objects.active()
            .filter(partnership=partnership)
            .exclude(
                Exists(Representative.objects.filter(member=OuterRef("pk"), left_at__isnull=True))
            )
            .count()
        )
        if unrepresented:
            items.append(
                AttentionItem(
                    text=_("%(count)s member organisation(s) have nobody representing them.")
                    % {"count": unrepresented},
                    url=reverse("partnerships:member-list", kwargs={"slug": partnership.slug}),
                )
            )
    today = timezone.localdate()
    mine = Action.objects.filter(partnership=partnership, owner=user, done_at__isnull=True)
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=7))),
    )
    my_actions_url = reverse("partnerships:action-mine")
    if counts["overdue"]:
        items.append(
            AttentionItem(
                text=_("You have %(count)s overdue action(s).") % {"count": counts["overdue"]},
                url=my_actions_url,
                is_urgent=True,
            )
        )
    if counts["soon"]:
        items.append(
            AttentionItem(
                text=_("You have %(count)s action(s) due in the next 7 days.")
                % {"count": counts["soon"]},
                url=my_actions_url,
            )
        )
    items.extend(_agreement_attention(user=user, partnership=partnership, is_runner=is_runner))
    if is_runner:
        overdue_all = Action.objects.filter(
            partnership=partnership, done_at__isnull=True, due_on__lt=today
        ).count()
        if overdue_all:
            items.append(
                AttentionItem(
                    text=_("%(count)s action(s) in this partnership are overdue.")
                    % {"count": overdue_all},
                    url=reverse("partnerships:engagement-list", kwargs={"slug": partnership.slug}),
                    is_urgent=True,
                )
            )
    return sorted(items, key=lambda item: not item.is_urgent)


def invitations_pending(*, partnership: Partnership) -> QuerySet[Invitation]:
    """Invitations not used yet and not expired, newest first."""
    return (
        Invitation.objects.filter(
            partnership=partnership, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def connector_grants(*, partnership: Partnership) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.active()
        .filter(
            role=Role.CONNECTOR,
            content_type__app_label="partnerships",
            content_type__model="partnership",
            object_id=partnership.pk,
        )
        .select_related("user")
        .order_by("user__name")
    )


def figures_for_partnership(*, partnership: Partnership) -> QuerySet[PartnershipFigure]:
    return PartnershipFigure.objects.filter(partnership=partnership).order_by("kind", "name")


def _agreement_attention(*, user: User, partnership: Partnership, is_runner: bool):
    """Versions waiting for this lead's endorsement; for connectors, how far each has got."""
    my_leads = [
        rep.member_id
        for rep in represented_members(user).values()
        if rep.partnership_id == partnership.pk and rep.role == MemberRole.LEAD
    ]
    if not (my_leads or is_runner):
        return []
    currents = list(
        AgreementVersion.objects.filter(partnership=partnership, agreed_at__isnull=True)
        .filter(
            number=Subquery(
                AgreementVersion.objects.filter(partnership=partnership, kind=OuterRef("kind"))
                .order_by("-number")
                .values("number")[:1]
            )
        )
        .annotate(
            endorsed=Count("endorsements"),
            mine=Count("endorsements", filter=Q(endorsements__member_id__in=my_leads)),
        )
    )
    items = []
    for version in currents:
        name = "goal" if version.kind == AgreementKind.COMMON_GOAL else "terms"
        url = reverse(f"partnerships:{name}", kwargs={"slug": partnership.slug})
        if my_leads and version.mine < len(my_leads):
            items.append(
                AttentionItem(
                    text=_("%(kind)s version %(number)s is waiting for your endorsement.")
                    % {"kind": version.get_kind_display(), "number": version.number},
                    url=url,
                )
            )
        elif is_runner:
            items.append(
                AttentionItem(
                    text=_("%(kind)s version %(number)s: %(count)s lead endorsement(s) so far.")
                    % {
                        "kind": version.get_kind_display(),
                        "number": version.number,
                        "count": version.endorsed,
                    },
                    url=url,
                )
            )
    return items


def engagements_for_partnership(*, partnership: Partnership) -> QuerySet[Engagement]:
    """The log, newest first, with who took part and how many actions are open (3 queries)."""
    return (
        Engagement.objects.filter(partnership=partnership)
        .annotate(
            open_actions=Count("actions", filter=Q(actions__done_at__isnull=True)),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__done_at__isnull=True, actions__due_on__lt=timezone.localdate()),
            ),
        )
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=PartnershipMember.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
        .order_by("-occurred_on", "-id")
    )


def actions_for_engagement(*, engagement: Engagement) -> QuerySet[Action]:
    return (
        Action.objects.filter(engagement=engagement)
        .select_related("owner")
        .order_by("done_at", "due_on", "id")
    )


def actions_for_user(*, user: User) -> QuerySet[Action]:
    """The person's own actions in partnerships they can still open: open ones first."""
    return (
        Action.objects.filter(
            owner=user, partnership__in=partnerships_for_user(user=user).values("pk")
        )
        .select_related("partnership", "engagement")
        .order_by(F("done_at").asc(nulls_first=True), "due_on", "id")
    )


def _with_matched(queryset, side: str):
    """Annotate `matched` (the live matches' total) and `state` (met, partly or open).

    A subquery rather than a join, so that `state` can be filtered and grouped on.
    """
    live = (
        Match.objects.filter(**{side: OuterRef("pk")})
        .exclude(status=MatchStatus.DROPPED)
        .order_by()
        .values(side)
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return queryset.annotate(
        matched=Coalesce(
            Subquery(live),
            Value(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    ).annotate(
        state=Case(
            When(matched__gte=F("quantity"), then=Value("met")),
            When(matched__gt=0, then=Value("partly")),
            default=Value("open"),
            output_field=CharField(),
        )
    )


def asks_for_partnership(*, partnership: Partnership, state: str = "") -> QuerySet[Ask]:
    asks = _with_matched(
        Ask.objects.filter(partnership=partnership).select_related("member__organisation"), "ask"
    )
    if state:
        asks = asks.filter(state=state)
    return asks.order_by("member__organisation__name", "kind", "-created_at", "-id")


def deliverables_for_partnership(
    *, partnership: Partnership, state: str = ""
) -> QuerySet[Deliverable]:
    deliverables = _with_matched(
        Deliverable.objects.filter(partnership=partnership).select_related("member__organisation"),
        "deliverable",
    )
    if state == "used":
        deliverables = deliverables.filter(matched__gt=0)
    elif state == "unused":
        deliverables = deliverables.filter(matched=0)
    return deliverables.order_by("member__organisation__name", "kind", "-created_at", "-id")


MATCH_STATUS_ORDER = Case(
    *[When(status=status, then=Value(i)) for i, status in enumerate(MatchStatus.values)],
    default=Value(99),
)


def matches_for_partnership(*, partnership: Partnership) -> QuerySet[Match]:
    """Matches in board order (proposed … dropped), each with both sides' organisations."""
    return (
        Match.objects.filter(partnership=partnership)
        .select_related("ask__member__organisation", "deliverable__member__organisation")
        .annotate(status_order=MATCH_STATUS_ORDER)
        .order_by("status_order", "-updated_at", "-id")
    )


@dataclass(frozen=True)
class ExchangeSummary:
    asks_met: int
    asks_partly: int
    asks_open: int
    offers_used: int
    offers_unused: int
    matches_by_status: dict[str, int]


def exchange_summary(*, partnership: Partnership) -> ExchangeSummary:
    """Counts for the summary page, in three queries whatever the number of rows."""
    asks = asks_for_partnership(partnership=partnership).order_by()
    ask_counts = dict(asks.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    offers = _with_matched(
        Deliverable.objects.filter(partnership=partnership), "deliverable"
    ).order_by()
    offer_counts = offers.aggregate(
        used=Count("pk", filter=Q(matched__gt=0)), unused=Count("pk", filter=Q(matched=0))
    )
    by_status = dict(
        Match.objects.filter(partnership=partnership)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return ExchangeSummary(
        asks_met=ask_counts.get("met", 0),
        asks_partly=ask_counts.get("partly", 0),
        asks_open=ask_counts.get("open", 0),
        offers_used=offer_counts["used"],
        offers_unused=offer_counts["unused"],
        matches_by_status={status: by_status.get(status, 0) for status in MatchStatus.values},
    )


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


def indicators_for_partnership(*, partnership: Partnership) -> QuerySet[Indicator]:
    return Indicator.objects.filter(partnership=partnership).order_by("name", "id")
