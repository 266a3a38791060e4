from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from levelup.models import Place
from levelup.views import form_error_from, service_with_message
from partnerships.enums import PartnershipStage
from partnerships.forms import PartnershipNotesForm, StageForm
from partnerships.selectors import (
    agreed_goal_public,
    attention_for_user,
    member_names_public,
    members_for_partnership,
    partnerships_for_user,
    partnerships_public,
    prospectus_public,
)
from partnerships.services import partnership_notes_update, partnership_stage_change

from .mixins import PAGE_SIZE, PartnershipMixin, paginate

HOME_MEMBERS = 12


class PartnershipListView(ListView):
    # Public page: anyone may read every partnership's name, place and stage.
    template_name = "partnerships/partnership/list.html"
    context_object_name = "partnerships"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        partnerships = partnerships_public()
        self.place = None
        if place_slug := self.request.GET.get("place"):
            self.place = get_object_or_404(Place, slug=place_slug)
            partnerships = partnerships.filter(place=self.place)
        return partnerships

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["place"] = self.place
        return context


class PartnershipDetailView(TemplateView):
    # Public page: name, place, stage, members' names and the agreed common goal only.
    template_name = "partnerships/partnership/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnership = get_object_or_404(partnerships_public(), slug=self.kwargs["slug"])
        context["partnership"] = partnership
        context["member_names"] = paginate(
            self.request, member_names_public(partnership=partnership)
        )
        context["agreed_goal"] = agreed_goal_public(partnership=partnership)
        context["public_prospectus"] = prospectus_public(partnership=partnership)
        context["can_open_home"] = self.request.user.has_perm(
            "partnerships.view_partnership_private", partnership
        )
        context["can_manage_connectors"] = self.request.user.has_perm(
            "partnerships.manage_connectors", partnership
        )
        return context


class MyPartnershipListView(PermissionRequiredMixin, ListView):
    template_name = "partnerships/partnership/mine.html"
    permission_required = "levelup.view_account"
    context_object_name = "partnerships"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return partnerships_for_user(user=self.request.user)


class PartnershipHomeView(PartnershipMixin, TemplateView):
    template_name = "partnerships/partnership/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = PartnershipStage.choices
        context["attention"] = attention_for_user(
            user=self.request.user, partnership=self.partnership
        )
        # The first few; the members page lists them all, paginated.
        context["members"] = members_for_partnership(partnership=self.partnership)[:HOME_MEMBERS]
        return context


class PartnershipNotesUpdateView(PartnershipMixin, FormView):
    template_name = "partnerships/partnership/notes_form.html"
    permission_required = "partnerships.run_partnership"
    form_class = PartnershipNotesForm

    def get_initial(self):
        return {"private_notes": self.partnership.private_notes}

    def form_valid(self, form):
        try:
            partnership_notes_update(
                actor=self.request.user, partnership=self.partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The private notes have been saved."))
        return redirect("partnerships:partnership-home", slug=self.partnership.slug)


class PartnershipStageChangeView(PartnershipMixin, View):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = StageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a stage."))
        else:
            service_with_message(
                request,
                partnership_stage_change,
                partnership=self.partnership,
                success=_("The partnership is now at the stage: %(stage)s.")
                % {"stage": PartnershipStage(form.cleaned_data["stage"]).label},
                **form.cleaned_data,
            )
        return redirect("partnerships:partnership-home", slug=self.partnership.slug)
