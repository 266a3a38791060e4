"""Demo data for `make run`, written in our own words. Idempotent: running it twice changes nothing.

Each app adds its own part; `load_demo` calls them in import order (core, evidence, partnerships).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify

from .enums import BusinessSize, OrganisationType, Role
from .models import Body, Organisation, Place, RoleGrant, User
from .services import role_grant, user_create

DEMO_DOMAIN = "demo.levelup.test"

PLACES = [
    ("Blackpool", "blackpool", "Blackpool Council", "North West", "E06000009"),
    ("Wisbech", "wisbech", "Fenland District Council", "East of England", "E07000010"),
    (
        "Bradford",
        "bradford",
        "City of Bradford Metropolitan District Council",
        "Yorkshire and The Humber",
        "E08000032",
    ),
]

ORGANISATIONS = [
    # name, type, size, sector, place slug
    ("Promenade Print Co.", OrganisationType.BUSINESS, BusinessSize.MICRO, "Printing", "blackpool"),
    (
        "Fenland Fresh Produce",
        OrganisationType.BUSINESS,
        BusinessSize.SMALL,
        "Agriculture",
        "wisbech",
    ),
    (
        "Aire Valley Engineering",
        OrganisationType.BUSINESS,
        BusinessSize.MEDIUM,
        "Manufacturing",
        "bradford",
    ),
    (
        "Northern Lights Energy plc",
        OrganisationType.BUSINESS,
        BusinessSize.LARGE,
        "Energy",
        "blackpool",
    ),
    ("Blackpool Council", OrganisationType.LOCAL_AUTHORITY, "", "", "blackpool"),
    ("Fenland District Council", OrganisationType.LOCAL_AUTHORITY, "", "", "wisbech"),
    (
        "City of Bradford Metropolitan District Council",
        OrganisationType.LOCAL_AUTHORITY,
        "",
        "",
        "bradford",
    ),
    ("Lancashire Combined Authority", OrganisationType.COMBINED_AUTHORITY, "", "", "blackpool"),
    ("Wisbech Community Larder", OrganisationType.COMMUNITY, "", "Food", "wisbech"),
    ("Manningham Youth Trust", OrganisationType.COMMUNITY, "", "Youth work", "bradford"),
    ("Fylde Coast College", OrganisationType.EDUCATION, "", "Further education", "blackpool"),
    ("University of the Pennines", OrganisationType.EDUCATION, "", "Higher education", "bradford"),
    ("Coastal Towns Commission", OrganisationType.PUBLIC_BODY, "", "", "blackpool"),
    ("Office of the Member for Wisbech", OrganisationType.PARLIAMENTARIAN, "", "", "wisbech"),
    ("Friends of Lister Park", OrganisationType.OTHER, "", "Heritage", "bradford"),
]


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    description: str

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


DEMO_USERS = [
    DemoUser("admin", "Ada Admin", "Site administrator"),
    DemoUser("secretariat", "Sam Secretariat", "Secretariat of the Place Taskforce"),
    DemoUser("reviewer", "Rory Reviewer", "Reviewer of the closed call"),
    DemoUser("connector", "Connie Connector", "Business connector in Blackpool"),
    DemoUser("member", "Mo Member", "Partnership member in Blackpool"),
    DemoUser("respondent", "Rosa Respondent", "A respondent with no other role"),
]


def demo_user(key: str) -> User:
    return User.objects.get(email=f"{key}@{DEMO_DOMAIN}")


def ensure_grant(*, user: User, role: str, target=None) -> None:
    grants = RoleGrant.objects.active().filter(user=user, role=role)
    if target is not None:
        grants = grants.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )
    if not grants.exists():
        role_grant(actor=None, user=user, role=role, target=target)


@transaction.atomic
def load_core() -> None:
    for name, slug, authority, region, ons in PLACES:
        Place.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "local_authority": authority,
                "region": region,
                "ons_code": ons,
            },
        )
    places = {place.slug: place for place in Place.objects.all()}
    for name, kind, size, sector, place_slug in ORGANISATIONS:
        Organisation.objects.update_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "type": kind,
                "size": size,
                "sector": sector,
                "place": places[place_slug],
            },
        )
    Body.objects.update_or_create(
        slug="place-taskforce",
        defaults={
            "name": "Place Taskforce",
            "description": (
                "An independent taskforce of business leaders looking at how business can "
                "help regenerate the places it is part of."
            ),
        },
    )
    for person in DEMO_USERS:
        if not User.objects.filter(email=person.email).exists():
            user_create(
                actor=None, email=person.email, name=person.name, password=settings.DEMO_PASSWORD
            )
    admin = demo_user("admin")
    if not admin.is_staff:
        # The demo administrator may also use the Django admin.
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    ensure_grant(user=admin, role=Role.ADMIN)
    ensure_grant(
        user=demo_user("secretariat"),
        role=Role.SECRETARIAT,
        target=Body.objects.get(slug="place-taskforce"),
    )
