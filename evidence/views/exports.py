"""Exports of a call's responses for the secretariat."""

from django.core.files.storage import storages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from evidence.selectors import export_jobs_for_call
from evidence.services.exports import (
    XLSX_CONTENT_TYPE,
    export_csv_chunks,
    export_download_record,
    export_expires_at,
    export_is_expired,
    export_record,
    export_xlsx_start,
)
from levelup.enums import JobStatus
from levelup.models import Job
from levelup.views import NoStoreMixin

from .calls import CallManageMixin


class ResponsesCsvExportView(NoStoreMixin, CallManageMixin, View):
    """The call's sent responses as CSV, streamed as they are read.

    `?details=0` leaves out who responded (for sharing beyond the secretariat).
    """

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        include_identity = self.may_see_identity() and request.GET.get("details") != "0"
        export_record(
            actor=request.user,
            call=self.call,
            file_format="csv",
            include_identity=include_identity,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            export_csv_chunks(call=self.call, include_identity=include_identity),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.call.slug}-responses-{stamp}.csv"'
        )
        return response

    def may_see_identity(self) -> bool:
        """Exports are for the secretariat, who see who responded; the switch stays for others."""
        return self.request.user.has_perm("evidence.manage_call", self.call)


class ExportJobMixin(CallManageMixin):
    """A built export of the call, found among the call's exports (404 outside them)."""

    def export_job(self) -> Job:
        return get_object_or_404(export_jobs_for_call(call=self.call), pk=self.kwargs["pk"])


class ResponsesXlsxStartView(NoStoreMixin, CallManageMixin, View):
    """Start building the call's responses as an XLSX workbook (a POST; a double click
    starts one job); then its progress page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = export_xlsx_start(
            actor=request.user,
            call=self.call,
            include_identity=request.POST.get("details") != "0",
        )
        return redirect("evidence:manage-export-job", slug=self.call.slug, pk=job.pk)


class ResponsesXlsxJobView(NoStoreMixin, ExportJobMixin, TemplateView):
    """The progress of an XLSX export (refresh, or JavaScript polls), then its download link
    for a day; after that, a way to build it again."""

    template_name = "evidence/secretariat/export_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.export_job()
        done = job.status == JobStatus.DONE
        context.update(
            job=job,
            finished=job.status in (JobStatus.DONE, JobStatus.FAILED),
            expired=done and export_is_expired(job),
            expires_at=export_expires_at(job) if done else None,
            details=bool(job.params.get("respondent_details")),
            percent=(
                round(100 * job.progress_done / job.progress_total) if job.progress_total else 0
            ),
        )
        return context


class ResponsesXlsxDownloadView(NoStoreMixin, ExportJobMixin, View):
    """The built workbook, to people who manage the call, for a day after it was built."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        job = self.export_job()
        if job.status != JobStatus.DONE or export_is_expired(job):
            # Not ready, or gone: the progress page says which, and offers a new export.
            return redirect("evidence:manage-export-job", slug=self.call.slug, pk=job.pk)
        export_download_record(actor=request.user, job=job)
        response = FileResponse(
            storages["private"].open(job.result["path"], "rb"),
            as_attachment=True,
            filename=job.result["filename"],
            content_type=XLSX_CONTENT_TYPE,
        )
        return response
