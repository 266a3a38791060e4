"""Removing sections and questions: refused once anyone has answered, so no answer is lost."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evidence.models import Answer, Attachment, Question, Section
from levelup.audit import audit_record
from levelup.models import User


def _renumber(items) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    """Delete a question nobody has answered; the others in its section close up."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if (
        Answer.objects.filter(question=question).exists()
        or Attachment.objects.filter(question=question).exists()
    ):
        raise ValidationError(
            _("This question has answers already, so it cannot be deleted."), code="answered"
        )
    audit_record(
        actor=actor,
        action="evidence.question.delete",
        target=question,
        changes={"text": question.text, "kind": question.kind},
    )
    section_id = question.section_id
    question.delete()
    _renumber(
        Question.objects.select_for_update().filter(section_id=section_id).order_by("position")
    )


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    """Delete an empty section. Move or delete its questions first."""
    section = Section.objects.select_for_update().get(pk=section.pk)
    if section.questions.exists():
        raise ValidationError(
            _("This section still has questions. Move or delete them first."), code="not_empty"
        )
    audit_record(
        actor=actor,
        action="evidence.section.delete",
        target=section,
        changes={"title": section.title},
    )
    call_id = section.call_id
    section.delete()
    _renumber(Section.objects.select_for_update().filter(call_id=call_id).order_by("position"))
