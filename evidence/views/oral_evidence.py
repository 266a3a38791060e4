"""The secretariat's oral evidence pages: roundtables and hearings of a call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from evidence.forms.publishing import OralEvidenceForm
from evidence.models import OralEvidence
from evidence.selectors.oral_evidence import oral_evidence_for_call
from evidence.services.oral_evidence import (
    oral_evidence_create,
    oral_evidence_remove,
    oral_evidence_update,
)
from levelup.views import form_error_from, service_with_message

from .calls import CallManageMixin


class OralEvidenceListView(CallManageMixin, TemplateView):
    """The call's oral evidence events, and a form to add one."""

    template_name = "evidence/publishing/oral_evidence_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(oral_evidence_for_call(call=self.call))
        context.setdefault("form", OralEvidenceForm(call=self.call))
        return context

    def post(self, request, *args, **kwargs):
        form = OralEvidenceForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                oral_evidence_create(actor=request.user, call=self.call, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The oral evidence has been added."))
                return redirect("evidence:manage-oral-evidence", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(form=form))


class OralEvidenceMixin(CallManageMixin):
    @property
    def event(self) -> OralEvidence:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(OralEvidence, call=self.call, pk=self.kwargs["pk"])
        return self._event


class OralEvidenceUpdateView(OralEvidenceMixin, TemplateView):
    template_name = "evidence/publishing/oral_evidence_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        context["event"] = event
        context.setdefault(
            "form",
            OralEvidenceForm(
                call=self.call,
                initial={
                    "kind": event.kind,
                    "title": event.title,
                    "held_on": event.held_on,
                    "hosts": event.hosts,
                    "speakers": event.speakers,
                    "note": event.note,
                    "is_published": event.is_published,
                    "informed": ", ".join(
                        event.informed.order_by("number").values_list("reference", flat=True)
                    ),
                },
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = OralEvidenceForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                oral_evidence_update(actor=request.user, event=self.event, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The oral evidence has been saved."))
                return redirect("evidence:manage-oral-evidence", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(form=form))


class OralEvidenceRemoveView(OralEvidenceMixin, View):
    """POST: remove an oral evidence event."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            oral_evidence_remove,
            event=self.event,
            success=_("The oral evidence has been removed."),
        )
        return redirect("evidence:manage-oral-evidence", slug=self.call.slug)
