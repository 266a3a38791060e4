"""What needs a person's attention on a partnership's home page."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from levelup.models import User
from partnerships.enums import AgreementKind, MatchStatus, MemberRole
from partnerships.models import (
    Action,
    AgreementVersion,
    Match,
    Partnership,
    PartnershipMember,
    Representative,
)
from partnerships.rules import represented_members


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
                text=ngettext(
                    "You have %(count)s overdue action.",
                    "You have %(count)s overdue actions.",
                    counts["overdue"],
                )
                % {"count": counts["overdue"]},
                url=my_actions_url,
                is_urgent=True,
            )
        )
    if counts["soon"]:
        items.append(
            AttentionItem(
                text=ngettext(
                    "You have %(count)s action due in the next 7 days.",
                    "You have %(count)s actions due in the next 7 days.",
                    counts["soon"],
                )
                % {"count": counts["soon"]},
                url=my_actions_url,
            )
        )
    items.extend(_agreement_attention(user=user, partnership=partnership, is_runner=is_runner))
    items.extend(_match_attention(user=user, partnership=partnership, is_runner=is_runner))
    if is_runner:
        overdue_all = Action.objects.filter(
            partnership=partnership, done_at__isnull=True, due_on__lt=today
        ).count()
        if overdue_all:
            items.append(
                AttentionItem(
                    text=ngettext(
                        "%(count)s action in this partnership is overdue.",
                        "%(count)s actions in this partnership are overdue.",
                        overdue_all,
                    )
                    % {"count": overdue_all},
                    url=reverse("partnerships:engagement-list", kwargs={"slug": partnership.slug}),
                    is_urgent=True,
                )
            )
    return sorted(items, key=lambda item: not item.is_urgent)


def _match_attention(*, user: User, partnership: Partnership, is_runner: bool):
    """Proposed matches: the connector's to move on; a member's when they involve their own."""
    my_members = [
        rep.member_id
        for rep in represented_members(user).values()
        if rep.partnership_id == partnership.pk
    ]
    if not (my_members or is_runner):
        return []
    proposed = Match.objects.filter(partnership=partnership, status=MatchStatus.PROPOSED)
    if not is_runner:
        proposed = proposed.filter(
            Q(ask__member_id__in=my_members) | Q(deliverable__member_id__in=my_members)
        )
    count = proposed.count()
    if not count:
        return []
    board = reverse("partnerships:match-board", kwargs={"slug": partnership.slug})
    if is_runner:
        text = _("%(count)s proposed match(es) are waiting to be agreed.")
    else:
        text = _("%(count)s proposed match(es) involve your organisation.")
    return [AttentionItem(text=text % {"count": count}, url=board)]


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
