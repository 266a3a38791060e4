from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from levelup.models import Organisation, User
from levelup.money import format_gbp, parse_gbp

from .enums import (
    MONEY_KINDS,
    CommitmentStatus,
    EngagementKind,
    ExchangeKind,
    FigureKind,
    MatchStatus,
    MemberRole,
    PartnershipStage,
)
from .models import Deliverable, PartnershipMember


def _helper() -> FormHelper:
    helper = FormHelper()
    # Templates write the <form> tag themselves (includes/form.html adds the error summary).
    helper.form_tag = False
    return helper


class PartnershipNotesForm(forms.Form):
    private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only members and connectors of this partnership can read these."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class InvitationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation they represent"),
        queryset=Organisation.objects.order_by("name"),
    )
    role = forms.ChoiceField(
        label=_("The organisation's role, if it is not a member yet"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Their name"), max_length=200)
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("We email them a link that works once and expires after 14 days."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class NewAccountForm(forms.Form):
    """The invitee's new account: their email is the one the invitation was sent to."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

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


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ConnectorGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the new connector"),
        help_text=_("They need an account already."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.user = User.objects.filter(email__iexact=email, is_active=True).first()
        if self.user is None:
            raise ValidationError(_("Nobody has an account with this email address."))
        return email


class FigureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FigureKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(
        label=_("Job and organisation (optional)"), max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (2026-11-30), whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class EngagementForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(
        label=_("Kind of engagement"), choices=EngagementKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations present"),
        queryset=PartnershipMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Private to the partnership's members and connectors."),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = (
            PartnershipMember.objects.active()
            .filter(partnership=partnership)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.helper = _helper()


class ActionForm(forms.Form):
    description = forms.CharField(label=_("What needs doing"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.helper = _helper()


def parse_quantity(text: str, *, money: bool) -> Decimal:
    """A quantity as typed: pounds ("£1,200,000", "1.2m") for money, else a plain number
    ("1,500", "2.5"). Raises ValidationError with a message that says what to type."""
    if money:
        return parse_gbp(text)
    cleaned = (text or "").strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter a number, like 20 or 1,500."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number, like 20 or 1,500."), code="invalid")
    if value < 0:
        raise ValidationError(_("The quantity must be more than zero."), code="negative")
    return value.quantize(Decimal("0.01"))


def quantity_text(value: Decimal, *, money: bool) -> str:
    """How a stored quantity is shown back in a form."""
    return format_gbp(value) if money else f"{value.normalize():f}"


QUANTITY_HELP = _("A number, like 20 or 1,500; for money, pounds like £150,000, 1.2m or £1.2bn.")


class ExchangeForm(forms.Form):
    """An ask or a deliverable. `members` are the organisations the person may record for."""

    member = forms.ModelChoiceField(
        label=_("Organisation"), queryset=PartnershipMember.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeKind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        help_text=_("For example: apprenticeship placements for 20 young people."),
    )
    quantity = forms.CharField(label=_("Quantity"), max_length=40, help_text=QUANTITY_HELP)
    unit = forms.CharField(
        label=_("Unit (optional)"),
        max_length=50,
        required=False,
        help_text=_(
            "Leave empty for the usual unit: days of skills, hours of volunteering, square "
            "metres of space, placements, or £ for money and procurement spend."
        ),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        if len(members) == 1:
            self.fields["member"].initial = members[0].pk  # evaluates (and caches) the choices
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("quantity")
        if text is not None and "quantity" not in self.errors:
            try:
                cleaned["quantity"] = parse_quantity(text, money=cleaned.get("kind") in MONEY_KINDS)
            except ValidationError as exc:
                self.add_error("quantity", exc)
        return cleaned


class MatchForm(forms.Form):
    deliverable = forms.ModelChoiceField(
        label=_("Deliverable"), queryset=Deliverable.objects.none()
    )
    quantity = forms.CharField(label=_("Quantity to match"), max_length=40)

    def __init__(self, *args, deliverables, money: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.money = money
        if money:
            self.fields["quantity"].label = _("Amount to match")
            self.fields["quantity"].help_text = _("In pounds, for example £150,000 or 1.2m.")
        self.fields["deliverable"].queryset = deliverables
        self.fields["deliverable"].label_from_instance = lambda d: (
            f"{d.member.organisation.name}: {d}"
        )
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
        self.helper = _helper()

    def clean_quantity(self):
        return parse_quantity(self.cleaned_data["quantity"], money=self.money)


class MatchMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=MatchStatus.choices)


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("The common goal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What every member commits to work towards, in plain words."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TermsForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 4}))
    membership = forms.CharField(
        label=_("Membership"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    decision_making = forms.CharField(
        label=_("Decision-making"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    meeting_rhythm = forms.CharField(
        label=_("Meeting rhythm"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ExitPlanForm(forms.Form):
    exit_plan = forms.CharField(
        label=_("Exit plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Who takes on the connector's work, how meetings keep going, and how it is paid for."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(
        label=_("Unit"), max_length=50, help_text=_("For example: people, %, £, jobs.")
    )
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=16, decimal_places=2, widget=forms.TextInput
    )
    target = forms.DecimalField(
        label=_("Target"), max_digits=16, decimal_places=2, widget=forms.TextInput
    )
    source = forms.CharField(label=_("Source of the figures"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=PartnershipStage.choices)


class CommitmentUpdateForm(forms.Form):
    reported_on = forms.DateField(
        label=_("Date of the update"), widget=DateInput, help_text=_("Today or earlier.")
    )
    status = forms.ChoiceField(
        label=_("How it stands"), choices=CommitmentStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has happened since the last update, and what is next."),
    )
    figure = forms.CharField(
        label=_("Figure (optional)"),
        required=False,
        max_length=40,
        help_text=_("A number that shows progress, for example 35."),
    )
    figure_label = forms.CharField(
        label=_("What the figure counts (optional)"),
        required=False,
        max_length=100,
        help_text=_("For example: jobs created."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].widget.attrs["inputmode"] = "decimal"
        self.helper = _helper()

    def clean_figure(self):
        text = self.cleaned_data["figure"].strip()
        if not text:
            return None
        try:
            return parse_quantity(text, money=False)
        except ValidationError as exc:
            if exc.code == "negative":
                raise ValidationError(_("The figure cannot be negative.")) from None
            raise

    def clean(self):
        cleaned = super().clean()
        has_figure = cleaned.get("figure") is not None
        label = (cleaned.get("figure_label") or "").strip()
        if has_figure and not label:
            self.add_error(
                "figure_label", _("Say what the figure counts, for example: jobs created.")
            )
        elif label and not has_figure and "figure" not in self.errors:
            self.add_error("figure", _("Enter the figure, or leave both empty."))
        return cleaned


class IndicatorReadingForm(forms.Form):
    measured_on = forms.DateField(
        label=_("Date of the reading"), widget=DateInput, help_text=_("Today or earlier.")
    )
    value = forms.CharField(label=_("Value"), max_length=40)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.money = indicator.unit == "£"
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.unit}
        self.fields["value"].widget.attrs["inputmode"] = "decimal"
        self.helper = _helper()

    def clean_value(self):
        text = self.cleaned_data["value"]
        if self.money:
            return parse_gbp(text)
        cleaned = text.strip().replace(",", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(_("Enter a number, like 35 or 8.4."), code="invalid") from None
        if not value.is_finite() or abs(value) >= Decimal("1e14"):
            raise ValidationError(_("Enter a number, like 35 or 8.4."), code="invalid")
        return value.quantize(Decimal("0.01"))
