"""Where attachments live: a private directory that no URL serves.

Files are read back only through a permission-checked view. The location is read from
settings each time, so tests and deployments can point it elsewhere.
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @property
    def base_location(self):  # type: ignore[override] -- read at call time, not import time
        return str(settings.EVIDENCE_UPLOAD_ROOT)

    @property
    def location(self):  # type: ignore[override] -- read at call time, not import time
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override] -- private: no public URL at all
        return None


private_storage = PrivateStorage()


def attachment_path(instance, filename: str) -> str:
    """A random name that reveals nothing of the original; the kind decides the suffix."""
    return f"attachments/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{instance.kind}"
