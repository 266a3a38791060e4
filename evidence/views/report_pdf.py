"""The published report as a PDF: the public download, and trying a failed rendering again."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from evidence.models import CallReport
from evidence.selectors.publishing import is_call_report_published
from evidence.selectors.report_pdf import report_pdf_job
from evidence.services.report_pdf import report_pdf_queue
from levelup.enums import JobStatus
from levelup.jobs import job_retry
from levelup.views import service_with_message

from .calls import CallManageMixin
from .report import PublishedCallMixin


class ReportPdfView(PublishedCallMixin, View):
    # Public download: the PDF of the report as it stands, once it has been rendered.
    def get(self, request, slug):
        call = self.get_call()
        report = CallReport.objects.filter(call=call).first()
        if report is None or not report.has_current_pdf:
            raise Http404("No PDF of this report yet")
        return FileResponse(
            report.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=f"{slugify(call.title)[:80] or 'report'}.pdf",
        )


class ReportPdfRetryView(CallManageMixin, View):
    """POST: make the published report's PDF: again after its job failed ("Try again"), or
    for the first time when there is none (a report published before PDFs were made)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = CallReport.objects.filter(call=self.call, published_at__isnull=False).first()
        if report is None or not is_call_report_published(self.call):
            raise Http404("The report is not published")
        job = report_pdf_job(report=report)
        if job is not None and job.status == JobStatus.FAILED:
            service_with_message(
                request, job_retry, job=job, success=_("The PDF is being prepared again.")
            )
        elif job is None and not report.has_current_pdf:
            service_with_message(
                request,
                report_pdf_queue,
                report=report,
                success=_("The PDF is being prepared."),
            )
        return redirect("evidence:manage-report-publish", slug=self.call.slug)
