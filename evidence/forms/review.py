"""Reviewers' forms: the queue's search and filters, the review, an excerpt."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.enums import RespondingAs, ReviewFlag, ReviewState
from evidence.models import CampaignGroup, Criterion, Question, Theme
from levelup.enums import OrganisationType
from levelup.models import Place
from levelup.widgets import FastSelect

from .base import form_helper, optional_label

CONFIDENCE_CHOICES = [
    (4, _("4 – Expert: I know this subject well")),
    (3, _("3 – Fairly sure")),
    (2, _("2 – Some idea")),
    (1, _("1 – Guessing: this is outside what I know")),
]

SORT_CHOICES = [
    ("", _("Reference, oldest first")),
    ("-reference", _("Reference, newest first")),
    ("relevance", _("Best match to the search")),
    ("state", _("Review state")),
    ("-total", _("Your total, highest first")),
    ("total", _("Your total, lowest first")),
    ("due", _("Due date")),
]


def theme_label(theme: Theme) -> str:
    return f"{theme.parent.name} › {theme.name}" if theme.parent_id else theme.name


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return theme_label(obj)


class ThemeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return theme_label(obj)


class PlainQueryChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices read with one plain query, kept on the field's queryset for the form's life.

    Django's iterator reads choices through a server-side cursor (a DECLARE, a FETCH and a
    CLOSE, each a round trip to the database) every time they are listed; a filter's short
    lists of places or questions are cheaper read at once."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class PlainQueryChoiceField(forms.ModelChoiceField):
    iterator = PlainQueryChoiceIterator


class ThemeListIterator(forms.models.ModelChoiceIterator):
    """The choices of a theme field from a list already read: no query of its own."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for theme in self.field.themes:
            yield self.choice(theme)

    def __len__(self):
        return len(self.field.themes) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.themes)


class ThemeListMixin:
    """A theme field whose choices are a list of themes read once for the page, so that
    two forms on one page share one query; a submitted id is looked up in the list."""

    iterator = ThemeListIterator
    themes: list[Theme] = []

    def set_themes(self, themes: list[Theme]) -> None:
        self.themes = themes
        self.themes_by_pk = {theme.pk: theme for theme in themes}
        self.widget.choices = self.choices

    def theme_for(self, value) -> Theme:
        try:
            return self.themes_by_pk[int(value)]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ThemeListChoiceField(ThemeListMixin, ThemeChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.theme_for(value)


class ThemeListMultipleChoiceField(ThemeListMixin, ThemeMultipleChoiceField):
    def _check_values(self, value):
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return list({theme.pk: theme for theme in map(self.theme_for, value)}.values())


def call_themes(call):
    return (
        Theme.objects.filter(call=call, merged_into__isnull=True)
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name")
    )


def any_of(label, choices) -> forms.ChoiceField:
    """An optional filter over fixed choices, "Any" first."""
    return forms.ChoiceField(
        label=label, required=False, choices=[("", _("Any")), *choices], widget=FastSelect
    )


def any_of_model(field_class, label, model) -> forms.ModelChoiceField:
    """An optional filter over rows of `model` that the form's `__init__` chooses, "Any"
    first."""
    return field_class(
        label=label,
        required=False,
        queryset=model.objects.none(),
        empty_label=_("Any"),
        widget=FastSelect,
    )


class ReviewQueueFilterForm(forms.Form):
    """Search and filters over a reviewer's queue (a GET form; everything optional)."""

    q = forms.CharField(
        label=optional_label(_("Search the answers")),
        required=False,
        max_length=200,
        help_text=_(
            'Words from answers or attached files. Use "quotes" for a phrase, -word to leave out.'
        ),
    )
    state = any_of(_("Your review"), ReviewState.choices)
    responding_as = any_of(_("Responding as"), RespondingAs.choices)
    organisation_type = any_of(_("Organisation type"), OrganisationType.choices)
    place = any_of_model(PlainQueryChoiceField, _("Place"), Place)
    question = any_of_model(PlainQueryChoiceField, _("Answered the question"), Question)
    theme = any_of_model(ThemeListChoiceField, _("Coded with"), Theme)
    score_min = forms.DecimalField(
        label=optional_label(_("Your total at least")),
        required=False,
        min_value=1,
        max_value=5,
        decimal_places=2,
    )
    score_max = forms.DecimalField(
        label=optional_label(_("Your total at most")),
        required=False,
        min_value=1,
        max_value=5,
        decimal_places=2,
    )
    flag = any_of(_("Flagged"), ReviewFlag.choices)
    campaign = any_of_model(PlainQueryChoiceField, _("Campaign group"), CampaignGroup)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=FastSelect
    )

    def __init__(self, *args, call, themes: list[Theme] | None = None, **kwargs):
        """`themes`: the call's code frame when the page has read it already."""
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            pk__in=call.submissions.filter(place__isnull=False).values("place_id")
        ).order_by("name")
        self.fields["question"].queryset = Question.objects.filter(call=call).order_by(
            "section__position", "position", "pk"
        )
        self.fields["theme"].set_themes(list(call_themes(call)) if themes is None else themes)
        self.fields["campaign"].queryset = CampaignGroup.objects.filter(call=call).order_by("pk")
        self.fields["campaign"].label_from_instance = lambda group: (
            group.label or str(_("Campaign group %(n)s") % {"n": group.pk})
        )
        self.helper = form_helper()
        self.helper.disable_csrf = True

    def filters(self) -> dict:
        return dict(self.cleaned_data) if self.is_valid() else {}


class ReviewForm(forms.Form):
    """One reviewer's review: a score per criterion, confidence, themes, notes, flags."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    confidence = forms.TypedChoiceField(
        label=_("How sure are you?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=CONFIDENCE_CHOICES,
        widget=forms.RadioSelect,
    )
    themes = ThemeListMultipleChoiceField(
        label=_("Themes"),
        required=False,
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Code the whole response with every theme it speaks to."),
    )
    themes_before = forms.CharField(required=False, widget=forms.HiddenInput)
    notes = forms.CharField(
        label=optional_label(_("Notes")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For you and the secretariat; respondents never see them."),
    )
    flags = forms.MultipleChoiceField(
        label=optional_label(_("Flags")),
        required=False,
        choices=ReviewFlag.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args,
        call,
        criteria: list[Criterion],
        rules,
        themes: list[Theme] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.score_fields = []
        for criterion in criteria if rules.may_score else []:
            levels = {int(level.get("value", 0)): level for level in criterion.levels or []}
            choices = []
            for value in range(5, 0, -1):
                level = levels.get(value, {})
                label = level.get("label") or ""
                choices.append((value, f"{value} – {label}" if label else str(value)))
            name = f"score_{criterion.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=choices,
                widget=forms.RadioSelect,
                help_text=criterion.description,
            )
            self.score_fields.append(name)
        if rules.may_code:
            self.fields["themes"].set_themes(list(call_themes(call)) if themes is None else themes)
        else:
            del self.fields["themes"]
            del self.fields["themes_before"]
        self.helper = form_helper()

    def scores(self) -> dict[int, int]:
        return {
            criterion.pk: self.cleaned_data[f"score_{criterion.pk}"]
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is not None
        }

    def themes_shown(self) -> set[int]:
        raw = self.cleaned_data.get("themes_before") or ""
        return {int(part) for part in raw.split(",") if part.strip().isdigit()}


class ExcerptForm(forms.Form):
    """Quote a span of one answer or file: the selection's offsets, or the pasted words."""

    source = forms.ChoiceField(label=_("From"), widget=FastSelect)
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    quote = forms.CharField(
        label=_("Words to quote"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Select words in an answer, or paste them here exactly as they appear."),
    )
    theme = ThemeListChoiceField(
        label=optional_label(_("Theme")),
        required=False,
        queryset=Theme.objects.none(),
        empty_label=_("None"),
        widget=FastSelect,
    )
    note = forms.CharField(label=optional_label(_("Note")), required=False, max_length=2000)

    def __init__(
        self, *args, call, answers, attachments, themes: list[Theme] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        sources = [(f"answer-{a.pk}", a.question.text) for a in answers]
        sources += [
            (f"attachment-{f.pk}", str(_("Attached file %(n)s")) % {"n": n})
            for n, f in enumerate(attachments, start=1)
            if f.extracted_text
        ]
        self.fields["source"].choices = sources
        self.fields["theme"].set_themes(list(call_themes(call)) if themes is None else themes)
        self.answers = {f"answer-{a.pk}": a for a in answers}
        self.attachments = {f"attachment-{f.pk}": f for f in attachments}
        self.helper = form_helper()

    def target(self) -> dict:
        source = self.cleaned_data["source"]
        if source in self.answers:
            return {"answer": self.answers[source]}
        return {"attachment": self.attachments[source]}
