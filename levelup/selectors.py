"""Reads that decide what a user may see of core objects."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .demo import DEMO_DOMAIN
from .models import RoleGrant, User


@dataclass(frozen=True)
class HeldRole:
    role: str
    label: str
    target: object | None


def roles_for_user(*, user: User) -> list[HeldRole]:
    """The person's active roles with the objects they are held on (one query per kind)."""
    grants = (
        RoleGrant.objects.active()
        .filter(user=user)
        .order_by("role", "created_at")
        .prefetch_related("target")
    )
    return [
        HeldRole(role=grant.role, label=grant.get_role_display(), target=grant.target)
        for grant in grants
    ]


def demo_accounts() -> QuerySet[User]:
    """The demo users `load_demo` creates, shown on the home page in development only."""
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True).order_by("email")
