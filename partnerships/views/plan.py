from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from levelup.views import form_error_from
from partnerships.forms import ExitPlanForm, IndicatorForm
from partnerships.models import Indicator
from partnerships.selectors import indicators_for_partnership
from partnerships.services import exit_plan_update, indicator_create, indicator_update

from .mixins import PAGE_SIZE, PartnershipMixin


class PlanView(PartnershipMixin, ListView):
    """The exit plan and the measurement framework."""

    template_name = "partnerships/plan/detail.html"
    context_object_name = "indicators"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return indicators_for_partnership(partnership=self.partnership)


class ExitPlanUpdateView(PartnershipMixin, FormView):
    template_name = "partnerships/plan/exit_plan_form.html"
    permission_required = "partnerships.run_partnership"
    form_class = ExitPlanForm

    def get_initial(self):
        return {"exit_plan": self.partnership.exit_plan}

    def form_valid(self, form):
        try:
            exit_plan_update(
                actor=self.request.user, partnership=self.partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The exit plan has been saved."))
        return redirect("partnerships:plan", slug=self.partnership.slug)


class IndicatorFormView(PartnershipMixin, FormView):
    template_name = "partnerships/plan/indicator_form.html"
    permission_required = "partnerships.run_partnership"
    form_class = IndicatorForm

    def get_indicator(self) -> Indicator | None:
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_indicator"):
            self._indicator = get_object_or_404(
                Indicator, pk=self.kwargs["pk"], partnership=self.partnership
            )
        return self._indicator

    def get_initial(self):
        indicator = self.get_indicator()
        if indicator is None:
            return {}
        return {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": indicator.baseline.normalize(),
            "target": indicator.target.normalize(),
            "source": indicator.source,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicator"] = self.get_indicator()
        return context

    def form_valid(self, form):
        indicator = self.get_indicator()
        try:
            if indicator is None:
                indicator_create(
                    actor=self.request.user, partnership=self.partnership, **form.cleaned_data
                )
            else:
                indicator_update(actor=self.request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The indicator has been saved."))
        return redirect("partnerships:plan", slug=self.partnership.slug)
