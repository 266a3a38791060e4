from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from levelup.views import PrivatePageMixin, form_error_from, service_with_message
from partnerships.forms import ConnectorGrantForm, FigureForm
from partnerships.models import PartnershipFigure
from partnerships.selectors import (
    connector_grants,
    figures_for_partnership,
    partnerships_for_connector_management,
    partnerships_for_user,
)
from partnerships.services import connector_grant, connector_revoke, figure_add, figure_remove

from .mixins import PartnershipMixin, paginate


class PeopleView(PartnershipMixin, FormView):
    """Connectors, champion and ambassadors. Connectors name the champion and ambassadors."""

    template_name = "partnerships/people/list.html"
    form_class = FigureForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["connectors"] = paginate(
            self.request,
            connector_grants(partnership=self.partnership),
            param="connectors_page",
        )
        context["figures"] = paginate(
            self.request,
            figures_for_partnership(partnership=self.partnership),
            param="figures_page",
        )
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


class ConnectorManagementMixin(PrivatePageMixin):
    """Naming a partnership's business connectors: site administrators, and the secretariat
    of the body that runs the partnership's programme (who need not see its private pages).

    Anonymous people are sent to sign in; a partnership neither managed nor visible to the
    person is a 404; a visible one they may not manage (a member, a connector) is a 403.
    """

    permission_required = "partnerships.manage_connectors"
    object_name = "partnership"

    def object_from_selector(self):
        user, slug = self.request.user, self.kwargs["slug"]
        return (
            partnerships_for_connector_management(user=user).filter(slug=slug).first()
        ) or get_object_or_404(partnerships_for_user(user=user), slug=slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_view_private"] = self.request.user.has_perm(
            "partnerships.view_partnership_private", self.partnership
        )
        return context

    def redirect_to_list(self):
        return redirect("partnerships:connector-grant", slug=self.partnership.slug)


class ConnectorGrantView(ConnectorManagementMixin, FormView):
    """The partnership's business connectors, each with a Remove button, and a form to add one."""

    template_name = "partnerships/people/connector_form.html"
    form_class = ConnectorGrantForm
    prefix = "connector"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["connectors"] = paginate(
            self.request, connector_grants(partnership=self.partnership)
        )
        return context

    def form_valid(self, form):
        try:
            connector_grant(actor=self.request.user, partnership=self.partnership, user=form.user)
        except ValidationError as exc:
            form.add_error("email", exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is now a connector here.") % {"name": form.user.name}
        )
        return self.redirect_to_list()


class ConnectorRevokeView(ConnectorManagementMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        grant = get_object_or_404(
            connector_grants(partnership=self.partnership), pk=self.kwargs["pk"]
        )
        service_with_message(
            request,
            connector_revoke,
            partnership=self.partnership,
            grant=grant,
            success=_("%(name)s is no longer a connector here.") % {"name": grant.user.name},
        )
        return self.redirect_to_list()
