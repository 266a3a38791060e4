"""Forms for setting up a call: the call itself, its sections and questions.

Forms only parse and validate; the views hand `cleaned_data` to the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.enums import (
    QuestionKind,
)
from levelup.models import Body

from .base import form_helper, optional_label

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


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
        label=optional_label(_("Summary")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in the list of calls."),
    )
    background = forms.CharField(
        label=optional_label(_("Background")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Basic HTML: paragraphs, lists, links, bold and italic, h2 and h3 headings. "
            "Anything else is removed when you save."
        ),
    )
    who_should_respond = forms.CharField(
        label=optional_label(_("Who should respond")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    guidance = forms.CharField(
        label=optional_label(_("Guidance for respondents")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    privacy_notice = forms.CharField(
        label=optional_label(_("Privacy notice")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Changing it gives it a new version; respondents agree to a version."),
    )
    publication_policy = forms.CharField(
        label=optional_label(_("How evidence will be published")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_email = forms.EmailField(
        label=optional_label(_("Contact email")),
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
        label=optional_label(_("Opens at")),
        required=False,
        help_text=_("UK time. The call opens by itself at this time once it is scheduled."),
    )
    closes_at = LocalDateTimeField(
        label=optional_label(_("Closes at")),
        required=False,
        help_text=_("UK time. The call closes by itself at this time."),
    )
    anonymised_review = forms.BooleanField(
        label=_("Anonymised review: reviewers do not see who responded"), required=False
    )
    word_limit = forms.IntegerField(
        label=optional_label(_("Word limit per answer")),
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
        self.helper = form_helper()

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
        label=optional_label(_("Description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, empty_label=None)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    help_text = forms.CharField(
        label=optional_label(_("Help text")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the question."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    word_limit = forms.IntegerField(
        label=optional_label(_("Word limit")),
        required=False,
        min_value=1,
        help_text=_("For long text only. Leave empty to use the call's limit."),
    )
    choices = forms.CharField(
        label=optional_label(_("Options")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )

    def __init__(self, *args, call, confirm_sent_responses: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = call.sections.order_by("position", "pk")
        if confirm_sent_responses:
            # Adding a question after responses were sent: the secretariat says they know.
            self.fields["confirm_sent_responses"] = forms.BooleanField(
                label=_("Add it anyway: sent responses will show it as “not asked”"),
                required=False,
            )
        self.helper = form_helper()

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
