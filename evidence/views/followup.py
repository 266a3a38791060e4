"""Following up recommendations: the secretariat's pages and the public tracker."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from evidence.forms.followup import (
    FollowUpDueForm,
    FollowUpResponseForm,
    ImplementationUpdateForm,
)
from evidence.models import RecommendationFollowUp
from evidence.selectors import calls_for_user
from evidence.selectors.followup import (
    call_has_tracker,
    recommendations_overdue,
    recommendations_with_followup,
    report_changes,
)
from evidence.services.followup import (
    followup_add_update,
    followup_record_response,
    followup_set_due,
    followup_start,
)
from levelup.views import NoStoreMixin, form_error_from, service_with_message

from .calls import CallManageMixin


class FollowUpListView(NoStoreMixin, CallManageMixin, TemplateView):
    """Recommendations of a call with their responses; overdue ones first."""

    template_name = "evidence/followup/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["published"] = call_has_tracker(call=self.call)
        context["overdue"] = list(recommendations_overdue(call=self.call))
        context["recommendations"] = list(recommendations_with_followup(call=self.call))
        context["not_started"] = any(
            r.addressed_to_id and not hasattr(r, "followup") for r in context["recommendations"]
        )
        return context

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            followup_start,
            call=self.call,
            success=_("Responses are due two months after the report was published."),
        )
        return redirect("evidence:manage-followup", slug=self.call.slug)


class FollowUpFormMixin(NoStoreMixin, CallManageMixin):
    """A secretariat form about one followed-up recommendation of the call."""

    def get_followup(self) -> RecommendationFollowUp:
        if not hasattr(self, "_followup"):
            self._followup = get_object_or_404(
                RecommendationFollowUp.objects.select_related(
                    "recommendation__call", "recommendation__addressed_to"
                ),
                recommendation__call=self.call,
                pk=self.kwargs["pk"],
            )
        return self._followup

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["followup"] = self.get_followup()
        return context

    def get_success_url(self):
        return reverse("evidence:manage-followup", kwargs={"slug": self.call.slug})


class FollowUpResponseView(FollowUpFormMixin, FormView):
    template_name = "evidence/followup/response_form.html"
    form_class = FollowUpResponseForm

    def get_initial(self):
        followup = self.get_followup()
        if not followup.response:
            return {}
        return {
            "response": followup.response,
            "responded_by": followup.responded_by,
            "responded_on": followup.responded_on,
            "response_text": followup.response_text,
        }

    def form_valid(self, form):
        try:
            followup_record_response(
                actor=self.request.user, followup=self.get_followup(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class ImplementationUpdateView(FollowUpFormMixin, FormView):
    template_name = "evidence/followup/update_form.html"
    form_class = ImplementationUpdateForm

    def form_valid(self, form):
        try:
            followup_add_update(
                actor=self.request.user, followup=self.get_followup(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class FollowUpDueView(FollowUpFormMixin, FormView):
    """Change when a response is due (by default two months after publication)."""

    template_name = "evidence/followup/due_form.html"
    form_class = FollowUpDueForm

    def get_initial(self):
        return {"response_due_on": self.get_followup().response_due_on}

    def form_valid(self, form):
        try:
            followup_set_due(
                actor=self.request.user, followup=self.get_followup(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class TrackerView(TemplateView):
    # Public page: anyone may read what happened to a published report's recommendations.
    template_name = "evidence/followup/tracker.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = get_object_or_404(
            calls_for_user(user=self.request.user).select_related("body"), slug=self.kwargs["slug"]
        )
        if not call_has_tracker(call=call):
            raise Http404
        context["call"] = call
        context["recommendations"] = list(recommendations_with_followup(call=call))
        context["changes"] = list(report_changes(call=call))
        return context
