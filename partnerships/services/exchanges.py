"""Writes on asks, deliverables and the connector's matches between them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from levelup.audit import audit_diff, audit_record
from levelup.models import User
from levelup.money import format_gbp
from partnerships.enums import (
    EXCHANGE_DEFAULT_UNITS,
    EXCHANGE_MAX_QUANTITY,
    MATCH_TRANSITIONS,
    MONEY_KINDS,
    ExchangeKind,
    MatchStatus,
)
from partnerships.models import Ask, Deliverable, Match, Partnership, PartnershipMember

EXCHANGE_FIELDS = ["member", "kind", "description", "quantity", "unit"]


def _amount(value: Decimal, unit: str) -> str:
    if unit == "£":
        return format_gbp(value)
    return f"{value.normalize():,f} {unit}"


def _clean_exchange(
    *, partnership: Partnership, member: PartnershipMember, kind: str, quantity, unit: str
) -> str:
    """Check what the database cannot of an ask or deliverable; returns the unit to store."""
    if member.partnership_id != partnership.pk or not member.is_active:
        raise ValidationError({"member": _("Choose a current member of this partnership.")})
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    limit = EXCHANGE_MAX_QUANTITY[ExchangeKind(kind)]
    if quantity > limit:
        raise ValidationError(
            {
                "quantity": _(
                    "%(quantity)s is more than seems possible for %(kind)s (at most %(limit)s). "
                    "Check for an extra nought."
                )
                % {
                    "quantity": format_gbp(quantity)
                    if kind in MONEY_KINDS
                    else f"{Decimal(quantity).normalize():,f}",
                    "kind": ExchangeKind(kind).label.lower(),
                    "limit": format_gbp(limit) if kind in MONEY_KINDS else f"{limit:,}",
                }
            }
        )
    if kind in MONEY_KINDS:
        return "£"
    unit = (unit or "").strip() or str(EXCHANGE_DEFAULT_UNITS[ExchangeKind(kind)])
    return unit


def _exchange_create(model, *, actor: User, partnership: Partnership, member, **fields):
    fields["unit"] = _clean_exchange(
        partnership=partnership,
        member=member,
        kind=fields["kind"],
        quantity=fields["quantity"],
        unit=fields.get("unit", ""),
    )
    item = model(partnership=partnership, member=member, created_by=actor, **fields)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=f"partnerships.{model._meta.model_name}.create",
        target=item,
        changes={"organisation": str(member), "quantity": fields["quantity"], "kind": item.kind},
    )
    return item


def _exchange_update(item, *, actor: User, **fields):
    model = type(item)
    item = model.objects.select_for_update().get(pk=item.pk)
    before = {name: getattr(item, name) for name in EXCHANGE_FIELDS}
    for name in EXCHANGE_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.unit = _clean_exchange(
        partnership=item.partnership,
        member=item.member,
        kind=item.kind,
        quantity=item.quantity,
        unit=item.unit,
    )
    matches = item.matches.exclude(status=MatchStatus.DROPPED)
    matched = matches.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    if item.quantity < matched:
        raise ValidationError(
            {
                "quantity": _(
                    "%(matched)s of this is already matched. Drop a match before lowering "
                    "the quantity below that."
                )
                % {"matched": _amount(matched, item.unit)}
            }
        )
    if matches.exists() and (item.kind != before["kind"] or item.unit != before["unit"]):
        raise ValidationError(_("The kind and unit cannot change while it is matched."))
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=f"partnerships.{model._meta.model_name}.update",
        target=item,
        changes=audit_diff(before, item, EXCHANGE_FIELDS),
    )
    return item


@transaction.atomic
def ask_create(*, actor: User, partnership: Partnership, member: PartnershipMember, **fields):
    return _exchange_create(Ask, actor=actor, partnership=partnership, member=member, **fields)


@transaction.atomic
def ask_update(*, actor: User, ask: Ask, **fields) -> Ask:
    return _exchange_update(ask, actor=actor, **fields)


@transaction.atomic
def deliverable_create(
    *, actor: User, partnership: Partnership, member: PartnershipMember, **fields
) -> Deliverable:
    return _exchange_create(
        Deliverable, actor=actor, partnership=partnership, member=member, **fields
    )


@transaction.atomic
def deliverable_update(*, actor: User, deliverable: Deliverable, **fields) -> Deliverable:
    return _exchange_update(deliverable, actor=actor, **fields)


def _remaining(item, *, exclude_match: Match | None = None) -> Decimal:
    matches = item.matches.exclude(status=MatchStatus.DROPPED)
    if exclude_match is not None:
        matches = matches.exclude(pk=exclude_match.pk)
    used = matches.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    return item.quantity - used


def _check_capacity(ask: Ask, deliverable: Deliverable, quantity, *, match=None) -> None:
    """Refuse a match that would meet an ask beyond its quantity, or use up more than is offered."""
    ask_left = _remaining(ask, exclude_match=match)
    if quantity > ask_left:
        raise ValidationError(
            {
                "quantity": _(
                    "This would over-match the ask: it needs %(total)s and only %(left)s is "
                    "still unmatched."
                )
                % {
                    "total": _amount(ask.quantity, ask.unit),
                    "left": _amount(max(ask_left, Decimal(0)), ask.unit),
                }
            }
        )
    deliverable_left = _remaining(deliverable, exclude_match=match)
    if quantity > deliverable_left:
        raise ValidationError(
            {
                "quantity": _(
                    "The deliverable does not have that much left: %(total)s was offered and only "
                    "%(left)s is not matched yet."
                )
                % {
                    "total": _amount(deliverable.quantity, deliverable.unit),
                    "left": _amount(max(deliverable_left, Decimal(0)), deliverable.unit),
                }
            }
        )


@transaction.atomic
def match_create(
    *, actor: User, partnership: Partnership, ask: Ask, deliverable: Deliverable, quantity
) -> Match:
    """Meet (part of) `ask` with (part of) `deliverable`. Both rows are locked while checking."""
    ask = Ask.objects.select_for_update().select_related("member").get(pk=ask.pk)
    deliverable = (
        Deliverable.objects.select_for_update().select_related("member").get(pk=deliverable.pk)
    )
    if ask.partnership_id != partnership.pk or deliverable.partnership_id != partnership.pk:
        raise ValidationError(_("The ask and the deliverable must belong to this partnership."))
    if ask.kind != deliverable.kind:
        raise ValidationError(
            {
                "deliverable": _("A deliverable of %(deliverable)s cannot meet an ask for %(ask)s.")
                % {
                    "deliverable": deliverable.get_kind_display().lower(),
                    "ask": ask.get_kind_display().lower(),
                }
            }
        )
    if ask.unit.casefold() != deliverable.unit.casefold():
        raise ValidationError(
            {
                "deliverable": _(
                    "The deliverable is counted in %(deliverable)s and the ask in %(ask)s; "
                    "edit one so that they use the same unit."
                )
                % {"deliverable": deliverable.unit, "ask": ask.unit}
            }
        )
    if ask.member.organisation_id == deliverable.member.organisation_id:
        raise ValidationError({"deliverable": _("An organisation cannot meet its own ask.")})
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    _check_capacity(ask, deliverable, quantity)
    match = Match(
        partnership=partnership,
        ask=ask,
        deliverable=deliverable,
        quantity=quantity,
        created_by=actor,
    )
    match.full_clean()
    match.save()
    audit_record(
        actor=actor,
        action="partnerships.match.create",
        target=match,
        changes={"ask": str(ask), "deliverable": str(deliverable), "quantity": quantity},
    )
    return match


@transaction.atomic
def match_move(*, actor: User, match: Match, status: str) -> Match:
    """Move a match on the board. Bringing a dropped match back checks the quantities again."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if status == match.status:
        return match
    if status not in MATCH_TRANSITIONS[MatchStatus(match.status)]:
        raise ValidationError(
            _("A match cannot move from %(from)s to %(to)s.")
            % {
                "from": MatchStatus(match.status).label.lower(),
                "to": MatchStatus(status).label.lower(),
            }
        )
    if match.status == MatchStatus.DROPPED:
        ask = Ask.objects.select_for_update().get(pk=match.ask_id)
        deliverable = Deliverable.objects.select_for_update().get(pk=match.deliverable_id)
        _check_capacity(ask, deliverable, match.quantity, match=match)
    before = {"status": match.status}
    match.status = status
    match.full_clean()
    match.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.match.move",
        target=match,
        changes=audit_diff(before, match, ["status"]),
    )
    return match
