"""The connector's log and the actions agreed at engagements."""

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from levelup.models import User
from partnerships.models import (
    Action,
    Engagement,
    Partnership,
    PartnershipMember,
)
from partnerships.selectors.partnerships import partnerships_for_user


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
        .select_related("owner", "partnership")
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
