from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from levelup.models import TimeStampedModel
from partnerships import rules as perms
from partnerships.enums import (
    EngagementKind,
)

from .partnership import Partnership, PartnershipMember


class Engagement(TimeStampedModel):
    """One entry in the connector's log of brokering: a meeting, workshop or visit."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=EngagementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    organisations = models.ManyToManyField(
        PartnershipMember,
        verbose_name=_("organisations present"),
        related_name="engagements",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [models.Index(fields=["partnership", "-occurred_on"])]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.can_run_partnership,
        }

    def __str__(self) -> str:
        return f"{self.occurred_on:%d %b %Y}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "partnerships:engagement-detail",
            kwargs={"slug": self.partnership.slug, "pk": self.pk},
        )


class Action(TimeStampedModel):
    """Something someone agreed to do at an engagement, by a date."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    engagement = models.ForeignKey(
        Engagement,
        verbose_name=_("engagement"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    description = models.CharField(_("what"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="partnership_actions",
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_on = models.DateField(
        _("reminder sent"),
        null=True,
        blank=True,
        help_text=_("The day the due-tomorrow reminder was queued; it is sent once."),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["owner", "due_on"], name="action_owner_due"),
            models.Index(
                fields=["due_on"],
                condition=Q(done_at__isnull=True, reminded_on__isnull=True),
                name="action_reminder_due",
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership | perms.is_action_owner,
            "delete": perms.can_run_partnership,
        }

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()
