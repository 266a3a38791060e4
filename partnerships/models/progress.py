"""Progress over years: updates on commitments, readings of indicators, monthly reminders.

A commitment is a row of one prospectus version; the same commitment in a later version keeps
its `key`. Updates are recorded against the commitment of the published version and carry its
key (and partnership), so the history follows the commitment when a new version is published.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from levelup.models import TimeStampedModel
from partnerships import rules as perms
from partnerships.enums import CommitmentStatus

from .agreement import Indicator
from .partnership import Partnership
from .prospectus import Commitment


class CommitmentUpdate(TimeStampedModel):
    """How a commitment stood on a date: a status, a note and, optionally, a figure."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="commitment_updates",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="updates",
    )
    # The commitment's key: the same in every version of the prospectus.
    commitment_key = models.UUIDField(_("commitment key"), editable=False)
    reported_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=CommitmentStatus.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    figure = models.DecimalField(
        _("figure"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    figure_label = models.CharField(
        _("what the figure counts"),
        max_length=100,
        blank=True,
        help_text=_("For example: jobs created."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        indexes = [
            models.Index(
                fields=["partnership", "commitment_key", "-reported_on", "-id"],
                name="commitmentupdate_latest",
            ),
            # The partnership's first and latest updates (dashboard, programme view), read
            # from the index alone.
            models.Index(
                fields=["partnership", "reported_on", "id"], name="commitmentupdate_by_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="commitmentupdate_figure_has_label",
                condition=Q(figure__isnull=True) | ~Q(figure_label=""),
                violation_error_message=_("Say what the figure counts, for example: jobs created."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_update_commitment,
            "change": perms.is_site_admin,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return f"{self.commitment} – {self.get_status_display()} ({self.reported_on:%d %b %Y})"


class CommitmentReminder(models.Model):
    """One monthly reminder sent about one commitment: at most one per commitment per month."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="commitment_reminders"
    )
    commitment_key = models.UUIDField(_("commitment key"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    sent_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment reminder")
        verbose_name_plural = _("commitment reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "commitment_key", "month"],
                name="commitmentreminder_once_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_key} {self.month:%b %Y}"


class IndicatorReading(TimeStampedModel):
    """A dated value of an indicator, read against its baseline and target."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    # Denormalised from the indicator, so that the permission predicates need no join.
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="indicator_readings",
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["indicator", "-measured_on"]
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="indicatorreading_one_per_date",
                violation_error_message=_("This indicator already has a reading for that date."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.can_run_partnership,
        }

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on:%d %b %Y})"
