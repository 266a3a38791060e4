"""Forms for the secretariat's work on responses: filtering, late links, paper entry."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.enums import (
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    SubmissionChannel,
    SubmissionStatus,
)
from levelup.enums import OrganisationType
from levelup.models import Place
from levelup.widgets import FastSelect

from .base import form_helper, optional_label
from .calls import LocalDateTimeField
from .responding import RespondentDetailsForm, SectionAnswersForm


class SubmissionFilterForm(forms.Form):
    """The secretariat's search and filters over a call's responses (a GET form)."""

    q = forms.CharField(
        label=optional_label(_("Search")),
        required=False,
        max_length=200,
        help_text=_(
            "Words from the answers or attached files, or a name, organisation, reference or "
            "email address."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Sent (submitted or withdrawn)")), *SubmissionStatus.choices],
    )
    responding_as = forms.ChoiceField(
        label=_("Responding as"), required=False, choices=[("", _("Any")), *RespondingAs.choices]
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("Any")), *OrganisationType.choices],
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        required=False,
        queryset=Place.objects.order_by("name"),
        widget=FastSelect,
        empty_label=_("Any"),
    )
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        required=False,
        choices=[("", _("Any")), *SubmissionChannel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.disable_csrf = True


class LateLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Respondent's email address"),
        help_text=_("We email the link here. Only this person should use it."),
    )
    expires_at = LocalDateTimeField(
        label=_("Link works until"), help_text=_("UK time. After this the link stops working.")
    )
    reason = forms.CharField(
        label=optional_label(_("Reason")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the audit log, for example: asked for an extension on 3 March."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


# Typed in by hand: on paper or by email. Imported responses come through the import.
ON_BEHALF_CHANNELS = [
    (value, label)
    for value, label in SubmissionChannel.choices
    if value in (SubmissionChannel.PAPER, SubmissionChannel.EMAIL)
]


# The respondent's details in the third person: the secretariat types them in.
ON_BEHALF_WORDING = {
    "respondent_name": (_("Full name"), "", {"required": _("Enter the respondent's full name.")}),
    "responding_as": (
        _("Did they respond as an individual or on behalf of an organisation?"),
        "",
        {
            "required": _(
                "Choose whether they responded as an individual or on behalf of an organisation."
            )
        },
    ),
    "organisation_name": (
        _("Organisation name"),
        _("If they responded on behalf of an organisation."),
        {},
    ),
    "organisation_type": (
        _("Type of organisation"),
        _("If they responded on behalf of an organisation."),
        {},
    ),
    "place": (
        optional_label(_("Place")),
        _("The town or city their evidence is mostly about."),
        {},
    ),
    "publication_preference": (
        _("What did they say about publishing their response?"),
        "",
        {"required": _("Choose what the respondent said about publishing their response.")},
    ),
}


ON_BEHALF_PUBLICATION_CHOICES = [
    (PublicationPreference.NAMED, _("Publish it with their name")),
    (PublicationPreference.ANONYMOUS, _("Publish it without their name")),
    (PublicationPreference.CONFIDENTIAL, _("Do not publish it (confidential)")),
]


class OnBehalfDetailsForm(RespondentDetailsForm):
    """The respondent's details as they wrote them on paper or in an email."""

    channel = forms.ChoiceField(
        label=_("How did the response arrive?"),
        choices=ON_BEHALF_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the response arrived: on paper or by email."),
            "invalid_choice": _("Choose how the response arrived: on paper or by email."),
        },
    )
    received_on = forms.DateField(
        label=_("Date received"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Used as the response's submission date."),
        error_messages={
            "required": _("Enter the date the response was received."),
            "invalid": _("Enter the date the response was received, like 2026-03-31."),
        },
    )

    field_order = ["channel", "received_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent_email"].required = False
        self.fields["respondent_email"].label = optional_label(_("Email address"))
        self.fields["respondent_email"].help_text = ""
        for name, (label, help_text, errors) in ON_BEHALF_WORDING.items():
            field = self.fields[name]
            field.label, field.help_text = label, help_text
            field.error_messages = {**field.error_messages, **errors}
        self.fields["publication_preference"].choices = ON_BEHALF_PUBLICATION_CHOICES
        self.fields["consent"].label = _(
            "The respondent agreed to the privacy notice (on the form or in their email)."
        )
        self.fields["consent"].error_messages["required"] = _(
            "Confirm that the respondent agreed to the privacy notice."
        )
        self.order_fields(self.field_order)


class OnBehalfAnswersForm(SectionAnswersForm):
    """Every question of the call on one page (files are not taken here)."""

    def __init__(self, *args, questions, **kwargs):
        questions = [q for q in questions if q.kind != QuestionKind.FILE]
        super().__init__(*args, questions=questions, strict=False, prefix="answers", **kwargs)

    def clean(self):
        data = super().clean()
        for question, value in self.raw_answers().items():
            name = f"q{question.pk}"
            empty = not (value.get("text", "").strip() or value.get("values"))
            if question.required and empty and name not in self.errors:
                self.add_error(name, _("Enter the respondent's answer to this question."))
        return data
