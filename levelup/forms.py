from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .outbox import outbox_queue


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
    """Sends the reset link through the outbox, so it is retried when SMTP is down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].help_text = _(
            "We will email a link to reset your password if this address has an account."
        )
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.helper = _helper()

    @transaction.atomic
    def save(self, *args, **kwargs):
        audit_record(
            actor=None,
            action="levelup.account.password_reset_request",
            changes={"email": self.cleaned_data["email"]},
        )
        return super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        outbox_queue(template="accounts/password_reset", to=[to_email], context=context)


class AccountSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
