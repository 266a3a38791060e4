"""Reads that decide what a user may see of core objects."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import TrigramSimilarity
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from .demo import DEMO_DOMAIN
from .models import Job, Organisation, Place, RoleGrant, User

# pg_trgm's own default for its `%` operator: below this, two names share too little.
SIMILAR_NAME_THRESHOLD = 0.3
SIMILAR_NAME_LIMIT = 8


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


def jobs_for_targets(*, targets: list[models.Model], kind: str) -> dict[int, Job]:
    """The latest job of `kind` for each object (by pk), in one query; the caller has already
    decided the person may see those objects."""
    if not targets:
        return {}
    content_type = ContentType.objects.get_for_model(targets[0])
    latest: dict[int, Job] = {}
    for job in Job.objects.filter(
        content_type=content_type, object_id__in=[t.pk for t in targets], kind=kind
    ).order_by("object_id", "-created_at", "-id"):
        latest.setdefault(job.object_id, job)
    return latest


def job_latest(*, target: models.Model, kind: str) -> Job | None:
    """The latest job of `kind` for one object (e.g. an import's progress page)."""
    return jobs_for_targets(targets=[target], kind=kind).get(target.pk)


def organisations_similar(*, name: str, place: Place | None) -> list[Organisation]:
    """Organisations in `place` whose names look like `name` (trigram similarity), closest
    first: offered before a new organisation is made, so nobody creates a near-duplicate.

    Organisations are public (their names are on every partnership's page), so anyone who may
    create one may see these.
    """
    name = " ".join((name or "").split())
    if not name:
        return []
    in_place = Q(place=place) if place is not None else Q(place__isnull=True)
    return list(
        Organisation.objects.filter(in_place)
        .annotate(similarity=TrigramSimilarity(Lower("name"), name.lower()))
        .filter(Q(similarity__gte=SIMILAR_NAME_THRESHOLD) | Q(name__iexact=name))
        .select_related("place")
        .order_by("-similarity", "name")[:SIMILAR_NAME_LIMIT]
    )


def places_all() -> QuerySet[Place]:
    """Every place: places are public (a partnership's page names its place)."""
    return Place.objects.order_by("name")
