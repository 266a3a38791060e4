"""Forms for moderating, writing findings and recommendations, and the public evidence filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.enums import (
    ModerationState,
    OralEvidenceKind,
    RecommendationAudience,
    RedactionReason,
    SubmissionStatus,
)
from evidence.models import Submission, Theme
from levelup.enums import OrganisationType
from levelup.models import Organisation, Place

from .base import form_helper, optional_label


class ModerationForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Decision"), choices=ModerationState.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=optional_label(_("Reason")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when withholding. The public never sees it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class RedactionForm(forms.Form):
    """A span to redact: offsets set by selecting the words (JavaScript), or the words pasted."""

    source = forms.ChoiceField(label=_("Text"))
    quoted = forms.CharField(
        label=_("Words to redact"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "js-selection-text"}),
        help_text=_("Select them in the text above, or paste them exactly as they appear."),
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Why"), choices=RedactionReason.choices)

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(sources)
        self.helper = form_helper()

    def clean(self):
        data = super().clean()
        if not data.get("quoted") and (data.get("start") is None or data.get("end") is None):
            raise forms.ValidationError(_("Select or paste the words to redact."))
        return data


class FindingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=optional_label(_("Summary")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Paragraphs, bold, italics, lists and links are kept."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=optional_label(_("Themes")),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(call=call, merged_into__isnull=True)
        self.helper = form_helper()


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    audience = forms.ChoiceField(label=_("Audience"), choices=RecommendationAudience.choices)
    addressed_to = forms.ModelChoiceField(
        label=optional_label(_("Addressed to")),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    findings = forms.ModelMultipleChoiceField(
        label=optional_label(_("Follows from the findings")),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = call.findings.all()
        self.helper = form_helper()


RESPONDENT_TYPES = [("", _("Any")), ("individual", _("Individual")), *OrganisationType.choices]


class EvidenceFilterForm(forms.Form):
    """The public evidence index's filters; GET, so every result is linkable."""

    q = forms.CharField(label=optional_label(_("Search")), required=False, max_length=200)
    type = forms.ChoiceField(label=_("Respondent type"), choices=RESPONDENT_TYPES, required=False)
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.order_by("name"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.helper.form_method = "get"


class ExcerptFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Respondent type"), choices=RESPONDENT_TYPES, required=False)
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.order_by("name"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ReportSummaryForm(forms.Form):
    summary = forms.CharField(
        label=optional_label(_("Summary of the report")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Paragraphs, bold, italics, lists and links are kept."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class OralEvidenceForm(forms.Form):
    """A roundtable or hearing; the written evidence it informed, by reference."""

    kind = forms.ChoiceField(label=_("Kind"), choices=OralEvidenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    hosts = forms.CharField(label=_("Hosted by"), max_length=500)
    speakers = forms.CharField(
        label=optional_label(_("Speakers")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=optional_label(_("Published note")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Paragraphs, bold, italics, lists and links are kept."),
    )
    informed = forms.CharField(
        label=optional_label(_("Written evidence it informed")),
        required=False,
        help_text=_("References of the responses, separated by commas, e.g. PTF0042, PTF0107."),
    )
    is_published = forms.BooleanField(
        label=_("Publish it with the report"), required=False, initial=True
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.helper = form_helper()

    def clean_informed(self):
        references = [
            r.strip().upper() for r in self.cleaned_data["informed"].replace(";", ",").split(",")
        ]
        references = list(dict.fromkeys(r for r in references if r))
        found = {
            s.reference.upper(): s
            for s in Submission.objects.filter(
                call=self.call, status=SubmissionStatus.SUBMITTED, reference__in=references
            )
        }
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(
                _("No submitted response to this call has the reference %(refs)s.")
                % {"refs": ", ".join(missing)}
            )
        return [found[r] for r in references]
