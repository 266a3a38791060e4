from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ANALYSING = "analysing", _("Analysing")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
