"""Importing responses from a CSV or XLSX file: upload, map columns, dry run, import, progress."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from evidence.enums import ImportStatus
from evidence.forms import ImportMappingForm, ImportUploadForm
from evidence.models import ImportJob
from evidence.selectors import import_jobs_for_call
from evidence.services.imports import (
    IMPORT_JOB_KIND,
    import_can_retry,
    import_map,
    import_retry,
    import_sample,
    import_start,
    import_targets,
    import_upload,
)
from levelup.selectors import job_latest
from levelup.views import (
    NoStoreMixin,
    error_message_from,
    form_error_from,
    service_with_message,
)

from .calls import CallManageMixin


class ImportUploadView(CallManageMixin, FormView):
    template_name = "evidence/secretariat/import_upload.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = list(import_jobs_for_call(call=self.call)[:20])
        return context

    def form_valid(self, form):
        try:
            job = import_upload(
                actor=self.request.user, call=self.call, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect("evidence:manage-import-map", slug=self.call.slug, pk=job.pk)


class ImportJobMixin(CallManageMixin):
    @property
    def job(self) -> ImportJob:
        if not hasattr(self, "_job"):
            self._job = get_object_or_404(ImportJob, pk=self.kwargs["pk"], call=self.call)
            self._job.call = self.call
        return self._job

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = self.job
        return context


class ImportMapView(NoStoreMixin, ImportJobMixin, FormView):
    """Say what each column holds; saving runs the dry run and shows every row's problems."""

    template_name = "evidence/secretariat/import_map.html"
    form_class = ImportMappingForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["columns"] = self.job.columns
        kwargs["targets"] = import_targets(call=self.call)
        kwargs["sample"] = import_sample(job=self.job)
        return kwargs

    def get_initial(self):
        return {f"col{index}": target for index, target in self.job.mapping.items()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["started"] = self.job.status not in (
            ImportStatus.UPLOADED,
            ImportStatus.CHECKED,
            ImportStatus.INVALID,
        )
        return context

    def form_valid(self, form):
        try:
            job = import_map(actor=self.request.user, job=self.job, mapping=form.mapping())
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect("evidence:manage-import-check", slug=self.call.slug, pk=job.pk)


class ImportCheckView(NoStoreMixin, ImportJobMixin, TemplateView):
    """The dry run's result; POST starts the import when no row has a problem."""

    template_name = "evidence/secretariat/import_check.html"

    def post(self, request, *args, **kwargs):
        try:
            import_start(actor=request.user, job=self.job)
        except ValidationError as exc:
            error_message_from(request, exc)
            return redirect("evidence:manage-import-check", slug=self.call.slug, pk=self.job.pk)
        return redirect("evidence:manage-import-progress", slug=self.call.slug, pk=self.job.pk)


class ImportProgressView(ImportJobMixin, TemplateView):
    """How far the import has got: a progress bar and a link to check again. With
    JavaScript, static/js/import-progress.js refreshes the bar in place (no timed page
    reload: axe and WCAG 2.2.1 forbid it)."""

    template_name = "evidence/secretariat/import_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The background job is the truth for progress, attempts and why it failed.
        run = job_latest(target=self.job, kind=IMPORT_JOB_KIND)
        done, total = self.job.processed_rows, self.job.total_rows
        if run is not None:
            done, total = run.progress_done, run.progress_total or total
        context["run"] = run
        context["progress"] = {
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else 0,
        }
        context["can_retry"] = import_can_retry(self.job)
        return context


class ImportRetryView(ImportJobMixin, View):
    """POST: try a failed import again ("Try again" on its progress page)."""

    def post(self, request, *args, **kwargs):
        service_with_message(
            request, import_retry, success=_("The import will be tried again."), job=self.job
        )
        return redirect("evidence:manage-import-progress", slug=self.call.slug, pk=self.job.pk)
