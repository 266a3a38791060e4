"""Attachments: checked by content and size, stored privately, text extracted later."""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from evidence.enums import AttachmentStatus, QuestionKind
from evidence.files import UnsafeArchive, extract_text, sniff_kind
from evidence.models import Attachment, Question, Submission
from levelup.audit import audit_record
from levelup.jobs import JobRun, job_enqueue
from levelup.models import Job

from .search import submission_search_refresh
from .submissions import _locked_draft

logger = logging.getLogger(__name__)

EXTRACT_JOB_KIND = "evidence.extract"


def _read_upload(upload) -> bytes:
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; files must be %(limit)s or smaller.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_big",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            code="too_big",
        )
    return data


@transaction.atomic
def attachment_add(*, actor, submission: Submission, upload, question: Question | None = None):
    """Attach a file to a draft, after checking what it really is (not its name).

    Refuses empty files, files over EVIDENCE_MAX_UPLOAD_BYTES, more than the call's
    `max_attachments`, and anything that is not a PDF, DOCX, ODT or plain text file.
    Text extraction is a background job (kind "evidence.extract"), sent after commit.
    """
    submission = _locked_draft(submission)
    if question is not None and (
        question.call_id != submission.call_id or question.kind != QuestionKind.FILE
    ):
        raise ValidationError(_("That question is not part of this call."))
    data = _read_upload(upload)
    if not data:
        raise ValidationError(
            _("%(name)s is empty. Choose a file with something in it.") % {"name": upload.name},
            code="empty",
        )
    if submission.attachments.count() >= submission.call.max_attachments:
        raise ValidationError(
            _("You can attach at most %(count)s files to a response. Remove one first.")
            % {"count": submission.call.max_attachments},
            code="too_many",
        )
    try:
        kind = sniff_kind(data)
    except UnsafeArchive as exc:
        raise ValidationError(
            _("%(name)s cannot be accepted. %(reason)s") % {"name": upload.name, "reason": exc},
            code="unsafe_archive",
        ) from None
    if kind is None:
        raise ValidationError(
            _(
                "%(name)s is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file. "
                "We check what a file contains, not only its name."
            )
            % {"name": upload.name},
            code="wrong_type",
        )
    attachment = Attachment(
        submission=submission,
        question=question,
        original_name=(upload.name or "file")[-255:],
        kind=kind,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save("upload", ContentFile(data), save=False)
    attachment.full_clean()
    attachment.save()
    audit_record(
        actor=actor,
        action="evidence.attachment.add",
        target=attachment,
        changes={"name": attachment.original_name, "kind": kind, "size": len(data)},
    )
    job_enqueue(actor=actor, kind=EXTRACT_JOB_KIND, target=attachment)
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    _locked_draft(attachment.submission)
    name = attachment.file.name
    audit_record(
        actor=actor,
        action="evidence.attachment.remove",
        target=attachment.submission,
        changes={"name": attachment.original_name},
    )
    attachment.delete()
    submission_search_refresh(submission_ids=[attachment.submission_id])
    storage = attachment.file.storage
    transaction.on_commit(partial(storage.delete, name))


def attachment_extract_text(*, attachment_id: int) -> Attachment | None:
    """Read the file's text for search. A file that cannot be read is kept and flagged;
    the response it belongs to is unaffected. Idempotent: done files are skipped."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update()
            .filter(pk=attachment_id, status=AttachmentStatus.PENDING)
            .first()
        )
        if attachment is None:
            return None
        with attachment.file.open("rb") as handle:
            data = handle.read()
        try:
            attachment.extracted_text = extract_text(attachment.kind, data).replace("\x00", "")
            attachment.status = AttachmentStatus.EXTRACTED
        except ValueError as exc:
            logger.info("attachment %s unreadable: %s", attachment.pk, exc)
            attachment.status = AttachmentStatus.UNREADABLE
            attachment.flag_reason = _("The file could not be read: %(error)s") % {
                "error": str(exc)[:200]
            }
        attachment.save(update_fields=["extracted_text", "status", "flag_reason", "updated_at"])
        submission_search_refresh(submission_ids=[attachment.submission_id])
        audit_record(
            actor=None,
            action="evidence.attachment.extract",
            target=attachment,
            changes={"status": attachment.status},
        )
    return attachment


def attachment_extract_job(*, run: JobRun) -> dict:
    """The background job's body."""
    attachment = attachment_extract_text(attachment_id=run.job.object_id)
    return {"status": attachment.status} if attachment is not None else {}


def attachment_extract_failed(job: Job) -> None:
    """Extraction failed for good (the worker kept stopping, or an error kept coming back):
    the file is kept, flagged as unreadable with the reason, like a file we cannot parse."""
    attachment = (
        Attachment.objects.select_for_update()
        .filter(pk=job.object_id, status=AttachmentStatus.PENDING)
        .first()
    )
    if attachment is None:
        return
    attachment.status = AttachmentStatus.UNREADABLE
    attachment.flag_reason = (_("Its text could not be read: %(error)s") % {"error": job.error})[
        :300
    ]
    attachment.save(update_fields=["status", "flag_reason", "updated_at"])
    audit_record(
        actor=None,
        action="evidence.attachment.extract",
        target=attachment,
        changes={"status": attachment.status, "error": job.error},
    )
