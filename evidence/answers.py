"""How answers are read and checked: shared by the forms, the services and the import.

Checks return messages instead of raising, so that a page can keep what was typed and
explain every problem at once.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import QuestionKind, ScaleValue

# A hard ceiling for any one answer (about 15,000 words), far above any sensible word limit.
# An answer over it is not stored: the page keeps it in the box and asks for it shorter, or
# as an attached file. Said next to every long-answer box (see docs/security.md).
MAX_ANSWER_CHARACTERS = 100_000


def word_count(text: str) -> int:
    return len(text.split())


def choice_options(question) -> list[tuple[str, str]]:
    if question.kind == QuestionKind.SCALE:
        return [(value, str(label)) for value, label in ScaleValue.choices]
    return [(option, option) for option in question.choices]


def answer_problems(question, *, text: str = "", values: list[str] | None = None) -> list[str]:
    """What is wrong with this answer, ignoring whether it is required."""
    values = values or []
    problems: list[str] = []
    if question.kind == QuestionKind.LONG_TEXT and question.limit:
        words = word_count(text)
        if words > question.limit:
            over = words - question.limit
            problems.append(
                ngettext(
                    "Your answer is %(over)s word too long: it has %(words)s words and the "
                    "limit is %(limit)s. Your text has been kept so you can shorten it.",
                    "Your answer is %(over)s words too long: it has %(words)s words and the "
                    "limit is %(limit)s. Your text has been kept so you can shorten it.",
                    over,
                )
                % {"over": f"{over:,}", "words": f"{words:,}", "limit": f"{question.limit:,}"}
            )
    if len(text) > MAX_ANSWER_CHARACTERS:
        problems.append(
            _(
                "Your answer is %(length)s characters long; the most we can take is %(max)s. "
                "It has not been saved: shorten it (your text is still in the box), or attach "
                "it as a file."
            )
            % {"length": f"{len(text):,}", "max": f"{MAX_ANSWER_CHARACTERS:,}"}
        )
    if question.kind == QuestionKind.SHORT_TEXT and len(text) > 500:
        problems.append(_("A short answer can be at most 500 characters."))
    if question.kind == QuestionKind.NUMBER and text.strip():
        try:
            Decimal(text.strip().replace(",", ""))
        except InvalidOperation:
            problems.append(_("Enter a number, like 12 or 3.5."))
    allowed = {value for value, _label in choice_options(question)}
    single = question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE)
    if single and text and text not in allowed:
        problems.append(_("Choose one of the options."))
    if question.kind == QuestionKind.MULTIPLE_CHOICE and not set(values) <= allowed:
        problems.append(_("Choose from the options given."))
    return problems


def answer_display(question, answer) -> str:
    """The answer as words, for the check page, emails and lists."""
    if answer is None:
        return ""
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(answer.values)
    if question.kind == QuestionKind.SCALE and answer.text:
        labels = dict(choice_options(question))
        return labels.get(answer.text, answer.text)
    return answer.text
