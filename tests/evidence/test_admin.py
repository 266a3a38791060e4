import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.services import attachment_add
from tests.factories import AnswerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_shows_submission_read_only_without_token_or_file_url(admin_client, respondent):
    answer = AnswerFactory(
        submission__user=respondent,
        submission__continue_token_hash="f" * 64,
        text="Kept in the admin",
    )
    submission = answer.submission
    attachment_add(
        actor=respondent, submission=submission, upload=SimpleUploadedFile("a.txt", b"x")
    )

    listing = admin_client.get(reverse("admin:evidence_submission_changelist"))
    page = admin_client.get(reverse("admin:evidence_submission_change", args=[submission.pk]))
    files = admin_client.get(reverse("admin:evidence_attachment_changelist"))

    assert (listing.status_code, page.status_code, files.status_code) == (200, 200, 200)
    html = page.content.decode()
    assert "Kept in the admin" in html
    assert "a.txt" in html
    assert "f" * 64 not in html
    assert 'name="_save"' not in html


def test_admin_cannot_change_or_delete_submissions(admin_client):
    answer = AnswerFactory()

    response = admin_client.post(
        reverse("admin:evidence_submission_delete", args=[answer.submission.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
