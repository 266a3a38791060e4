"""Forms for importing responses from a file: upload, then say what each column holds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import form_helper


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
        self.helper = form_helper()


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
        self.helper = form_helper()

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
