"""The place prospectus: the partnership's public plan, drafted in versions and signed off.

A version holds everything that is signed off together: the vision, the priorities, the
commitments and the investment plan. A draft version is edited; sent for sign-off it is frozen;
to change it the connector starts a new version, a copy of the newest one. Each commitment keeps
a `key` that stays the same across versions, so that what is recorded against a commitment
(progress updates) can follow it from one published version to the next.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evidence.models import Finding, Recommendation
from levelup.models import TimeStampedModel
from levelup.storage import private_storage
from partnerships import rules as perms
from partnerships.enums import (
    FundingStatus,
    ProspectusSection,
    ProspectusVersionStatus,
)

from .exchange import Match
from .partnership import Partnership, PartnershipMember

MONEY = {"max_digits": 14, "decimal_places": 2}


def prospectus_pdf_path(instance, filename: str) -> str:
    return f"prospectus/{instance.partnership.slug}/{filename}"


class Prospectus(TimeStampedModel):
    """One per partnership. `published_version` is the version the public sees, if any."""

    partnership = models.OneToOneField(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="prospectus",
    )
    title = models.CharField(_("title"), max_length=300)
    published_version = models.ForeignKey(
        "ProspectusVersion",
        verbose_name=_("published version"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Generated files live in the private storage (a folder, or a bucket on several machines);
    # the public view streams the published version's PDF.
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=prospectus_pdf_path, blank=True
    )
    # The version the stored PDF was rendered from: a newer published version needs a new PDF.
    pdf_version = models.ForeignKey(
        "ProspectusVersion",
        verbose_name=_("PDF of version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("prospectus")
        verbose_name_plural = _("prospectuses")
        constraints = [
            models.CheckConstraint(
                name="prospectus_published_has_time",
                condition=Q(published_version__isnull=True) | Q(published_at__isnull=False),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:prospectus-public", kwargs={"slug": self.partnership.slug})

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def has_current_pdf(self) -> bool:
        return bool(self.pdf) and self.pdf_version_id == self.published_version_id


class ProspectusVersion(TimeStampedModel):
    """One version of the prospectus. Only the newest version can be edited or signed off."""

    prospectus = models.ForeignKey(
        Prospectus, verbose_name=_("prospectus"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProspectusVersionStatus.choices,
        default=ProspectusVersionStatus.DRAFT,
    )
    vision = models.TextField(
        _("vision"), blank=True, help_text=_("Sanitised rich text: paragraphs, lists and links.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent for sign-off"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("prospectus version")
        verbose_name_plural = _("prospectus versions")
        constraints = [
            models.UniqueConstraint(
                fields=["prospectus", "number"], name="prospectusversion_number_unique"
            ),
            models.CheckConstraint(
                name="prospectusversion_sent_has_time",
                condition=Q(status=ProspectusVersionStatus.DRAFT) | Q(sent_at__isnull=False),
            ),
            models.CheckConstraint(
                name="prospectusversion_published_has_time",
                condition=~Q(status=ProspectusVersionStatus.PUBLISHED)
                | Q(published_at__isnull=False),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return _("Version %(number)s") % {"number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.status == ProspectusVersionStatus.DRAFT


class Priority(TimeStampedModel):
    """A priority of one version, in order, citing findings and recommendations of published
    calls: the link from the evidence to the plan."""

    version = models.ForeignKey(
        ProspectusVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="priorities",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    findings = models.ManyToManyField(
        Finding,
        verbose_name=_("findings it cites"),
        blank=True,
        related_name="prospectus_priorities",
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        verbose_name=_("recommendations it cites"),
        blank=True,
        related_name="prospectus_priorities",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "title"],
                name="priority_title_unique_per_version",
                violation_error_message=_("This prospectus already has a priority by this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(TimeStampedModel):
    """What one member organisation commits to, by when, worth how much (optional)."""

    version = models.ForeignKey(
        ProspectusVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    # Denormalised from the version, so that the permission predicates and lists need no join.
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    key = models.UUIDField(
        _("key"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("The same commitment in every version carries the same key."),
    )
    member = models.ForeignKey(
        PartnershipMember,
        verbose_name=_("organisation"),
        on_delete=models.RESTRICT,
        related_name="commitments",
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    description = models.CharField(_("what"), max_length=500)
    due_on = models.DateField(_("by when"))
    value = models.DecimalField(
        _("value (£)"),
        null=True,
        blank=True,
        **MONEY,
    )
    match = models.ForeignKey(
        Match,
        verbose_name=_("created from match"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="commitment_key_unique_per_version"
            ),
            models.CheckConstraint(
                name="commitment_value_not_negative",
                condition=Q(value__isnull=True) | Q(value__gte=0),
                violation_error_message=_("The value cannot be negative."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_record_exchange,
            "change": perms.can_edit_exchange,
            "delete": perms.can_edit_exchange,
        }

    def __str__(self) -> str:
        return self.description


class InvestmentLine(TimeStampedModel):
    """One line of the investment plan: a project, an amount in a year from one source."""

    version = models.ForeignKey(
        ProspectusVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="investment_lines",
    )
    project = models.CharField(_("project"), max_length=300)
    amount = models.DecimalField(
        _("amount (£)"),
        **MONEY,
    )
    source = models.CharField(
        _("funding source"),
        max_length=200,
        help_text=_("Who pays, for example 'Town Deal', 'Private investment' or 'Council'."),
    )
    status = models.CharField(
        _("secured or pipeline"),
        max_length=10,
        choices=FundingStatus.choices,
        default=FundingStatus.PIPELINE,
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[
            MinValueValidator(2000, message=_("Enter a year between 2000 and 2100.")),
            MaxValueValidator(2100, message=_("Enter a year between 2000 and 2100.")),
        ],
        help_text=_("The financial year it starts in, for example 2026 for 2026–27."),
    )

    class Meta:
        ordering = ["year", "project", "pk"]
        verbose_name = _("investment plan line")
        verbose_name_plural = _("investment plan lines")
        constraints = [
            models.CheckConstraint(
                name="investmentline_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("The amount must be more than £0."),
            ),
        ]

    def __str__(self) -> str:
        return self.project

    @property
    def financial_year(self) -> str:
        """2026 → "2026–27" (UK financial years run April to March)."""
        return f"{self.year}–{(self.year + 1) % 100:02d}"


class ProspectusComment(TimeStampedModel):
    """A comment on one section of a draft; replies hang off the first comment of a thread.

    The connector resolves a thread (the first comment); replies are never resolved alone.
    """

    prospectus = models.ForeignKey(
        Prospectus, verbose_name=_("prospectus"), on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(
        ProspectusVersion,
        verbose_name=_("on version"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    section = models.CharField(_("section"), max_length=20, choices=ProspectusSection.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"), max_length=5000)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                name="prospectuscomment_only_threads_resolved",
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.text[:60]}"


class SignOff(TimeStampedModel):
    """A lead member organisation signs off one version, through one of its representatives."""

    version = models.ForeignKey(
        ProspectusVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    member = models.ForeignKey(
        PartnershipMember,
        verbose_name=_("on behalf of"),
        on_delete=models.RESTRICT,
        related_name="sign_offs",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"],
                name="signoff_once_per_member",
                violation_error_message=_("Your organisation has already signed off this version."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.version}"
