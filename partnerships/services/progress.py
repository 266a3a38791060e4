"""Writes on progress: commitment updates, indicator readings, monthly reminders."""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from levelup.audit import audit_record
from levelup.models import User
from levelup.outbox import outbox_queue
from partnerships.enums import STAGE_ORDER, PartnershipStage
from partnerships.models import (
    Commitment,
    CommitmentReminder,
    CommitmentUpdate,
    Indicator,
    IndicatorReading,
    Partnership,
    Prospectus,
    Representative,
)

logger = logging.getLogger(__name__)

FIGURE_MAX = Decimal("1_000_000_000_000")


def _not_in_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            {field: _("The date of %(what)s cannot be in the future.") % {"what": what}}
        )


@transaction.atomic
def commitment_update_add(
    *,
    actor: User,
    commitment: Commitment,
    reported_on: date,
    status: str,
    note: str = "",
    figure: Decimal | None = None,
    figure_label: str = "",
) -> CommitmentUpdate:
    """Report how a commitment of the published prospectus stands.

    Updates are dated today or earlier. The first update of any commitment moves a
    partnership whose prospectus is published on to the stage "delivering".
    """
    published = (
        Prospectus.objects.filter(partnership_id=commitment.partnership_id)
        .values_list("published_version_id", flat=True)
        .first()
    )
    if published is None or commitment.version_id != published:
        raise ValidationError(
            _("Progress is reported on the commitments of the published prospectus.")
        )
    _not_in_future(reported_on, "reported_on", _("an update"))
    if figure is not None and figure < 0:
        raise ValidationError({"figure": _("The figure cannot be negative.")})
    if figure is not None and figure > FIGURE_MAX:
        raise ValidationError({"figure": _("That figure is too large: check for extra zeros.")})
    update = CommitmentUpdate(
        partnership_id=commitment.partnership_id,
        commitment=commitment,
        commitment_key=commitment.key,
        reported_on=reported_on,
        status=status,
        note=note.strip(),
        figure=figure,
        figure_label=figure_label.strip() if figure is not None else "",
        created_by=actor,
    )
    update.full_clean()
    update.save()
    audit_record(
        actor=actor,
        action="partnerships.commitment_update.create",
        target=update,
        changes={
            "commitment": commitment.description,
            "status": status,
            "reported_on": reported_on,
            "figure": figure,
            "figure_label": update.figure_label,
        },
    )
    _stage_delivering(actor=actor, partnership_id=commitment.partnership_id)
    return update


def _stage_delivering(*, actor: User | None, partnership_id: int) -> None:
    partnership = Partnership.objects.select_for_update().get(pk=partnership_id)
    order = [str(stage) for stage in STAGE_ORDER]
    if order.index(partnership.stage) >= order.index(PartnershipStage.DELIVERING):
        return
    before = partnership.stage
    partnership.stage = PartnershipStage.DELIVERING
    partnership.save(update_fields=["stage", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.partnership.stage_change",
        target=partnership,
        changes={"stage": [before, partnership.stage]},
    )


@transaction.atomic
def indicator_reading_add(
    *, actor: User, indicator: Indicator, measured_on: date, value: Decimal, note: str = ""
) -> IndicatorReading:
    """Record the indicator's value on a date (today or earlier; one reading per date)."""
    _not_in_future(measured_on, "measured_on", _("a reading"))
    reading = IndicatorReading(
        indicator=indicator,
        partnership_id=indicator.partnership_id,
        measured_on=measured_on,
        value=value,
        note=note.strip(),
        created_by=actor,
    )
    reading.full_clean()
    reading.save()
    audit_record(
        actor=actor,
        action="partnerships.indicator_reading.create",
        target=reading,
        changes={"indicator": indicator.name, "measured_on": measured_on, "value": value},
    )
    return reading


def commitment_reminders_send(*, today: date | None = None) -> int:
    """Monthly (Celery beat): email the people who speak for each organisation with an open
    commitment in a published prospectus, once per commitment per month. Idempotent.

    A commitment whose latest update says "done", or that was updated this month already,
    needs no reminder. The (commitment, month) row is written in the same transaction as the
    email, and the database refuses a second row, so a second run or worker sends nothing.
    """
    from partnerships.selectors.progress import commitments_needing_reminder

    today = today or timezone.localdate()
    month = today.replace(day=1)
    sent = 0
    for commitment in commitments_needing_reminder(month=month):
        recipients = sorted(
            Representative.objects.active()
            .filter(member_id=commitment.member_id, user__is_active=True)
            .values_list("user__email", flat=True)
        )
        if not recipients:
            continue
        try:
            with transaction.atomic():
                CommitmentReminder.objects.create(
                    partnership_id=commitment.partnership_id,
                    commitment_key=commitment.key,
                    month=month,
                )
                outbox_queue(
                    template="partnerships/commitment_reminder",
                    to=recipients,
                    context={"commitment": commitment, "month": month},
                )
                audit_record(actor=None, action="partnerships.commitment.remind", target=commitment)
        except IntegrityError:
            continue  # already reminded this month (another run got there first)
        sent += 1
    logger.info("partnerships: queued %s commitment reminder(s) for %s", sent, month)
    return sent
