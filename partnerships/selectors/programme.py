"""The programme view: every partnership a body runs, one row each, in one query.

Each figure is a correlated subquery on the partnership row, so the page costs the same
number of queries for one partnership or fifty.
"""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate

from levelup.models import User
from partnerships.enums import AgreementKind, CommitmentStatus, MatchStatus, MemberRole
from partnerships.models import (
    AgreementVersion,
    Ask,
    Commitment,
    CommitmentUpdate,
    Deliverable,
    Endorsement,
    Engagement,
    Match,
    Partnership,
    PartnershipMember,
    Prospectus,
    ProspectusVersion,
)

from .progress import with_latest_update


def _count(queryset, field: str = "partnership"):
    """`COUNT(*)` of `queryset` (already filtered on the outer partnership), 0 when empty."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _latest(queryset, field: str):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def partnerships_in_programme(*, user: User) -> QuerySet[Partnership]:
    """The partnerships of the bodies `user` is secretariat of (every one for an admin)."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    partnerships = Partnership.objects.select_related("place", "programme_body")
    if not user.is_site_admin:
        partnerships = partnerships.filter(programme_body_id__in=user.secretariat_body_ids)
    return partnerships.order_by("place__name", "name", "pk")


def programme_rows(*, user: User) -> QuerySet[Partnership]:
    """`partnerships_in_programme` with what the programme's secretariat follows:

    - `goal_number`, `goal_agreed_at`: the newest common goal version and whether it is agreed;
      `goal_endorsed`, `lead_count`: its lead endorsements so far, out of the lead members;
    - `asks_total`, `asks_open`: asks, and those that live matches do not fully meet yet;
    - `matches_delivered`: matches delivered;
    - `prospectus_published_at`, `prospectus_version`, `prospectus_version_status`: when the
      prospectus was published, and its newest version (number and status), if any;
    - `commitment_statuses`: the latest status of each published commitment (None: no update
      yet), counted by `programme_table`;
    - `last_activity_on`: the latest engagement, ask, deliverable, match, goal version,
      prospectus version or commitment update.
    """
    here = OuterRef("pk")
    goals = AgreementVersion.objects.filter(partnership=here, kind=AgreementKind.COMMON_GOAL)
    newest_goal = goals.order_by("-number")
    leads = PartnershipMember.objects.active().filter(partnership=here, role=MemberRole.LEAD)
    live_matched = (
        Match.objects.filter(ask=OuterRef("pk"))
        .exclude(status=MatchStatus.DROPPED)
        .order_by()
        .values("ask")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    open_asks = (
        Ask.objects.filter(partnership=here)
        .annotate(
            matched=Coalesce(
                Subquery(live_matched),
                Value(0),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .filter(matched__lt=F("quantity"))
    )
    newest_version = ProspectusVersion.objects.filter(prospectus__partnership=here).order_by(
        "-number"
    )
    published = with_latest_update(
        Commitment.objects.filter(
            version_id=Subquery(
                Prospectus.objects.filter(partnership=OuterRef(OuterRef("pk"))).values(
                    "published_version_id"
                )[:1]
            )
        )
    )
    return partnerships_in_programme(user=user).annotate(
        prospectus_published_at=Subquery(
            Prospectus.objects.filter(partnership=here).values("published_at")[:1]
        ),
        prospectus_version=Subquery(newest_version.values("number")[:1]),
        prospectus_version_status=Subquery(newest_version.values("status")[:1]),
        # Each published commitment's latest status (NULL: no update yet), in one array, so
        # that each commitment's latest update is looked up once.
        commitment_statuses=Subquery(
            published.order_by()
            .values("version")
            .annotate(statuses=ArrayAgg("latest_status", default=Value([])))
            .values("statuses")[:1]
        ),
        goal_number=Subquery(newest_goal.values("number")[:1]),
        goal_agreed_at=Subquery(newest_goal.values("agreed_at")[:1]),
        goal_endorsed=_count(
            Endorsement.objects.filter(
                version__partnership=here,
                version__kind=AgreementKind.COMMON_GOAL,
                version__number=Subquery(
                    AgreementVersion.objects.filter(
                        partnership=OuterRef("version__partnership"),
                        kind=AgreementKind.COMMON_GOAL,
                    )
                    .order_by("-number")
                    .values("number")[:1]
                ),
                member__role=MemberRole.LEAD,
                member__left_on__isnull=True,
            ),
            "version__partnership",
        ),
        lead_count=_count(leads),
        has_agreed_goal=Exists(goals.filter(agreed_at__isnull=False)),
        asks_total=_count(Ask.objects.filter(partnership=here)),
        asks_open=_count(open_asks),
        matches_delivered=_count(
            Match.objects.filter(partnership=here, status=MatchStatus.DELIVERED)
        ),
        last_activity_on=Greatest(
            _latest(Engagement.objects.filter(partnership=here), "occurred_on"),
            TruncDate(_latest(Ask.objects.filter(partnership=here), "updated_at")),
            TruncDate(_latest(Deliverable.objects.filter(partnership=here), "updated_at")),
            TruncDate(_latest(Match.objects.filter(partnership=here), "updated_at")),
            TruncDate(_latest(goals, "created_at")),
            TruncDate(_latest(newest_version, "updated_at")),
            _latest(CommitmentUpdate.objects.filter(partnership=here), "reported_on"),
            output_field=DateField(),
        ),
    )


def programme_table(*, user: User) -> list[Partnership]:
    """`programme_rows`, each with `commitments_by_status` ({status or "none": count})."""
    rows = list(programme_rows(user=user))
    for row in rows:
        counts = {status: 0 for status in [*CommitmentStatus.values, "none"]}
        for status in row.commitment_statuses or []:
            counts[status or "none"] += 1
        row.commitments_by_status = counts
    return rows
