from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from levelup.views import error_message_from, form_error_from
from partnerships.enums import AgreementKind
from partnerships.forms import GoalForm, TermsForm
from partnerships.models import AgreementVersion, PartnershipMember
from partnerships.selectors import (
    agreement_current,
    agreement_history,
    agreement_status,
    agreement_versions,
)
from partnerships.services import agreement_endorse, agreement_propose

from .mixins import PartnershipMixin, paginate

URL_NAMES = {AgreementKind.COMMON_GOAL: "goal", AgreementKind.TERMS_OF_REFERENCE: "terms"}


class AgreementMixin(PartnershipMixin):
    kind: str = AgreementKind.COMMON_GOAL

    @property
    def url_name(self) -> str:
        return URL_NAMES[self.kind]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["kind_label"] = AgreementKind(self.kind).label
        context["url_name"] = self.url_name
        context["is_goal"] = self.kind == AgreementKind.COMMON_GOAL
        return context

    def redirect_home(self):
        return redirect(f"partnerships:{self.url_name}", slug=self.partnership.slug)


class AgreementView(AgreementMixin, TemplateView):
    template_name = "partnerships/agreement/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = agreement_status(
            partnership=self.partnership, kind=self.kind, user=self.request.user
        )
        context["status"] = status
        context["leads"] = paginate(self.request, status.leads)
        return context


class AgreementProposeView(AgreementMixin, FormView):
    template_name = "partnerships/agreement/form.html"
    permission_required = "partnerships.run_partnership"

    def get_form_class(self):
        return GoalForm if self.kind == AgreementKind.COMMON_GOAL else TermsForm

    def get_initial(self):
        current = agreement_current(partnership=self.partnership, kind=self.kind)
        if current is None:
            return {}
        return {name: getattr(current, name) for name in self.get_form_class().base_fields}

    def form_valid(self, form):
        try:
            version = agreement_propose(
                actor=self.request.user,
                partnership=self.partnership,
                kind=self.kind,
                site_url=self.request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Version %(number)s has been proposed. We have emailed the lead members.")
            % {"number": version.number},
        )
        return self.redirect_home()


class AgreementEndorseView(AgreementMixin, TemplateView):
    permission_required = "partnerships.endorse_agreement"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = get_object_or_404(
            AgreementVersion,
            partnership=self.partnership,
            kind=self.kind,
            number=self.kwargs["number"],
        )
        member = get_object_or_404(
            PartnershipMember, pk=request.POST.get("member") or 0, partnership=self.partnership
        )
        try:
            agreement_endorse(actor=request.user, version=version, member=member)
        except ValidationError as exc:
            error_message_from(request, exc)
        else:
            version.refresh_from_db()
            if version.agreed_at:
                text = _(
                    "Endorsed. Every lead member has now endorsed version %(number)s: it is agreed."
                )
            else:
                text = _("You have endorsed version %(number)s for %(organisation)s.")
            messages.success(
                request,
                text % {"number": version.number, "organisation": member.organisation.name},
            )
        return self.redirect_home()


class AgreementHistoryView(AgreementMixin, ListView):
    template_name = "partnerships/agreement/history.html"
    context_object_name = "versions"
    paginate_by = 10

    def get_queryset(self):
        return agreement_versions(partnership=self.partnership, kind=self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = agreement_history(versions=list(context["versions"]))
        return context
