from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipStage(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    PROSPECTUS_PUBLISHED = "prospectus_published", _("Prospectus published")
    DELIVERING = "delivering", _("Delivering")
    CLOSED = "closed", _("Closed")
