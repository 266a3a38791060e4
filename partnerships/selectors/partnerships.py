"""Partnerships, members, invitations and connectors."""

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from levelup.enums import Role
from levelup.models import RoleGrant, User
from partnerships.models import (
    Indicator,
    Invitation,
    Partnership,
    PartnershipFigure,
    PartnershipMember,
    Representative,
)


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


def partnerships_for_connector_management(*, user: User) -> QuerySet[Partnership]:
    """Partnerships whose connectors `user` may name: all for admins, else their bodies' ones.

    The secretariat of a programme body manages connectors without seeing the private pages.
    """
    if not user.is_authenticated:
        return Partnership.objects.none()
    partnerships = Partnership.objects.select_related("place", "programme_body").order_by(
        "place__name", "name"
    )
    if user.is_site_admin:
        return partnerships
    return partnerships.filter(programme_body_id__in=user.secretariat_body_ids)


def member_names_public(*, partnership: Partnership) -> QuerySet:
    """The names of the organisations that are members now: all the public sees of them."""
    return (
        PartnershipMember.objects.active()
        .filter(partnership=partnership)
        .order_by("organisation__name", "pk")
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


def invitations_pending(*, partnership: Partnership) -> QuerySet[Invitation]:
    """Invitations not used yet and not expired, newest first."""
    return (
        Invitation.objects.filter(
            partnership=partnership, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def partnership_grants(*, partnership: Partnership) -> QuerySet[RoleGrant]:
    """The active role grants (connector and member) held on `partnership`."""
    return RoleGrant.objects.active().filter(
        content_type__app_label="partnerships",
        content_type__model="partnership",
        object_id=partnership.pk,
    )


def connector_grants(*, partnership: Partnership) -> QuerySet[RoleGrant]:
    return (
        partnership_grants(partnership=partnership)
        .filter(role=Role.CONNECTOR)
        .select_related("user")
        .order_by("user__name")
    )


def figures_for_partnership(*, partnership: Partnership) -> QuerySet[PartnershipFigure]:
    return PartnershipFigure.objects.filter(partnership=partnership).order_by("kind", "name")


def indicators_for_partnership(*, partnership: Partnership) -> QuerySet[Indicator]:
    return Indicator.objects.filter(partnership=partnership).order_by("name", "id")
