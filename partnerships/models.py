from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from levelup.models import Organisation, Place, TimeStampedModel

from . import rules as perms
from .enums import (
    AgreementKind,
    EngagementKind,
    ExchangeKind,
    FigureKind,
    MatchStatus,
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
            "add": perms.is_site_admin,
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
        constraints = [
            models.CheckConstraint(
                name="ask_quantity_positive",
                condition=Q(quantity__gt=0),
                violation_error_message=_("The quantity must be more than zero."),
            ),
        ]


class Deliverable(Exchange):
    class Meta(Exchange.Meta):
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        rules_permissions = EXCHANGE_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                name="deliverable_quantity_positive",
                condition=Q(quantity__gt=0),
                violation_error_message=_("The quantity must be more than zero."),
            ),
        ]


class Match(TimeStampedModel):
    """The connector's pairing of (part of) an offer with (part of) an ask."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="matches"
    )
    ask = models.ForeignKey(
        Ask, verbose_name=_("ask"), on_delete=models.PROTECT, related_name="matches"
    )
    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="matches"
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
