from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from levelup.models import Body, TimeStampedModel

from . import rules as perms
from .enums import CallStatus


class CallForEvidence(TimeStampedModel):
    """A call for evidence run by a body. Questions, submissions and review build on it."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    reference_prefix = models.CharField(_("reference prefix"), max_length=10)
    contact_email = models.EmailField(_("contact email"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CallStatus.choices,
        default=CallStatus.DRAFT,
        db_index=True,
    )

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("call for evidence")
        verbose_name_plural = _("calls for evidence")
        constraints = [
            models.CheckConstraint(
                name="call_closes_after_opens",
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                violation_error_message=_("A call must close after it opens."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_call,
            "add": perms.is_site_admin,
            "change": perms.can_manage_call,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("home") + f"#call-{self.slug}"

    @property
    def is_public(self) -> bool:
        return self.status != CallStatus.DRAFT
