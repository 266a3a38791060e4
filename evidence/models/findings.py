"""Findings and recommendations: what the body concludes from the coded evidence.

A finding links to the themes and excerpts that support it; a recommendation follows from
findings and, once published, carries the addressee's response and implementation updates.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.enums import RecommendationAudience
from levelup.models import Organisation, TimeStampedModel

from .calls import CallForEvidence
from .review import Excerpt, Theme


class Finding(TimeStampedModel):
    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    # Sanitised rich text (nh3 on save, like the call's background).
    summary = models.TextField(_("summary"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    excerpts = models.ManyToManyField(
        Excerpt, through="FindingExcerpt", blank=True, related_name="findings"
    )

    class Meta:
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class FindingExcerpt(TimeStampedModel):
    """An excerpt backing a finding; `quoted` when the report quotes it publicly."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="finding_excerpts")
    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="finding_links")
    quoted = models.BooleanField(_("quoted in the report"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["finding", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "excerpt"], name="finding_excerpt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.finding} ← {self.excerpt_id}"


class Recommendation(TimeStampedModel):
    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="recommendations"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("recommendation"))
    audience = models.CharField(
        _("audience"), max_length=30, choices=RecommendationAudience.choices
    )
    addressed_to = models.ForeignKey(
        Organisation,
        verbose_name=_("addressed to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
