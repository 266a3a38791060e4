"""The state of a published report's PDF, for the secretariat's publishing page."""

from django.contrib.contenttypes.models import ContentType

from evidence.models import CallReport
from levelup.models import Job

REPORT_PDF_JOB_KIND = "evidence.report_pdf"


def report_pdf_job(*, report: CallReport) -> Job | None:
    """The latest job that renders the report's PDF: its status and progress."""
    return (
        Job.objects.filter(
            kind=REPORT_PDF_JOB_KIND,
            content_type=ContentType.objects.get_for_model(CallReport),
            object_id=report.pk,
        )
        .order_by("-queued_at", "-pk")
        .first()
    )
