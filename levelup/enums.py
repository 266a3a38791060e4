from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    BUSINESS = "business", _("Business")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    COMBINED_AUTHORITY = "combined_authority", _("Combined authority")
    COMMUNITY = "community", _("Community or voluntary organisation")
    EDUCATION = "education", _("Education or research")
    PUBLIC_BODY = "public_body", _("Public body")
    PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
    OTHER = "other", _("Other")


class BusinessSize(models.TextChoices):
    MICRO = "micro", _("Micro (fewer than 10 staff)")
    SMALL = "small", _("Small (10 to 49 staff)")
    MEDIUM = "medium", _("Medium (50 to 249 staff)")
    LARGE = "large", _("Large (250 staff or more)")


class Role(models.TextChoices):
    """A role is always granted on an object, except `admin`, which covers the whole site."""

    ADMIN = "admin", _("Site administrator")
    SECRETARIAT = "secretariat", _("Secretariat")
    REVIEWER = "reviewer", _("Reviewer")
    CONNECTOR = "connector", _("Business connector")
    MEMBER = "member", _("Partnership member")


# Which model each object-scoped role is granted on, as "app_label.model".
ROLE_TARGET_MODELS: dict[str, str] = {
    Role.SECRETARIAT: "levelup.body",
    Role.REVIEWER: "evidence.callforevidence",
    Role.CONNECTOR: "partnerships.partnership",
    Role.MEMBER: "partnerships.partnership",
}


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    ABANDONED = "abandoned", _("Failed, gave up")


class JobStatus(models.TextChoices):
    """Background work, recorded in PostgreSQL first; see levelup/jobs.py."""

    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
