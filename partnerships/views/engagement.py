from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from levelup.views import form_error_from, service_with_message
from partnerships.forms import ActionForm, EngagementForm
from partnerships.models import Action, Engagement
from partnerships.selectors import (
    actions_for_engagement,
    actions_for_user,
    engagements_for_partnership,
)
from partnerships.services import (
    action_create,
    action_owner_choices,
    action_set_done,
    engagement_create,
    engagement_update,
)

from .mixins import PAGE_SIZE, PartnershipMixin, paginate


class EngagementListView(PartnershipMixin, ListView):
    template_name = "partnerships/engagement/list.html"
    context_object_name = "engagements"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return engagements_for_partnership(partnership=self.partnership)


class EngagementMixin(PartnershipMixin):
    def get_engagement(self) -> Engagement:
        if not hasattr(self, "_engagement"):
            self._engagement = get_object_or_404(
                Engagement.objects.select_related("partnership", "created_by"),
                pk=self.kwargs["pk"],
                partnership=self.partnership,
            )
        return self._engagement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["engagement"] = self.get_engagement()
        return context


class EngagementCreateView(PartnershipMixin, FormView):
    template_name = "partnerships/engagement/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = EngagementForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def form_valid(self, form):
        try:
            engagement = engagement_create(
                actor=self.request.user, partnership=self.partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The engagement has been logged. Add its actions below."))
        return redirect(engagement)


class EngagementUpdateView(EngagementMixin, FormView):
    template_name = "partnerships/engagement/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = EngagementForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_initial(self):
        engagement = self.get_engagement()
        return {
            "occurred_on": engagement.occurred_on,
            "kind": engagement.kind,
            "title": engagement.title,
            "notes": engagement.notes,
            "organisations": list(engagement.organisations.all()),
        }

    def form_valid(self, form):
        engagement = self.get_engagement()
        try:
            engagement_update(actor=self.request.user, engagement=engagement, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The engagement has been saved."))
        return redirect(engagement)


class EngagementDetailView(EngagementMixin, FormView):
    """The engagement and its actions; connectors add actions with the form on this page."""

    template_name = "partnerships/engagement/detail.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "owners": action_owner_choices(partnership=self.partnership),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        engagement = context["engagement"]
        context["organisations"] = engagement.organisations.select_related("organisation")
        context["actions"] = paginate(self.request, actions_for_engagement(engagement=engagement))
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("partnerships.run_partnership", self.partnership):
            return self.handle_no_permission()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        engagement = self.get_engagement()
        try:
            action_create(actor=self.request.user, engagement=engagement, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The action has been added."))
        return redirect(engagement)


class ActionDoneView(PartnershipMixin, TemplateView):
    """Mark an action done, or not done again: its owner or a connector."""

    permission_required = "partnerships.change_action"
    http_method_names = ["post"]

    def get_permission_object(self):
        return self.action

    def dispatch(self, request, *args, **kwargs):
        self.action = None
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        self.action = get_object_or_404(
            Action.objects.select_related("engagement"),
            pk=self.kwargs["pk"],
            partnership=self.partnership,
        )
        return super().has_permission()

    def post(self, request, *args, **kwargs):
        done = request.POST.get("done") == "1"
        message = _("Marked as done: %(what)s") if done else _("Marked as not done: %(what)s")
        service_with_message(
            request,
            action_set_done,
            action=self.action,
            done=done,
            success=message % {"what": self.action.description},
        )
        next_url = request.POST.get("next")
        if next_url == "mine":
            return redirect("partnerships:action-mine")
        return redirect(self.action.engagement.get_absolute_url())


class MyActionListView(PermissionRequiredMixin, ListView):
    template_name = "partnerships/action/mine.html"
    permission_required = "levelup.view_account"
    context_object_name = "actions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return actions_for_user(user=self.request.user)
