"""Writes on the exit plan and the measurement framework (indicators)."""

from django.db import transaction

from levelup.audit import audit_diff, audit_record
from levelup.models import User
from partnerships.models import Indicator, Partnership

INDICATOR_FIELDS = ["name", "unit", "baseline", "target", "source"]


@transaction.atomic
def exit_plan_update(*, actor: User, partnership: Partnership, exit_plan: str) -> Partnership:
    before = {"exit_plan": partnership.exit_plan}
    partnership.exit_plan = exit_plan.strip()
    partnership.full_clean()
    partnership.save(update_fields=["exit_plan", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.partnership.exit_plan_update",
        target=partnership,
        changes=audit_diff(before, partnership, ["exit_plan"]),
    )
    return partnership


@transaction.atomic
def indicator_create(*, actor: User, partnership: Partnership, **fields) -> Indicator:
    indicator = Indicator(partnership=partnership, **fields)
    indicator.full_clean()
    indicator.save()
    audit_record(
        actor=actor,
        action="partnerships.indicator.create",
        target=indicator,
        changes={name: getattr(indicator, name) for name in INDICATOR_FIELDS},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, **fields) -> Indicator:
    before = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    for name in INDICATOR_FIELDS:
        if name in fields:
            setattr(indicator, name, fields[name])
    indicator.full_clean()
    indicator.save()
    audit_record(
        actor=actor,
        action="partnerships.indicator.update",
        target=indicator,
        changes=audit_diff(before, indicator, INDICATOR_FIELDS),
    )
    return indicator
