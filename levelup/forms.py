from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .services import password_reset_request


def _helper() -> FormHelper:
    helper = FormHelper()
    # Templates write the <form> tag themselves, so the error summary sits above the fields.
    helper.form_tag = False
    # includes/form.html writes the CSRF token with the <form> tag.
    helper.disable_csrf = True
    return helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The email address or password is not right. Check them and try again. "
            "After several failed attempts, signing in is paused for a while."
        ),
        "inactive": _("This account has been closed."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].error_messages["required"] = _("Enter your email address")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.helper = _helper()


class AccountPasswordResetForm(PasswordResetForm):
    """Queues the reset link in the outbox, so it is retried when SMTP is down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].help_text = _(
            "We will email a link to reset your password if this address has an account."
        )
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.helper = _helper()

    def save(self, *, request, **kwargs) -> None:
        """Only records and queues: who has this address is looked up when the email is sent."""
        password_reset_request(
            actor=None,
            email=self.cleaned_data["email"],
            site_url=request.build_absolute_uri("/"),
        )


class AccountSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The 6-digit code your authenticator app shows, or one of your recovery codes.")
            if recovery
            else _("The 6-digit code your authenticator app shows now.")
        )
        if not recovery:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = _helper()
