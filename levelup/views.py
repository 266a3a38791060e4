from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from .forms import AccountPasswordResetForm, AccountSetPasswordForm, SignInForm
from .selectors import roles_for_user


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AccountSetPasswordForm
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class AccountView(PermissionRequiredMixin, TemplateView):
    """The person's details and every role they hold, with the object it is held on."""

    template_name = "accounts/account.html"
    permission_required = "levelup.view_account"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = roles_for_user(user=self.request.user)
        return context
