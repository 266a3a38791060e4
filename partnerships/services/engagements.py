"""Writes on the connector's log: engagements and the actions agreed at them."""

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from levelup.audit import audit_diff, audit_record
from levelup.enums import Role
from levelup.models import User
from levelup.outbox import outbox_queue
from partnerships.models import Action, Engagement, Partnership, PartnershipMember

logger = logging.getLogger(__name__)

ENGAGEMENT_FIELDS = ["occurred_on", "kind", "title", "notes"]


def _check_organisations(partnership: Partnership, organisations) -> list[PartnershipMember]:
    organisations = list(organisations)
    if any(member.partnership_id != partnership.pk for member in organisations):
        raise ValidationError(
            {"organisations": _("Choose organisations that are members of this partnership.")}
        )
    return organisations


def _check_date(occurred_on: date) -> None:
    if occurred_on > timezone.localdate():
        raise ValidationError(
            {"occurred_on": _("The date of an engagement cannot be in the future.")}
        )


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    partnership: Partnership,
    occurred_on: date,
    kind: str,
    title: str,
    notes: str = "",
    organisations=(),
) -> Engagement:
    _check_date(occurred_on)
    organisations = _check_organisations(partnership, organisations)
    engagement = Engagement(
        partnership=partnership,
        occurred_on=occurred_on,
        kind=kind,
        title=title,
        notes=notes,
        created_by=actor,
    )
    engagement.full_clean()
    engagement.save()
    engagement.organisations.set(organisations)
    audit_record(
        actor=actor,
        action="partnerships.engagement.create",
        target=engagement,
        changes={"organisations": [str(m) for m in organisations]},
    )
    return engagement


@transaction.atomic
def engagement_update(
    *, actor: User, engagement: Engagement, organisations=(), **fields
) -> Engagement:
    _check_date(fields.get("occurred_on", engagement.occurred_on))
    organisations = _check_organisations(engagement.partnership, organisations)
    before = {name: getattr(engagement, name) for name in ENGAGEMENT_FIELDS}
    before_organisations = sorted(str(m) for m in engagement.organisations.all())
    for name in ENGAGEMENT_FIELDS:
        if name in fields:
            setattr(engagement, name, fields[name])
    engagement.full_clean()
    engagement.save()
    engagement.organisations.set(organisations)
    changes = audit_diff(before, engagement, ENGAGEMENT_FIELDS)
    after_organisations = sorted(str(m) for m in organisations)
    if before_organisations != after_organisations:
        changes["organisations"] = [before_organisations, after_organisations]
    audit_record(
        actor=actor, action="partnerships.engagement.update", target=engagement, changes=changes
    )
    return engagement


def action_owner_choices(*, partnership: Partnership):
    """People who may own an action: the connectors and the active representatives."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                partnership_representations__left_at__isnull=True,
                partnership_representations__member__left_on__isnull=True,
                partnership_representations__member__partnership=partnership,
            )
            | Q(
                role_grants__revoked_at__isnull=True,
                role_grants__role=Role.CONNECTOR,
                role_grants__content_type__model="partnership",
                role_grants__object_id=partnership.pk,
            )
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def action_create(
    *, actor: User, engagement: Engagement, description: str, owner: User, due_on: date
) -> Action:
    if not action_owner_choices(partnership=engagement.partnership).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("The owner must be a connector or a representative of a member.")}
        )
    action = Action(
        partnership=engagement.partnership,
        engagement=engagement,
        description=description,
        owner=owner,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action="partnerships.action.create",
        target=action,
        changes={"owner": owner.email, "due_on": due_on},
    )
    return action


@transaction.atomic
def action_set_done(*, actor: User, action: Action, done: bool) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if done == action.is_done:
        raise ValidationError(
            _("This action is already done.") if done else _("This action is not done yet.")
        )
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done_at", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.action.done" if done else "partnerships.action.reopen",
        target=action,
    )
    return action


def action_reminders_send(*, today: date | None = None) -> int:
    """Queue one reminder per open action due tomorrow that has not had one. Idempotent.

    Each action is locked and marked in the same transaction as its email row, so a second
    run (or a second worker) finds nothing to send.
    """
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Action.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(due_on=tomorrow, done_at__isnull=True, reminded_on__isnull=True)
                .select_related("owner", "partnership", "engagement")
                .order_by("pk")[:100]
            )
            if not batch:
                return sent
            for action in batch:
                if action.owner.is_active:
                    outbox_queue(
                        template="partnerships/action_reminder",
                        to=[action.owner.email],
                        context={"action": action},
                    )
                action.reminded_on = today
                action.save(update_fields=["reminded_on", "updated_at"])
                audit_record(actor=None, action="partnerships.action.remind", target=action)
                sent += 1
        logger.info("partnerships: queued %s action reminders so far", sent)
