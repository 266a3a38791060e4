"""Private files (attachments, import files, generated files): one storage, two shapes.

On one machine they live in a private folder that no URL serves. On several machines they
go to S3-compatible object storage (settings `AWS_STORAGE_BUCKET_NAME`, `AWS_S3_ENDPOINT_URL`),
so no web or worker machine keeps state on its disk. Either way the code reads and writes
through Django's storage API (`storages["private"]`), and files are only ever handed out by
permission-checked views that stream them.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """The private folder (setting `EVIDENCE_UPLOAD_ROOT`), read at call time."""

    @property
    def base_location(self):  # type: ignore[override] -- read at call time, not import time
        return str(settings.EVIDENCE_UPLOAD_ROOT)

    @property
    def location(self):  # type: ignore[override] -- read at call time, not import time
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override] -- private: no public URL at all
        return None


class _PrivateStorage(LazyObject):
    """`storages["private"]`, looked up on first use and again after settings change."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def private_storage():
    """The storage for a FileField holding private files (Django calls it once per field)."""
    return _private


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs) -> None:
    if setting in ("STORAGES", "EVIDENCE_UPLOAD_ROOT"):
        _private._wrapped = empty
