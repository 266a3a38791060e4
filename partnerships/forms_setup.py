"""Forms for setting partnerships up without the Django admin: places, organisations,
partnerships and their member organisations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from levelup.enums import BusinessSize, OrganisationType
from levelup.models import Body, Organisation, Place

from .enums import MemberRole
from .forms import _helper


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Name of the town or city"), max_length=200)
    local_authority = forms.CharField(
        label=_("Local authority"),
        max_length=200,
        help_text=_("For example: Blackpool Council."),
    )
    region = forms.CharField(
        label=_("Region"), max_length=100, help_text=_("For example: North West.")
    )
    ons_code = forms.CharField(
        label=_("ONS code (optional)"),
        max_length=9,
        required=False,
        help_text=_("The local authority's 9-character code, for example E06000009."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class OrganisationForm(forms.Form):
    """A new organisation. When organisations with similar names exist in the same place, the
    view shows them and asks the person to confirm before creating another."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    size = forms.ChoiceField(
        label=_("Size (businesses only)"),
        choices=[("", _("Not a business")), *BusinessSize.choices],
        required=False,
    )
    sector = forms.CharField(label=_("Sector (optional)"), max_length=200, required=False)
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.order_by("name"),
        required=False,
        empty_label=_("Not in one place"),
        help_text=_("Where the organisation works. Similar names in the same place are shown."),
    )
    create_anyway = forms.BooleanField(
        label=_("None of these: create a new organisation"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.similar: list[Organisation] = []
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("size") and cleaned.get("type") != OrganisationType.BUSINESS:
            self.add_error("size", _("Only a business has a size."))
        return cleaned

    def organisation_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "type", "size", "sector", "website", "place")
        }

    def offer_similar(self, similar: list[Organisation]) -> None:
        """Show `similar` organisations and the box to confirm that none of them is this one."""
        self.similar = similar
        self.fields["create_anyway"].widget = forms.CheckboxInput()


class MemberNewOrganisationForm(OrganisationForm):
    role = forms.ChoiceField(
        label=_("Its role in the partnership"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
    )

    field_order = ["name", "type", "size", "sector", "website", "place", "role", "create_anyway"]


class MemberExistingOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Its role in the partnership"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: (
            f"{o.name} ({o.place.name})" if o.place_id else o.name
        )
        self.helper = _helper()


class PartnershipCreateForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.order_by("name"))
    name = forms.CharField(
        label=_("Name of the partnership"),
        max_length=300,
        help_text=_("For example: Blackpool Place Partnership."),
    )
    purpose = forms.CharField(
        label=_("Purpose (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences, shown on its public page."),
    )
    programme_body = forms.ModelChoiceField(
        label=_("Programme it belongs to"),
        queryset=Body.objects.none(),
        help_text=_("The body whose secretariat names its business connectors."),
    )

    def __init__(self, *args, bodies, body_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_body"].queryset = bodies
        self.fields["programme_body"].required = body_required
        if not body_required:
            self.fields["programme_body"].label = _("Programme it belongs to (optional)")
        self.helper = _helper()
