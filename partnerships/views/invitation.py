from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from levelup.views import error_message_from, form_error_from
from partnerships.forms import NewAccountForm
from partnerships.services import (
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_for_token,
)


class InvitationAcceptView(View):
    # Public page: the emailed token is the credential. It works once, until it expires.
    template_name = "partnerships/invitation/accept.html"
    invalid_template_name = "partnerships/invitation/invalid.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_for_token(kwargs["token"])
        if self.invitation is None:
            return render(request, self.invalid_template_name, status=410)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._render(self._account_form())

    def post(self, request, *args, **kwargs):
        token = kwargs["token"]
        if request.user.is_authenticated:
            try:
                representative = invitation_accept(user=request.user, token=token)
            except ValidationError as exc:
                error_message_from(request, exc)
                return redirect("partnerships:partnership-mine")
            return self._joined(representative)
        form = self._account_form(data=request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            representative = invitation_accept_with_new_account(
                token=token,
                name=form.cleaned_data["name"],
                email=self.invitation.email,
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self._render(form)
        login(request, representative.user, backend="django.contrib.auth.backends.ModelBackend")
        return self._joined(representative)

    def _account_form(self, data=None) -> NewAccountForm:
        initial = {"email": self.invitation.email, "name": self.invitation.name}
        return NewAccountForm(data=data, initial=initial)

    def _render(self, form):
        return render(
            self.request, self.template_name, {"invitation": self.invitation, "form": form}
        )

    def _joined(self, representative):
        partnership = representative.member.partnership
        messages.success(
            self.request,
            _("Welcome to %(partnership)s. You represent %(organisation)s.")
            % {"partnership": partnership.name, "organisation": representative.member.organisation},
        )
        return redirect("partnerships:partnership-home", slug=partnership.slug)
