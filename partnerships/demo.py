"""The partnerships part of the demo data. Idempotent."""

from django.db import transaction

from levelup.demo import demo_user, ensure_grant
from levelup.enums import Role
from levelup.models import Place

from .enums import PartnershipStage
from .models import Partnership

PARTNERSHIPS = [
    (
        "blackpool",
        "Blackpool Place Partnership",
        PartnershipStage.PROSPECTUS_PUBLISHED,
        "Businesses, the council and community groups working to one plan for the town.",
    ),
    (
        "wisbech",
        "Wisbech Together",
        PartnershipStage.ACTIVE,
        "A partnership for jobs, skills and a thriving town centre in Wisbech.",
    ),
    (
        "bradford",
        "Bradford Business and Community Partnership",
        PartnershipStage.FORMING,
        "Bringing Bradford's employers and communities together around shared goals.",
    ),
]


@transaction.atomic
def load_partnerships() -> None:
    for place_slug, name, stage, purpose in PARTNERSHIPS:
        Partnership.objects.get_or_create(
            slug=place_slug,
            defaults={
                "place": Place.objects.get(slug=place_slug),
                "name": name,
                "stage": stage,
                "purpose": purpose,
            },
        )
    blackpool = Partnership.objects.get(slug="blackpool")
    ensure_grant(user=demo_user("connector"), role=Role.CONNECTOR, target=blackpool)
    ensure_grant(user=demo_user("member"), role=Role.MEMBER, target=blackpool)
