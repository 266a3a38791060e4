from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel

from . import rules as perms
from .enums import BusinessSize, EmailStatus, JobStatus, OrganisationType, Role


class TimeStampedModel(RulesModel):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with their email address; roles are grants on objects (RoleGrant)."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def role_object_ids(self) -> dict[str, frozenset[int]]:
        """Active grants by role, loaded once per user object (so once per request).

        Predicates read this instead of querying per object, so that checking many
        objects costs one query.
        """
        if not self.pk or not self.is_active:
            return {}
        found: dict[str, set[int]] = {}
        for role, object_id in (
            RoleGrant.objects.active().filter(user_id=self.pk).values_list("role", "object_id")
        ):
            found.setdefault(role, set()).add(object_id or 0)
        return {role: frozenset(ids) for role, ids in found.items()}

    def _ids(self, role: str) -> frozenset[int]:
        return self.role_object_ids.get(role, frozenset())

    @property
    def is_site_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.role_object_ids

    @property
    def secretariat_body_ids(self) -> frozenset[int]:
        return self._ids(Role.SECRETARIAT)

    @property
    def reviewer_call_ids(self) -> frozenset[int]:
        return self._ids(Role.REVIEWER)

    @property
    def connector_partnership_ids(self) -> frozenset[int]:
        return self._ids(Role.CONNECTOR)

    @property
    def member_partnership_ids(self) -> frozenset[int]:
        return self._ids(Role.MEMBER)


class Place(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    local_authority = models.CharField(_("local authority"), max_length=200)
    region = models.CharField(_("region"), max_length=100)
    ons_code = models.CharField(_("ONS code"), max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        rules_permissions = {
            "view": perms.always_allow,
            "add": perms.is_site_admin,
            "change": perms.is_site_admin,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.name


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), unique=True, max_length=320)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    size = models.CharField(
        _("size"),
        max_length=10,
        choices=BusinessSize.choices,
        blank=True,
        help_text=_("For businesses only."),
    )
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                name="organisation_size_only_for_business",
                condition=Q(type=OrganisationType.BUSINESS) | Q(size=""),
                violation_error_message=_("Only a business has a size."),
            ),
        ]
        rules_permissions = {
            "view": perms.always_allow,
            # The secretariat of a programme body sets up partnerships and their organisations;
            # a connector adds new organisations as members.
            "add": perms.is_site_admin
            | perms.has_any_secretariat_role
            | perms.has_any_connector_role,
            "change": perms.is_site_admin,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.name


class Body(TimeStampedModel):
    """A taskforce, committee, council or charity that runs calls for evidence."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="bodies/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        rules_permissions = {
            "view": perms.always_allow,
            "add": perms.is_site_admin,
            "change": perms.is_site_admin | perms.is_body_secretariat,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.name


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> "RoleGrantQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleGrant(TimeStampedModel):
    """`user` holds `role` on one object (a body, call or partnership), or site-wide for admin.

    Grants are revoked, never deleted, so the history of who could do what stays.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        indexes = [models.Index(fields=["content_type", "object_id", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "content_type", "object_id"],
                condition=Q(revoked_at__isnull=True),
                nulls_distinct=False,
                name="rolegrant_one_active_per_target",
                violation_error_message=_("This person already holds this role here."),
            ),
            models.CheckConstraint(
                name="rolegrant_admin_is_site_wide",
                condition=(
                    Q(role=Role.ADMIN, content_type__isnull=True, object_id__isnull=True)
                    | (~Q(role=Role.ADMIN) & Q(content_type__isnull=False, object_id__isnull=False))
                ),
                violation_error_message=_(
                    "Site administrators hold the role site-wide; other roles need an object."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """Who did what to which object, and when. Written by services; never edited."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(
        _("before and after"),
        default=dict,
        blank=True,
        help_text=_('{"field": [before, after]}, or other details of the action.'),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class OutboundEmail(models.Model):
    """One email, rendered when queued and sent after commit by a Celery task."""

    created_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    template = models.CharField(_("template"), max_length=200)
    to = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    # Set for an email whose recipient is looked up when it is sent, not when it is queued
    # (a password reset: the request looks the same whether or not the address has an account).
    render_context = models.JSONField(_("context to render when sent"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        constraints = [
            models.CheckConstraint(
                name="outboundemail_sent_has_time",
                condition=~Q(status=EmailStatus.SENT) | Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    def get_absolute_url(self) -> str:
        return reverse("admin:levelup_outboundemail_change", args=[self.pk])


class Job(TimeStampedModel):
    """One piece of background work, recorded here before it is sent to the broker.

    The row, not the broker's message, is the truth: `queued` → `running` (with a heartbeat)
    → `done`, or `failed` with a message a person can read. `levelup/jobs.py` writes it; the
    beat task `levelup.jobs_sweep` sends again what was lost on the way (broker down, worker
    killed), so nothing stays queued or running for ever.
    """

    kind = models.CharField(
        _("kind"),
        max_length=100,
        help_text=_("The Celery task that does it, e.g. evidence.import."),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=3)
    queued_at = models.DateTimeField(
        _("due"),
        default=timezone.now,
        help_text=_("When it was queued, or when its next attempt is due after a failure."),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("done so far"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # The sweeper's two questions: what is queued since when, what is running.
            models.Index(
                fields=["status", "queued_at"],
                name="job_unfinished_idx",
                condition=Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]),
            ),
            # "The latest job of this kind on this object" (an import's progress page).
            models.Index(fields=["content_type", "object_id", "kind"], name="job_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="job_status_known",
                condition=Q(status__in=JobStatus.values),
            ),
            models.CheckConstraint(
                name="job_attempts_within_max",
                condition=Q(max_attempts__gte=1) & Q(attempts__lte=models.F("max_attempts")),
            ),
            models.CheckConstraint(
                name="job_running_has_start",
                condition=~Q(status=JobStatus.RUNNING)
                | Q(started_at__isnull=False, heartbeat_at__isnull=False),
            ),
            models.CheckConstraint(
                name="job_finished_has_time",
                condition=~Q(status__in=[JobStatus.DONE, JobStatus.FAILED])
                | Q(finished_at__isnull=False),
            ),
            models.CheckConstraint(
                name="job_failed_has_reason",
                condition=~Q(status=JobStatus.FAILED) | ~Q(error=""),
            ),
            models.CheckConstraint(
                name="job_progress_within_total",
                condition=Q(progress_total__isnull=True)
                | Q(progress_done__lte=models.F("progress_total")),
            ),
            models.CheckConstraint(
                name="job_target_whole",
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:levelup_job_change", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent_done(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))


class RateCounter(models.Model):
    """How often something keyed (an address, an IP) happened in one fixed time window.

    Kept in PostgreSQL, not Redis, so the limits hold while the broker is down and are
    shared by every web process. `levelup.ratelimit` writes it; old windows are pruned daily.
    """

    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="ratecounter_one_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
