"""Reads that decide what a user may see of core objects."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import AuditEntry, RoleGrant, User


@dataclass(frozen=True)
class HeldRole:
    role: str
    label: str
    target: object | None


def roles_for_user(*, user: User) -> list[HeldRole]:
    """The person's active roles with the objects they are held on, in two queries per kind."""
    grants = list(RoleGrant.objects.active().filter(user=user).order_by("role", "created_at"))
    targets: dict[tuple[int, int], object] = {}
    by_type: dict[int, set[int]] = {}
    for grant in grants:
        if grant.content_type_id:
            by_type.setdefault(grant.content_type_id, set()).add(grant.object_id)
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            targets[(type_id, obj.pk)] = obj
    return [
        HeldRole(
            role=grant.role,
            label=grant.get_role_display(),
            target=targets.get((grant.content_type_id, grant.object_id)),
        )
        for grant in grants
    ]


def audit_entries_for_user(*, user: User) -> QuerySet[AuditEntry]:
    if not user.is_site_admin:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor", "content_type")


def demo_accounts() -> QuerySet[User]:
    """The demo users `load_demo` creates, shown on the home page in development only."""
    return User.objects.filter(email__endswith="@demo.levelup.test", is_active=True).order_by(
        "email"
    )
