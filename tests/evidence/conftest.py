import pytest

from .review_fixtures import review_setup  # noqa: F401 -- the review tests' shared call


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path):
    """Attachments go to a temporary private directory in every evidence test."""
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    return tmp_path / "private"
