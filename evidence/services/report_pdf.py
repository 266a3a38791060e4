"""The published report as a PDF, rendered in the background and again after each change.

Every service that changes what a published report shows calls `report_changed` inside its
transaction: the report's `content_version` goes up, the change is noted in the public
changelog (when it says what changed), and one rendering job is queued, unless one is
already waiting: a queued job renders whatever the report holds when it runs, so a burst of
edits costs one rendering. The public download serves only a PDF of the latest version.
"""

from collections.abc import Callable
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from evidence.enums import CallStatus
from evidence.models import CallForEvidence, CallReport
from evidence.selectors.report_pdf import REPORT_PDF_JOB_KIND
from levelup.audit import audit_record
from levelup.jobs import job_enqueue, job_waiting
from levelup.models import Job

# The PDF is rendered in steps: read the report, lay out the PDF, store it.
REPORT_PDF_STEPS = 3


def _published(call: CallForEvidence) -> bool:
    return call.status in (CallStatus.PUBLISHED, CallStatus.ARCHIVED)


def report_pdf_queue(*, actor, report: CallReport) -> Job | None:
    """Queue a rendering of the report's PDF, unless one is already waiting to start."""
    if job_waiting(kind=REPORT_PDF_JOB_KIND, target=report) is not None:
        return None
    return job_enqueue(
        actor=actor,
        kind=REPORT_PDF_JOB_KIND,
        target=report,
        params={"version": report.content_version},
        total=REPORT_PDF_STEPS,
    )


def report_changed(*, actor, call: CallForEvidence, summary: str = "") -> CallReport | None:
    """What the published report shows has changed: count it, note it, render the PDF again.

    Call it inside the changing service's transaction. `summary` is the plain-English line
    for the public changelog ("Finding 2 retitled"); leave it empty for changes the changelog
    does not list (a moderation decision). Nothing happens before the report is published.
    """
    from evidence.selectors.publishing import (
        FINDING_RESPONSES_KEY,
        finding_response_counts,
        report_figures_to_store,
    )
    from evidence.services.followup import report_change_record

    call = CallForEvidence.objects.get(pk=call.pk)  # its status now, not a stale copy's
    if not _published(call):
        return None
    report, _created = CallReport.objects.select_for_update().get_or_create(call=call)
    report.content_version += 1
    # The page reads each finding's "drawn from N responses" from here, not counting per
    # request; a report published without its figures stored gets them all now.
    if report.figures:
        report.figures = {
            **report.figures,
            FINDING_RESPONSES_KEY: finding_response_counts(call=call),
        }
    else:
        report.figures = report_figures_to_store(call=call)
    report.save(update_fields=["content_version", "figures", "updated_at"])
    if summary:
        report_change_record(actor=actor, call=call, summary=summary)
    report_pdf_queue(actor=actor, report=report)
    return report


def report_pdf_render(
    *, report_id: int, progress: Callable[[int], None] | None = None
) -> CallReport | None:
    """Render the report as it stands as a PDF and store it (private storage).

    Idempotent: nothing is done when the PDF of the current version is stored already, or
    the call is no longer published. The layout takes seconds, so it runs outside the
    transaction that records the file; if the report changed meanwhile, the PDF is stored
    with the version it was read at, and another rendering is queued.
    """
    from evidence.selectors.publishing import call_report
    from levelup.pdf import render_pdf

    progress = progress or (lambda done: None)
    report = CallReport.objects.select_related("call__body").get(pk=report_id)
    call = report.call
    if not _published(call) or report.has_current_pdf:
        return None
    version = report.content_version
    content = call_report(call=call)
    progress(1)
    pdf = render_pdf(
        template_name="evidence/report/pdf.html",
        context={"call": call, "report": content},
        title=call.title,
    )
    progress(2)
    with transaction.atomic():
        report = CallReport.objects.select_for_update().select_related("call").get(pk=report_id)
        if report.pdf_version is not None and report.pdf_version >= version and report.pdf:
            return None
        old = report.pdf.name if report.pdf else ""
        name = f"{slugify(call.title)[:80] or 'report'}-v{version}.pdf"
        report.pdf.save(name, ContentFile(pdf), save=False)
        report.pdf_version = version
        report.pdf_rendered_at = timezone.now()
        report.pdf_bytes = len(pdf)
        report.save(
            update_fields=["pdf", "pdf_version", "pdf_rendered_at", "pdf_bytes", "updated_at"]
        )
        audit_record(
            actor=None,
            action="evidence.report.pdf_render",
            target=call,
            changes={"version": version, "bytes": len(pdf)},
        )
        if old and old != report.pdf.name:
            transaction.on_commit(partial(report.pdf.storage.delete, old))
        if report.content_version > version:
            # Changed while this was laid out, by a change that saw this job already under
            # way (so it queued none): render again.
            report_pdf_queue(actor=None, report=report)
    progress(REPORT_PDF_STEPS)
    return report


__all__ = [
    "REPORT_PDF_JOB_KIND",
    "REPORT_PDF_STEPS",
    "report_changed",
    "report_pdf_queue",
    "report_pdf_render",
]
