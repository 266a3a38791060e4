"""Imports of responses from other survey tools."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evidence.enums import ImportStatus
from evidence.storage import private_storage
from levelup.models import TimeStampedModel

from .calls import CallForEvidence


def import_file_path(instance, filename: str) -> str:
    """A random name in the private store; the suffix is the format we read it as."""
    return f"imports/{secrets.token_urlsafe(24)}.{instance.file_format}"


class ImportJob(TimeStampedModel):
    """A CSV or XLSX file of responses from another survey tool, on its way into a call.

    The secretariat maps columns, checks the file (a dry run that lists every row's
    problems), then a Celery task imports every row or none. Progress is stored here.
    """

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=import_file_path)
    file_format = models.CharField(_("format"), max_length=4)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    columns = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("what each column holds"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("responses added"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows imported before"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of responses")
        verbose_name_plural = _("imports of responses")
        constraints = [
            models.CheckConstraint(
                name="importjob_format_known",
                condition=Q(file_format__in=["csv", "xlsx"]),
            ),
            models.CheckConstraint(
                name="importjob_progress_within_total",
                condition=Q(processed_rows__lte=models.F("total_rows")),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return int(100 * self.processed_rows / self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
