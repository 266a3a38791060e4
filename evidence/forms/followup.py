"""Forms for recording a recommendation's response and implementation updates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.enums import ImplementationStatus, RecommendationResponseKind

from .base import form_helper


class FollowUpResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Response"),
        choices=RecommendationResponseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the response.")},
    )
    responded_by = forms.CharField(
        label=_("Responded by"),
        max_length=200,
        help_text=_("The person or office that answered, e.g. Minister for Local Growth."),
        error_messages={"required": _("Enter who responded.")},
    )
    responded_on = forms.DateField(
        label=_("Date of the response"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of the response.")},
    )
    response_text = forms.CharField(
        label=_("What they said"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ImplementationUpdateForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of the update.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ImplementationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status.")},
    )
    percent_complete = forms.IntegerField(
        label=_("Per cent complete (optional)"), min_value=0, max_value=100, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class FollowUpDueForm(forms.Form):
    response_due_on = forms.DateField(
        label=_("Response due on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Two months after publication unless agreed otherwise."),
        error_messages={"required": _("Enter the date the response is due.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
