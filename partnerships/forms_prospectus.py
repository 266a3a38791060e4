"""Forms of the place prospectus: vision, priorities, commitments, investment lines, comments."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.models import Finding, Recommendation
from levelup.money import GBPField

from .enums import FundingStatus, ProspectusSection
from .models import Match, PartnershipMember, Priority


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class DateInput(forms.DateInput):
    input_type = "date"


VISION_HELP = _(
    "Paragraphs, bold, italics, lists, subheadings and links are kept; anything else is removed."
)


class ProspectusStartForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For example: Blackpool place prospectus 2026–2031."),
    )
    vision = forms.CharField(
        label=_("Vision (optional for now)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=VISION_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class VisionForm(ProspectusStartForm):
    vision = forms.CharField(
        label=_("Vision"), widget=forms.Textarea(attrs={"rows": 12}), help_text=VISION_HELP
    )


class PriorityForm(forms.Form):
    title = forms.CharField(label=_("Priority"), max_length=200)
    description = forms.CharField(
        label=_("What it means (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CommitmentForm(forms.Form):
    """A commitment. `members` are the organisations the person may commit for."""

    member = forms.ModelChoiceField(
        label=_("Organisation"), queryset=PartnershipMember.objects.none()
    )
    description = forms.CharField(
        label=_("What it commits to"),
        max_length=500,
        help_text=_("For example: 20 apprenticeships a year for young people from the town."),
    )
    due_on = forms.DateField(label=_("By when"), widget=DateInput)
    value = GBPField(label=_("Value in pounds (optional)"), required=False)
    priority = forms.ModelChoiceField(
        label=_("Priority it serves (optional)"),
        queryset=Priority.objects.none(),
        required=False,
    )

    def __init__(self, *args, members, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.organisation.name
        if len(members) == 1:
            self.fields["member"].initial = members[0].pk
        self.fields["priority"].queryset = priorities
        self.helper = _helper()


class CommitmentFromMatchForm(forms.Form):
    match = forms.ModelChoiceField(
        label=_("Agreed or delivered match"), queryset=Match.objects.none()
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match"].queryset = matches
        self.fields["match"].label_from_instance = lambda m: (
            f"{m.deliverable.member.organisation.name}: {m.deliverable.description} → "
            f"{m.ask.member.organisation.name}: {m.ask.description} ({m.get_status_display()})"
        )
        self.helper = _helper()


class InvestmentLineForm(forms.Form):
    project = forms.CharField(label=_("Project"), max_length=300)
    amount = GBPField(label=_("Amount in pounds"))
    source = forms.CharField(
        label=_("Funding source"),
        max_length=200,
        help_text=_("Who pays, for example: Town Deal, Private investment, Council."),
    )
    status = forms.ChoiceField(
        label=_("Is the money secured?"),
        choices=FundingStatus.choices,
        widget=forms.RadioSelect,
        initial=FundingStatus.PIPELINE,
    )
    year = forms.IntegerField(
        label=_("Financial year it starts in"),
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("For example 2026 for 2026–27."),
        error_messages={
            "invalid": _("Enter a year between 2000 and 2100."),
            "min_value": _("Enter a year between 2000 and 2100."),
            "max_value": _("Enter a year between 2000 and 2100."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CitationForm(forms.Form):
    """The findings and recommendations a priority cites. Any may be sent; the service refuses
    those of calls that are not published, with a message that names them."""

    findings = forms.ModelMultipleChoiceField(
        label=_("Findings"),
        queryset=Finding.objects.select_related("call"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations"),
        queryset=Recommendation.objects.select_related("call"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=ProspectusSection.choices)
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
