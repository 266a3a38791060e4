"""Forms a respondent fills in: their details and each section's answers."""

from crispy_forms.layout import Div, Layout
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from evidence.answers import MAX_ANSWER_CHARACTERS, answer_problems, choice_options
from evidence.enums import PublicationPreference, QuestionKind, RespondingAs
from levelup.enums import BusinessSize, OrganisationType
from levelup.models import Place
from levelup.widgets import FastSelect

from .base import form_helper, optional_label


class RespondentDetailsForm(forms.Form):
    respondent_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name.")},
    )
    respondent_email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send your receipt and a link to come back to your draft here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the correct format, like name@example.org."),
        },
    )
    responding_as = forms.ChoiceField(
        label=_("Are you responding as an individual or on behalf of an organisation?"),
        choices=RespondingAs.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Choose whether you respond as an individual or on behalf of an organisation."
            ),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=300,
        required=False,
        help_text=_("If you respond on behalf of an organisation."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=[("", _("Choose a type")), *list(OrganisationType.choices)],
        widget=FastSelect,
        required=False,
        help_text=_("If you respond on behalf of an organisation."),
        error_messages={"invalid_choice": _("Choose a type from the list.")},
    )
    organisation_size = forms.ChoiceField(
        label=_("Size of business"),
        choices=BusinessSize.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("If the organisation is a business."),
        error_messages={"invalid_choice": _("Choose one of the sizes.")},
    )
    place = forms.ModelChoiceField(
        label=optional_label(_("Place")),
        queryset=Place.objects.order_by("name"),
        widget=FastSelect,
        required=False,
        empty_label=_("Not listed, or prefer not to say"),
        help_text=_("The town or city your evidence is mostly about."),
        error_messages={"invalid_choice": _("Choose a place from the list.")},
    )
    publication_preference = forms.ChoiceField(
        label=_("May we publish your response?"),
        choices=PublicationPreference.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether and how we may publish your response."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    wants_report = forms.BooleanField(
        label=_("Tell me when the report is published"),
        required=False,
        help_text=_("We email you once, with links to the report and to your published response."),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my response being used as it says."),
        error_messages={"required": _("Confirm that you have read the privacy notice.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent_name"].widget.attrs["autocomplete"] = "name"
        self.helper = form_helper()
        # The organisation's questions are for people responding for one: with JavaScript
        # (static/js/conditional-reveal.js) they appear once "on behalf of an organisation"
        # is chosen; without it every question shows and `clean` ignores them for individuals.
        organisation = ("organisation_name", "organisation_type", "organisation_size")
        items = []
        for name in self.fields:
            if name == organisation[0]:
                items.append(
                    Div(
                        *organisation,
                        css_id="organisation-details",
                        css_class="conditional-reveal border-start border-4 ps-3 mb-3",
                        data_reveal_when="responding_as",
                        data_reveal_value=RespondingAs.ORGANISATION.value,
                    )
                )
            elif name not in organisation:
                items.append(name)
        self.helper.layout = Layout(*items)

    def clean(self):
        data = super().clean()
        if data.get("responding_as") == RespondingAs.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Enter the organisation's name."))
            if not data.get("organisation_type"):
                self.add_error("organisation_type", _("Choose the type of organisation."))
            elif data.get("organisation_type") == OrganisationType.BUSINESS and not data.get(
                "organisation_size"
            ):
                self.add_error("organisation_size", _("Choose the size of the business."))
        return data


def question_field_name(question) -> str:
    return f"q{question.pk}"


class SectionAnswersForm(forms.Form):
    """One page of questions. Every field is optional to the form itself: the page saves
    whatever was typed first, then `strict` checks decide whether the person moves on."""

    def __init__(self, *args, questions, strict: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.strict = strict
        for question in self.questions:
            self.fields[question_field_name(question)] = self._field(question)
        self.helper = form_helper()

    def _field(self, question) -> forms.Field:
        label = question.text if question.required else optional_label(question.text)
        hint = question.help_text
        if question.kind == QuestionKind.LONG_TEXT:
            if question.limit:
                limit = _("Up to %(limit)s words.") % {"limit": f"{question.limit:,}"}
                hint = f"{hint} {limit}".strip()
            ceiling = _("At most %(max)s characters; attach a file for anything longer.") % {
                "max": f"{MAX_ANSWER_CHARACTERS:,}"
            }
            hint = f"{hint} {ceiling}".strip()
            attrs = {"rows": 8}
            if question.limit:
                # The live count (static/js/evidence-word-count.js) reads its words from here,
                # so they are translated like the rest of the page.
                attrs["data-word-limit"] = question.limit
                attrs["data-words-left"] = _("You have {n} words remaining")
                attrs["data-words-over"] = _("You have {n} words too many")
            field = forms.CharField(widget=forms.Textarea(attrs=attrs), strip=False)
        elif question.kind == QuestionKind.SHORT_TEXT:
            field = forms.CharField()
        elif question.kind == QuestionKind.NUMBER:
            field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
            field = forms.ChoiceField(
                choices=choice_options(question),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the options.")},
            )
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            field = forms.MultipleChoiceField(
                choices=choice_options(question),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choose from the options given.")},
            )
        else:
            # Empty files reach the service, which explains the problem in our words.
            field = forms.FileField(
                allow_empty_file=True,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.docx,.odt,.txt"},
                ),
            )
            count = question.call.max_attachments
            kinds = _("PDF, Word (DOCX), OpenDocument (ODT) or plain text, up to %(size)s.") % {
                "size": filesizeformat(settings.EVIDENCE_MAX_UPLOAD_BYTES)
            }
            limit = ngettext(
                "You can attach %(count)s file to your response.",
                "You can attach up to %(count)s files to your response.",
                count,
            ) % {"count": count}
            hint = f"{hint} {kinds} {limit}".strip()
        field.required = False
        field.label = label
        field.help_text = hint
        return field

    def raw_answers(self) -> dict:
        """What was typed, valid or not, so it can be saved before anything is checked."""
        raw = {}
        for question in self.questions:
            name = self.add_prefix(question_field_name(question))
            if question.kind == QuestionKind.FILE:
                continue
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                raw[question] = {"values": self.data.getlist(name)}
            else:
                raw[question] = {"text": self.data.get(name, "")}
        return raw

    def uploads(self) -> dict:
        return {
            question: self.files[self.add_prefix(question_field_name(question))]
            for question in self.questions
            if question.kind == QuestionKind.FILE
            and self.add_prefix(question_field_name(question)) in self.files
        }

    def clean(self):
        data = super().clean()
        raw = self.raw_answers()
        for question in self.questions:
            name = question_field_name(question)
            if question.kind == QuestionKind.FILE:
                continue
            if name in self.errors:
                # The field itself refused the value (an option that is not offered);
                # its message already says so in our words.
                continue
            value = raw[question]
            for problem in answer_problems(
                question, text=value.get("text", ""), values=value.get("values", [])
            ):
                self.add_error(name, problem)
            empty = not (value.get("text", "").strip() or value.get("values"))
            if self.strict and question.required and empty and name not in self.errors:
                self.add_error(name, _("Answer this question, or save and come back later."))
        return data
