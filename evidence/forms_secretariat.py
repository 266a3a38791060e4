"""Forms for the secretariat's pages: the call, its questions, responses and imports.

Forms only parse and validate; the views hand `cleaned_data` to the services.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from levelup.enums import OrganisationType
from levelup.models import Body, Place

from .enums import (
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    SubmissionChannel,
    SubmissionStatus,
)
from .forms import RespondentDetailsForm, SectionAnswersForm

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _optional(label) -> str:
    return _("%(label)s (optional)") % {"label": label}


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in UK time (the site's time zone), typed in the browser's picker."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


class CallForm(forms.Form):
    """Every setting of a call. `bodies` is given when creating (the bodies the person runs)."""

    body = forms.ModelChoiceField(label=_("Body running the call"), queryset=Body.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_optional(_("Summary")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in the list of calls."),
    )
    background = forms.CharField(
        label=_optional(_("Background")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Basic HTML: paragraphs, lists, links, bold and italic, h2 and h3 headings. "
            "Anything else is removed when you save."
        ),
    )
    who_should_respond = forms.CharField(
        label=_optional(_("Who should respond")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    guidance = forms.CharField(
        label=_optional(_("Guidance for respondents")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    privacy_notice = forms.CharField(
        label=_optional(_("Privacy notice")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Changing it gives it a new version; respondents agree to a version."),
    )
    publication_policy = forms.CharField(
        label=_optional(_("How evidence will be published")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_email = forms.EmailField(
        label=_optional(_("Contact email")),
        required=False,
        help_text=_("Named on the call's page and when the call has closed."),
    )
    reference_prefix = forms.RegexField(
        label=_("Reference prefix"),
        regex=r"^[A-Za-z]{2,10}$",
        max_length=10,
        help_text=_("2 to 10 letters, for example PTF. References look like PTF0042."),
        error_messages={"invalid": _("Use 2 to 10 letters, for example PTF.")},
    )
    opens_at = LocalDateTimeField(
        label=_optional(_("Opens at")),
        required=False,
        help_text=_("UK time. The call opens by itself at this time once it is scheduled."),
    )
    closes_at = LocalDateTimeField(
        label=_optional(_("Closes at")),
        required=False,
        help_text=_("UK time. The call closes by itself at this time."),
    )
    anonymised_review = forms.BooleanField(
        label=_("Anonymised review: reviewers do not see who responded"), required=False
    )
    word_limit = forms.IntegerField(
        label=_optional(_("Word limit per answer")),
        required=False,
        min_value=1,
        help_text=_("Applies to long answers unless a question sets its own limit."),
    )
    max_attachments = forms.IntegerField(
        label=_("Attachments allowed per response"), min_value=0, max_value=20, initial=3
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is None:
            del self.fields["body"]
        else:
            self.fields["body"].queryset = bodies
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        for field in ("opens_at", "closes_at"):
            # The picker shows minutes only: a time left as it was keeps its stored seconds,
            # so saving the form does not change (and audit) a time nobody touched.
            stored, given = self.initial.get(field), data.get(field)
            if stored and given and given == stored.replace(second=0, microsecond=0):
                data[field] = stored
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=300)
    description = forms.CharField(
        label=_optional(_("Description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, empty_label=None)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    help_text = forms.CharField(
        label=_optional(_("Help text")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the question."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    word_limit = forms.IntegerField(
        label=_optional(_("Word limit")),
        required=False,
        min_value=1,
        help_text=_("For long text only. Leave empty to use the call's limit."),
    )
    choices = forms.CharField(
        label=_optional(_("Options")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = call.sections.order_by("position", "pk")
        self.helper = _helper()

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class SubmissionFilterForm(forms.Form):
    """The secretariat's search and filters over a call's responses (a GET form)."""

    q = forms.CharField(
        label=_optional(_("Search")),
        required=False,
        max_length=200,
        help_text=_("Name, organisation, reference or email address."),
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
        empty_label=_("Any"),
    )
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        required=False,
        choices=[("", _("Any")), *SubmissionChannel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
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
        label=_optional(_("Reason")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the audit log, for example: asked for an extension on 3 March."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


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
    "place": (_optional(_("Place")), _("The town or city their evidence is mostly about."), {}),
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
        self.fields["respondent_email"].label = _optional(_("Email address"))
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


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (XLSX) file"),
        help_text=_(
            "The first row must hold the column names. Up to 10 MB. "
            "Importing the same file again adds nothing twice."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ImportMappingForm(forms.Form):
    """For each column of the file: the question or respondent field it fills, or nothing."""

    def __init__(
        self,
        *args,
        columns: list[str],
        targets: list[tuple[str, str]],
        sample: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.columns = columns
        sample = sample or []
        choices = [("", _("Do not import")), *targets]
        for index, column in enumerate(columns):
            example = sample[index] if index < len(sample) else ""
            self.fields[f"col{index}"] = forms.ChoiceField(
                label=column or _("Column %(n)s (no name)") % {"n": index + 1},
                choices=choices,
                required=False,
                help_text=_("First row: %(value)s") % {"value": example[:80]} if example else "",
            )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        used: dict[str, str] = {}
        for index in range(len(self.columns)):
            target = data.get(f"col{index}")
            if not target:
                continue
            if target in used:
                self.add_error(
                    f"col{index}",
                    _("Two columns fill the same thing; choose one of them."),
                )
            used[target] = f"col{index}"
        if "respondent_name" not in used and "organisation_name" not in used:
            self.add_error(None, _("Choose the column with the respondent's name."))
        return data

    def mapping(self) -> dict[str, str]:
        """Column index (as text) → target."""
        return {
            str(index): self.cleaned_data[f"col{index}"]
            for index in range(len(self.columns))
            if self.cleaned_data.get(f"col{index}")
        }
