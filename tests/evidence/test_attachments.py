import os
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from evidence.enums import AttachmentStatus
from evidence.models import Attachment
from evidence.services import attachment_add, attachment_extract_text
from tests.evidence.documents import docx_bytes, odt_bytes, pdf_bytes
from tests.factories import QuestionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(respondent):
    submission = SubmissionFactory(user=respondent)
    QuestionFactory(section__call=submission.call, kind="file", text="Attach a report")
    return submission


@pytest.mark.parametrize(
    ("name", "data", "kind", "text"),
    [
        ("a.docx", docx_bytes("Wisbech skills"), "docx", "Wisbech skills"),
        ("b.odt", odt_bytes("Bradford parks"), "odt", "Bradford parks"),
        ("c.pdf", pdf_bytes("Blackpool trams"), "pdf", "Blackpool trams"),
        ("d.txt", b"Fleetwood docks", "txt", "Fleetwood docks"),
    ],
)
def test_attachment_add_then_extract_each_kind(draft, respondent, name, data, kind, text):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile(name, data)
    )

    attachment_extract_text(attachment_id=attachment.pk)

    attachment.refresh_from_db()
    assert (attachment.kind, attachment.status) == (kind, AttachmentStatus.EXTRACTED)
    assert attachment.extracted_text.strip() == text
    assert attachment.size_bytes == len(data)


def test_attachment_extract_is_idempotent(draft, respondent):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("d.txt", b"words")
    )
    attachment_extract_text(attachment_id=attachment.pk)

    again = attachment_extract_text(attachment_id=attachment.pk)

    assert again is None


@pytest.mark.django_db(transaction=True)
def test_attachment_text_extracted_by_the_celery_worker(celery_worker_thread, settings, tmp_path):
    respondent = UserFactory()
    draft = SubmissionFactory(user=respondent)

    attachment = attachment_add(
        actor=respondent,
        submission=draft,
        upload=SimpleUploadedFile("c.pdf", pdf_bytes("Seen by the worker")),
    )

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        attachment.refresh_from_db()
        if attachment.status != AttachmentStatus.PENDING:
            break
        time.sleep(0.1)
    assert attachment.status == AttachmentStatus.EXTRACTED
    assert attachment.extracted_text.strip() == "Seen by the worker"


def test_attachment_download_for_owner(client, draft, respondent):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("notes.txt", b"my notes")
    )
    client.force_login(respondent)

    response = client.get(
        reverse(
            "evidence:attachment-download",
            kwargs={"public_id": draft.public_id, "pk": attachment.pk},
        )
    )

    assert b"".join(response.streaming_content) == b"my notes"
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"


@pytest.mark.parametrize("who", ["anonymous", "other_person", "reviewer"])
def test_attachment_download_refused_to_others(client, draft, respondent, who, request):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("notes.txt", b"private")
    )
    if who == "other_person":
        client.force_login(UserFactory())
    elif who == "reviewer":
        client.force_login(request.getfixturevalue("reviewer"))

    response = client.get(
        reverse(
            "evidence:attachment-download",
            kwargs={"public_id": draft.public_id, "pk": attachment.pk},
        )
    )

    assert response.status_code == 404
    assert b"private" not in response.content


def test_media_directory_is_not_served(client, draft, respondent):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("notes.txt", b"private")
    )

    response = client.get(f"/media/{attachment.file.name}")

    assert response.status_code == 404
    assert Attachment.objects.get().file.storage.base_url is None


def test_attachment_remove_deletes_row_and_file(
    client, draft, respondent, django_capture_on_commit_callbacks
):
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("notes.txt", b"gone")
    )
    path = attachment.file.path
    client.force_login(respondent)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "evidence:attachment-remove",
                kwargs={"public_id": draft.public_id, "pk": attachment.pk},
            )
        )

    assert Attachment.objects.count() == 0
    assert not os.path.exists(path)


def test_no_url_serves_the_upload_directory(client, draft, respondent, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "media" / "evidence")
    attachment = attachment_add(
        actor=respondent, submission=draft, upload=SimpleUploadedFile("notes.txt", b"private")
    )
    assert os.path.exists(tmp_path / "media" / "evidence" / attachment.file.name)

    responses = [
        client.get(f"/media/evidence/{attachment.file.name}"),
        client.get(f"/media/{attachment.file.name}"),
        client.get(f"/static/{attachment.file.name}"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all(b"private" not in r.content for r in responses)
    with pytest.raises(Resolver404):
        resolve(f"/media/evidence/{attachment.file.name}")


def test_upload_limit_defaults_to_20_mb_and_is_configurable():
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'levelup.settings.test'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.EVIDENCE_MAX_UPLOAD_BYTES)"
    )
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_MAX_UPLOAD_MB"}

    default = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    configured = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "EVIDENCE_MAX_UPLOAD_MB": "5"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert (default.stdout.strip(), configured.stdout.strip()) == (
        str(20 * 1024 * 1024),
        str(5 * 1024 * 1024),
    )
