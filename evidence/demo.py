"""The evidence part of the demo data. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from levelup.demo import demo_user, ensure_grant
from levelup.enums import Role
from levelup.models import Body

from .enums import CallStatus
from .models import CallForEvidence


@transaction.atomic
def load_evidence() -> None:
    body = Body.objects.get(slug="place-taskforce")
    now = timezone.now()
    closed, _ = CallForEvidence.objects.get_or_create(
        slug="role-of-business-in-place-based-regeneration",
        defaults={
            "body": body,
            "title": "The role of business in place-based regeneration",
            "summary": (
                "How can businesses of every size work with councils and communities to "
                "improve the places where they operate? We asked businesses, councils, "
                "community groups, universities and parliamentarians."
            ),
            "reference_prefix": "PTF",
            "contact_email": "taskforce@levelup.example",
            "opens_at": now - timedelta(days=120),
            "closes_at": now - timedelta(days=60),
            "status": CallStatus.CLOSED,
        },
    )
    CallForEvidence.objects.get_or_create(
        slug="skills-and-young-people-in-coastal-towns",
        defaults={
            "body": body,
            "title": "Skills and young people in coastal towns",
            "summary": (
                "What stops young people in coastal towns from getting the skills local "
                "employers need, and what has worked where you live?"
            ),
            "reference_prefix": "SYP",
            "contact_email": "taskforce@levelup.example",
            "opens_at": now - timedelta(days=7),
            "closes_at": now + timedelta(days=45),
            "status": CallStatus.OPEN,
        },
    )
    ensure_grant(user=demo_user("reviewer"), role=Role.REVIEWER, target=closed)
