from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from levelup.models import TimeStampedModel
from partnerships import rules as perms
from partnerships.enums import (
    ExchangeKind,
    MatchStatus,
)

from .partnership import Partnership, PartnershipMember


class Exchange(TimeStampedModel):
    """What a member organisation asks of the partnership, or offers to it."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    member = models.ForeignKey(
        PartnershipMember,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExchangeKind.choices)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["kind", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="%(class)s_quantity_positive",
                condition=Q(quantity__gt=0),
                violation_error_message=_("The quantity must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.quantity.normalize():f} {self.unit})"


# `rules` takes `rules_permissions` off each Meta, so the two models name theirs.
EXCHANGE_PERMISSIONS = {
    "view": perms.can_view_partnership_private,
    "add": perms.can_record_exchange,
    "change": perms.can_edit_exchange,
    "delete": perms.can_edit_exchange,
}


class Ask(Exchange):
    class Meta(Exchange.Meta):
        verbose_name = _("ask")
        verbose_name_plural = _("asks")
        rules_permissions = EXCHANGE_PERMISSIONS


class Deliverable(Exchange):
    class Meta(Exchange.Meta):
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        rules_permissions = EXCHANGE_PERMISSIONS


class Match(TimeStampedModel):
    """The connector's pairing of (part of) a deliverable with (part of) an ask."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="matches"
    )
    ask = models.ForeignKey(
        Ask, verbose_name=_("ask"), on_delete=models.PROTECT, related_name="matches"
    )
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MatchStatus.choices,
        default=MatchStatus.PROPOSED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "-updated_at"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(
                name="match_quantity_positive",
                condition=Q(quantity__gt=0),
                violation_error_message=_("The quantity must be more than zero."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.can_run_partnership,
        }

    def __str__(self) -> str:
        return f"{self.deliverable.description} → {self.ask.description}"
