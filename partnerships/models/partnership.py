from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from levelup.models import Body, Organisation, Place, TimeStampedModel
from partnerships import rules as perms
from partnerships.enums import (
    FigureKind,
    MemberRole,
    PartnershipStage,
)


class Partnership(TimeStampedModel):
    """A place's partnership of businesses, the council and community organisations."""

    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="partnerships"
    )
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    purpose = models.TextField(_("purpose"), blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=30,
        choices=PartnershipStage.choices,
        default=PartnershipStage.FORMING,
        db_index=True,
    )
    programme_body = models.ForeignKey(
        Body,
        verbose_name=_("programme body"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_(
            "The body that runs the programme this partnership belongs to. Its secretariat may "
            "name and remove the partnership's business connectors."
        ),
    )
    private_notes = models.TextField(
        _("private notes"),
        blank=True,
        help_text=_("Seen only by the partnership's members and connectors."),
    )
    exit_plan = models.TextField(
        _("exit plan"),
        blank=True,
        help_text=_("How the partnership keeps going when the connector steps back."),
    )

    class Meta:
        ordering = ["place__name", "name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        rules_permissions = {
            "view": perms.always_allow,
            # The secretariat of a body starts partnerships in its programme.
            "add": perms.is_site_admin | perms.has_any_secretariat_role,
            "change": perms.can_run_partnership,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", kwargs={"slug": self.slug})


class PartnershipMemberQuerySet(models.QuerySet["PartnershipMember"]):
    def active(self) -> "PartnershipMemberQuerySet":
        return self.filter(left_on__isnull=True)


class PartnershipMember(TimeStampedModel):
    """An organisation taking part in a partnership. Leaving sets `left_on`; rows stay."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = PartnershipMemberQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(left_on__isnull=True),
                name="partnershipmember_one_active_per_organisation",
                violation_error_message=_("This organisation is already a member."),
            ),
            models.CheckConstraint(
                name="partnershipmember_leaves_after_joining",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                violation_error_message=_("A member cannot leave before joining."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_partnership_private,
            "add": perms.can_run_partnership,
            "change": perms.can_run_partnership,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class RepresentativeQuerySet(models.QuerySet["Representative"]):
    def active(self) -> "RepresentativeQuerySet":
        return self.filter(left_at__isnull=True, member__left_on__isnull=True)


class Representative(TimeStampedModel):
    """A person who speaks for a member organisation. Holds RoleGrant(member) while active."""

    member = models.ForeignKey(
        PartnershipMember,
        verbose_name=_("member organisation"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="partnership_representations",
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "user"],
                condition=Q(left_at__isnull=True),
                name="representative_one_active_per_member",
                violation_error_message=_("This person already represents this organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.member})"


class Invitation(TimeStampedModel):
    """An emailed link that lets one person join as a representative of an organisation.

    Only a SHA-256 hash of the token is stored; the link works once and until `expires_at`.
    """

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=MemberRole.choices,
        default=MemberRole.MEMBER,
        help_text=_("Used when the organisation is not a member yet."),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                name="invitation_expires_after_creation",
                condition=Q(expires_at__gt=F("created_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> – {self.organisation}"

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class PartnershipFigure(TimeStampedModel):
    """The partnership's champion (one at most) and its ambassadors, named by the connector."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FigureKind.choices)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("Their job and organisation, for example 'Chief executive, Fylde Foods'."),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("champion or ambassador")
        verbose_name_plural = _("champions and ambassadors")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(kind="champion"),
                name="partnershipfigure_one_champion",
                violation_error_message=_("The partnership already has a champion."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
