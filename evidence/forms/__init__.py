"""The evidence app's forms, one module per area; import them from here.

Forms only parse and validate; the views hand `cleaned_data` to the services.
"""

from .calls import (
    DATETIME_FORMAT,
    CallForm,
    LocalDateTimeField,
    QuestionForm,
    SectionForm,
)
from .imports import (
    ImportMappingForm,
    ImportUploadForm,
)
from .responding import (
    RespondentDetailsForm,
    SectionAnswersForm,
    question_field_name,
)
from .responses import (
    ON_BEHALF_CHANNELS,
    ON_BEHALF_PUBLICATION_CHOICES,
    ON_BEHALF_WORDING,
    LateLinkForm,
    OnBehalfAnswersForm,
    OnBehalfDetailsForm,
    SubmissionFilterForm,
)

__all__ = [
    "DATETIME_FORMAT",
    "ON_BEHALF_CHANNELS",
    "ON_BEHALF_PUBLICATION_CHOICES",
    "ON_BEHALF_WORDING",
    "CallForm",
    "ImportMappingForm",
    "ImportUploadForm",
    "LateLinkForm",
    "LocalDateTimeField",
    "OnBehalfAnswersForm",
    "OnBehalfDetailsForm",
    "QuestionForm",
    "RespondentDetailsForm",
    "SectionAnswersForm",
    "SectionForm",
    "SubmissionFilterForm",
    "question_field_name",
]
