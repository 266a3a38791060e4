from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from levelup.models import Place, TimeStampedModel

from . import rules as perms
from .enums import PartnershipStage


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
        return reverse("home") + f"#partnership-{self.slug}"
