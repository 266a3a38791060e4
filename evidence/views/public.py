"""Public pages about calls: anyone may read a call that is not a draft."""

from django.views.generic import DetailView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from evidence.selectors import (
    calls_closed,
    calls_for_user,
    calls_open,
    calls_upcoming,
    sections_with_questions,
)
from evidence.selectors.publishing import call_report, is_call_report_published


class CallListView(TemplateView):
    # Public page: anyone may read the list of calls.
    template_name = "evidence/call/list.html"
    closed_limit = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_calls"] = list(calls_open())
        context["upcoming_calls"] = list(calls_upcoming())
        context["closed_calls"] = list(calls_closed()[: self.closed_limit])
        return context


class CallDetailView(PermissionRequiredMixin, DetailView):
    """A call's public page: background, who should respond, the questions, the deadline."""

    template_name = "evidence/call/detail.html"
    permission_required = "evidence.view_callforevidence"
    context_object_name = "call"

    def get_queryset(self):
        return calls_for_user(user=self.request.user)

    def get_object(self, queryset=None):
        # The permission check and the page share one fetch.
        if not hasattr(self, "_call"):
            self._call = super().get_object(queryset)
        return self._call

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = sections_with_questions(call=self.object)
        context["can_manage"] = self.request.user.has_perm("evidence.manage_call", self.object)
        if is_call_report_published(self.object):
            # Once published, the call's page is its report.
            context["report"] = call_report(call=self.object)
        return context

    def get_template_names(self):
        if is_call_report_published(self.get_object()):
            return ["evidence/report/report.html"]
        return super().get_template_names()
