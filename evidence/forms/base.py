"""What every evidence form shares: a crispy helper without its own <form> tag, and the
"(optional)" label."""

from crispy_forms.helper import FormHelper
from django.utils.translation import gettext_lazy as _


def form_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def optional_label(label) -> str:
    return _("%(label)s (optional)") % {"label": label}
