"""Forms for the secretariat's review set-up pages (and a reviewer's own conflicts)."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evidence.enums import ScoreAggregate
from evidence.models import ReviewPhase, Theme
from levelup.models import User

from .base import form_helper, optional_label


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ReviewerInviteForm(_Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "We email a link that works once, for 14 days. If the person has an account "
            "they sign in; if not, they create one."
        ),
    )


class ReviewerAddForm(_Form):
    email = forms.EmailField(
        label=_("Email address of someone with an account"),
        help_text=_("They become a reviewer at once; nothing is emailed."),
    )


class ConflictForm(_Form):
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        help_text=_(
            "Its responses are never given to the reviewer. Names are compared ignoring "
            "capitals and extra spaces."
        ),
    )

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reviewers is not None:
            self.fields["reviewer"] = forms.ModelChoiceField(
                label=_("Reviewer"), queryset=reviewers, empty_label=None
            )
            self.order_fields(["reviewer", "organisation_name"])


class CriterionForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=optional_label(_("What reviewers look for")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        initial=1,
        help_text=_("How much this criterion counts in the weighted mean (1 = normal)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value in range(1, 6):
            self.fields[f"label_{value}"] = forms.CharField(
                label=_("Point %(value)s: label") % {"value": value}, max_length=80
            )
            self.fields[f"description_{value}"] = forms.CharField(
                label=optional_label(_("Point %(value)s: description") % {"value": value}),
                required=False,
                max_length=500,
            )

    @staticmethod
    def initial_from(criterion) -> dict:
        initial = {
            "name": criterion.name,
            "description": criterion.description,
            "weight": criterion.weight,
        }
        for level in criterion.levels:
            initial[f"label_{level['value']}"] = level.get("label", "")
            initial[f"description_{level['value']}"] = level.get("description", "")
        return initial

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "weight": data["weight"],
            "levels": [
                {"label": data[f"label_{v}"], "description": data[f"description_{v}"]}
                for v in range(1, 6)
            ],
        }


class ScoreAggregateForm(_Form):
    score_aggregate = forms.ChoiceField(
        label=_("A review's total is the"),
        choices=ScoreAggregate.choices,
        widget=forms.RadioSelect,
    )


class ThemeForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=optional_label(_("Description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What belongs here: reviewers read it, and suggestions use its words."),
    )
    parent = forms.ModelChoiceField(
        label=_("Sub-theme of"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("None: a top-level theme"),
    )

    def __init__(self, *args, call, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        tops = Theme.objects.filter(call=call, parent__isnull=True, merged_into__isnull=True)
        if exclude is not None:
            tops = tops.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = tops.order_by("position", "name")


class ThemeMergeForm(_Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Theme.objects.none())

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Theme.objects.filter(call_id=theme.call_id, merged_into__isnull=True)
            .exclude(pk=theme.pk)
            .exclude(parent=theme)
            .select_related("parent")
            .order_by("parent__position", "position", "name")
        )
        self.fields["into"].label_from_instance = lambda t: (
            f"{t.parent.name} › {t.name}" if t.parent else t.name
        )


class ThemeImportForm(_Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: theme, sub-theme, description. One row per sub-theme; a row without "
            "a sub-theme adds the theme itself. Themes already here are kept."
        ),
    )


class PhaseForm(forms.ModelForm):
    class Meta:
        model = ReviewPhase
        fields = ["name", "may_score", "may_code", "others_scores", "may_see_identity", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.fields["due_on"].label = optional_label(_("Reviews due on"))


class AssignForm(_Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, empty_label=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class BulkAssignForm(AssignForm):
    scope = forms.ChoiceField(
        label=_("Which responses"),
        choices=[("selected", _("The ones ticked")), ("filtered", _("All that match the filters"))],
        initial="selected",
        widget=forms.RadioSelect,
    )


class AutoAssignForm(_Form):
    per_response = forms.IntegerField(
        label=_("Reviewers per response"), min_value=1, max_value=10, initial=2
    )
    scope = forms.ChoiceField(
        label=_("Which responses"),
        choices=[
            ("filtered", _("All that match the filters")),
            ("selected", _("The ones ticked")),
        ],
        initial="filtered",
        widget=forms.RadioSelect,
    )


class ReviewerAccountForm(_Form):
    """An invited reviewer's new account: the email is the one the invitation went to."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), disabled=True, required=False)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password or only numbers."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.initial.get("email", ""), name=cleaned.get("name", ""))
                )
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
