"""Following up a published recommendation: the addressee's response and what happened since."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.enums import ImplementationStatus, RecommendationResponseKind
from levelup.models import TimeStampedModel

from .findings import Recommendation


class RecommendationFollowUp(TimeStampedModel):
    """One per recommendation: when a response is due and the response once recorded."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="followup"
    )
    response_due_on = models.DateField(_("response due on"))
    response = models.CharField(
        _("response"), max_length=20, choices=RecommendationResponseKind.choices, blank=True
    )
    responded_by = models.CharField(
        _("responded by"),
        max_length=200,
        blank=True,
        help_text=_("The person or office that answered, as they signed it."),
    )
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    response_text = models.TextField(_("what they said"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["response_due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation} ({self.get_response_display() or _('awaiting')})"

    @property
    def has_response(self) -> bool:
        return bool(self.response)


class ImplementationUpdate(TimeStampedModel):
    """A dated note of progress on a recommendation."""

    followup = models.ForeignKey(
        RecommendationFollowUp, on_delete=models.CASCADE, related_name="updates"
    )
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=ImplementationStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("per cent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["followup", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.get_status_display()}"


class ReportChange(TimeStampedModel):
    """A change to a published report's findings or recommendations, for its public changelog."""

    call = models.ForeignKey(
        "evidence.CallForEvidence", on_delete=models.CASCADE, related_name="report_changes"
    )
    summary = models.TextField(_("what changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["call", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary[:80]
