from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from partnerships.forms import ConnectorGrantForm, FigureForm
from partnerships.models import PartnershipFigure
from partnerships.selectors import connector_grants, figures_for_partnership
from partnerships.services import connector_grant, connector_revoke, figure_add, figure_remove

from .mixins import PartnershipMixin, form_error_from


class PeopleView(PartnershipMixin, FormView):
    """Connectors, champion and ambassadors. Connectors name the champion and ambassadors."""

    template_name = "partnerships/people/list.html"
    form_class = FigureForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["connectors"] = connector_grants(partnership=self.partnership)
        context["figures"] = figures_for_partnership(partnership=self.partnership)
        if self.request.user.has_perm("partnerships.manage_connectors"):
            context["connector_form"] = ConnectorGrantForm(prefix="connector")
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("partnerships.run_partnership", self.partnership):
            return self.handle_no_permission()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            figure_add(actor=self.request.user, partnership=self.partnership, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been added.") % form.cleaned_data)
        return redirect("partnerships:people", slug=self.partnership.slug)


class FigureRemoveView(PartnershipMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        figure = get_object_or_404(
            PartnershipFigure, pk=self.kwargs["pk"], partnership=self.partnership
        )
        figure_remove(actor=request.user, figure=figure)
        messages.success(request, _("%(name)s has been removed.") % {"name": figure.name})
        return redirect("partnerships:people", slug=self.partnership.slug)


class ConnectorGrantView(PartnershipMixin, FormView):
    template_name = "partnerships/people/connector_form.html"
    permission_required = "partnerships.manage_connectors"
    form_class = ConnectorGrantForm
    prefix = "connector"

    def get_permission_object(self):
        return None

    def form_valid(self, form):
        try:
            connector_grant(actor=self.request.user, partnership=self.partnership, user=form.user)
        except ValidationError as exc:
            form.add_error("email", exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is now a connector here.") % {"name": form.user.name}
        )
        return redirect("partnerships:people", slug=self.partnership.slug)


class ConnectorRevokeView(PartnershipMixin, TemplateView):
    permission_required = "partnerships.manage_connectors"
    http_method_names = ["post"]

    def get_permission_object(self):
        return None

    def post(self, request, *args, **kwargs):
        grant = get_object_or_404(
            connector_grants(partnership=self.partnership), pk=self.kwargs["pk"]
        )
        try:
            connector_revoke(actor=request.user, partnership=self.partnership, grant=grant)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s is no longer a connector here.") % {"name": grant.user.name}
            )
        return redirect("partnerships:people", slug=self.partnership.slug)
