from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from levelup.models import TimeStampedModel
from partnerships import rules as perms
from partnerships.enums import (
    AgreementKind,
)

from .partnership import Partnership, PartnershipMember


class AgreementVersion(TimeStampedModel):
    """One version of a text the lead members agree: the common goal or the terms of reference.

    Only the newest version of a kind can be endorsed; proposing a new one leaves the old
    endorsements with the old version (so they no longer count). `agreed_at` is set when every
    lead member has endorsed this version.
    """

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="agreement_versions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    membership = models.TextField(_("membership"), blank=True)
    decision_making = models.TextField(_("decision-making"), blank=True)
    meeting_rhythm = models.TextField(_("meeting rhythm"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "number"],
                name="agreementversion_number_unique",
            ),
            models.CheckConstraint(
                name="agreementversion_has_text",
                condition=(Q(kind=AgreementKind.COMMON_GOAL) & ~Q(text=""))
                | (Q(kind=AgreementKind.TERMS_OF_REFERENCE) & ~Q(purpose="")),
                violation_error_message=_("Write the text of this version."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    SECTIONS = [
        ("purpose", _("Purpose")),
        ("membership", _("Membership")),
        ("decision_making", _("Decision-making")),
        ("meeting_rhythm", _("Meeting rhythm")),
    ]

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) pairs to show: one untitled section for a goal."""
        if self.kind == AgreementKind.COMMON_GOAL:
            return [("", self.text)]
        return [(str(label), getattr(self, name)) for name, label in self.SECTIONS]

    def as_text(self) -> str:
        """The whole version as plain text, for comparing versions."""
        return "\n\n".join(
            f"{heading}\n{text}" if heading else text for heading, text in self.sections()
        )


class Endorsement(TimeStampedModel):
    """A lead member organisation endorses one version, through one of its representatives."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    member = models.ForeignKey(
        PartnershipMember,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"],
                name="endorsement_once_per_member",
                violation_error_message=_("Your organisation has already endorsed this version."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.version}"


class Indicator(TimeStampedModel):
    """One measure in the partnership's measurement framework; progress updates use it later."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the figure comes from, for example 'ONS annual population survey'."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="indicator_name_unique_per_partnership",
                violation_error_message=_(
                    "The partnership already tracks an indicator by this name."
                ),
            ),
            models.CheckConstraint(
                name="indicator_target_differs_from_baseline",
                condition=~Q(target=F("baseline")),
                violation_error_message=_("The target must differ from the baseline."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.can_run_partnership,
        }

    def __str__(self) -> str:
        return self.name
