"""Where attachments and import files live: the private storage (see levelup/storage.py).

`PrivateStorage` stays importable for the first migrations, which named it.
"""

import secrets

from levelup.storage import PrivateFileSystemStorage as PrivateStorage
from levelup.storage import private_storage

__all__ = ["PrivateStorage", "attachment_path", "private_storage"]


def attachment_path(instance, filename: str) -> str:
    """A random name that reveals nothing of the original; the kind decides the suffix."""
    return f"attachments/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{instance.kind}"
