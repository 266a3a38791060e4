"""Attachments and import files on S3-compatible storage (several machines share no disk).

A real S3 server (moto's server mode) runs on loopback; see `s3_server` in tests/conftest.py.
"""

import hashlib

import pytest
from django.urls import reverse

from evidence.enums import QuestionKind
from evidence.models import Attachment, Submission
from tests.evidence.documents import pdf_bytes
from tests.factories import CallForEvidenceFactory, QuestionFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

DETAILS = {
    "respondent_name": "Pat Jones",
    "respondent_email": "pat@example.org",
    "responding_as": "individual",
    "publication_preference": "named",
    "consent": "on",
}


@pytest.fixture
def file_call():
    call = CallForEvidenceFactory(open=True, reference_prefix="S3T")
    section = SectionFactory(call=call, title="Your evidence", position=0)
    QuestionFactory(section=section, kind=QuestionKind.FILE, text="Attach a report", position=0)
    return call


def _objects(client, bucket) -> dict[str, bytes]:
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }


def _upload_through_the_form(client, call, data: bytes) -> Submission:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    submission = Submission.objects.get(call=call)
    client.post(
        reverse("evidence:response-details", kwargs={"public_id": submission.public_id}),
        DETAILS,
    )
    question = call.questions.get()
    client.post(
        reverse(
            "evidence:response-section", kwargs={"public_id": submission.public_id, "number": 1}
        ),
        {
            f"q{question.pk}": SimpleUploadedFile("report.pdf", data),
            "action": "continue",
        },
    )
    return submission


def test_attachment_uploaded_by_a_respondent_is_stored_in_the_bucket(
    client, file_call, s3_private_storage, private_uploads
):
    s3, bucket = s3_private_storage
    data = pdf_bytes("Wisbech port study")

    submission = _upload_through_the_form(client, file_call, data)

    attachment = Attachment.objects.get(submission=submission)
    assert _objects(s3, bucket) == {f"private/{attachment.file.name}": data}
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    # Nothing on this machine's disk.
    assert not private_uploads.exists() or not any(private_uploads.rglob("*.pdf"))


def test_attachment_in_the_bucket_is_read_back_through_the_permission_checked_view(
    client, file_call, s3_private_storage
):
    data = pdf_bytes("Blackpool trams")
    submission = _upload_through_the_form(client, file_call, data)
    attachment = Attachment.objects.get(submission=submission)
    url = reverse(
        "evidence:attachment-download",
        kwargs={"public_id": submission.public_id, "pk": attachment.pk},
    )

    response = client.get(url)

    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_attachment_in_the_bucket_is_refused_to_someone_else(client, file_call, s3_private_storage):
    submission = _upload_through_the_form(client, file_call, pdf_bytes("Not yours"))
    attachment = Attachment.objects.get(submission=submission)
    client.logout()
    client.cookies.clear()
    client.force_login(UserFactory())

    response = client.get(
        reverse(
            "evidence:attachment-download",
            kwargs={"public_id": submission.public_id, "pk": attachment.pk},
        )
    )

    assert response.status_code == 404
    assert b"Not yours" not in response.content


def test_attachment_removed_by_the_respondent_leaves_the_bucket(
    client, file_call, s3_private_storage, django_capture_on_commit_callbacks
):
    s3, bucket = s3_private_storage
    submission = _upload_through_the_form(client, file_call, pdf_bytes("Changed my mind"))
    attachment = Attachment.objects.get(submission=submission)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "evidence:attachment-remove",
                kwargs={"public_id": submission.public_id, "pk": attachment.pk},
            )
        )

    assert _objects(s3, bucket) == {}
    assert Attachment.objects.count() == 0


def test_private_storage_is_the_folder_without_a_bucket(settings):
    from levelup.settings.base import private_storage_config

    assert private_storage_config(bucket="", endpoint_url=None) == {
        "BACKEND": "levelup.storage.PrivateFileSystemStorage"
    }
    assert (
        private_storage_config(bucket="b", endpoint_url="http://minio:9000")["OPTIONS"][
            "querystring_expire"
        ]
        == 60
    )
