"""Setting up and running a call: the call itself, its sections and questions, its lifecycle."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.enums import CALL_MANUAL_TRANSITIONS, CallStatus, QuestionKind
from evidence.models import CallForEvidence, Question, Section, Submission
from levelup.audit import audit_diff, audit_record
from levelup.models import Body, User
from levelup.rich_text import RICH_TEXT_TAGS, rich_text_clean

from .questions import _renumber

# Once a call is in one of these, the questions people were asked are final.
CALL_STATUSES_CLOSED = {
    CallStatus.CLOSED,
    CallStatus.ANALYSING,
    CallStatus.PUBLISHED,
    CallStatus.ARCHIVED,
}

CALL_FIELDS = [
    "title",
    "summary",
    "background",
    "who_should_respond",
    "guidance",
    "privacy_notice",
    "publication_policy",
    "contact_email",
    "reference_prefix",
    "opens_at",
    "closes_at",
    "anonymised_review",
    "word_limit",
    "max_attachments",
]

BACKGROUND_TAGS = RICH_TEXT_TAGS


def background_clean(html: str) -> str:
    """Keep basic structure and links; drop scripts, styles, handlers and everything else
    (the project's one rich-text policy, `levelup.rich_text`)."""
    return rich_text_clean(html)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "call"
    slug, n = base, 1
    while CallForEvidence.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def call_create(*, actor: User, body: Body, title: str, **fields: Any) -> CallForEvidence:
    """A new call in draft. `fields` are any of CALL_FIELDS; the background is sanitised."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    call = CallForEvidence(body=body, title=title, slug=_unique_slug(title), **fields)
    call.background = background_clean(call.background)
    call.reference_prefix = call.reference_prefix.upper()
    call.full_clean()
    call.save()
    audit_record(actor=actor, action="evidence.call.create", target=call)
    return call


@transaction.atomic
def call_update(*, actor: User, call: CallForEvidence, **fields: Any) -> CallForEvidence:
    """Change a call's settings. A new privacy notice gets a new version number."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    call = CallForEvidence.objects.select_for_update().get(pk=call.pk)
    before = {field: getattr(call, field) for field in CALL_FIELDS}
    for field, value in fields.items():
        setattr(call, field, value)
    call.background = background_clean(call.background)
    call.reference_prefix = call.reference_prefix.upper()
    if (
        call.reference_prefix != before["reference_prefix"]
        and call.submissions.exclude(reference="").exists()
    ):
        raise ValidationError(
            {"reference_prefix": _("References have been given already; keep the prefix.")}
        )
    if call.privacy_notice != before["privacy_notice"]:
        call.privacy_notice_version += 1
    call.full_clean()
    call.save()
    changes = audit_diff(before, call, CALL_FIELDS)
    if changes:
        audit_record(actor=actor, action="evidence.call.update", target=call, changes=changes)
    return call


@transaction.atomic
def call_transition(*, actor: User, call: CallForEvidence, to_status: str) -> CallForEvidence:
    """A step by hand (schedule, unschedule, analyse, publish, archive), after confirmation.

    Opening and closing are not steps by hand: the clock does them (`calls_sync_status`).
    """
    call = CallForEvidence.objects.select_for_update().get(pk=call.pk)
    current = call.current_status
    if to_status not in CALL_MANUAL_TRANSITIONS.get(current, []):
        raise ValidationError(
            _("A call that is %(current)s cannot be moved to %(to)s.")
            % {
                "current": CallStatus(current).label.lower(),
                "to": CallStatus(to_status).label.lower(),
            }
        )
    if to_status == CallStatus.SCHEDULED:
        if not (call.opens_at and call.closes_at):
            raise ValidationError(_("Set when the call opens and closes first."))
        if call.closes_at <= timezone.now():
            raise ValidationError(_("The closing time has passed; set a later one first."))
        if not call.questions.exists():
            raise ValidationError(_("Add at least one question first."))
    before = call.status
    call.status = to_status
    call.full_clean()
    call.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.call.transition",
        target=call,
        changes={"status": [before, to_status]},
    )
    return call


def calls_sync_status(*, now: datetime | None = None) -> int:
    """Store what the clock says: scheduled calls open, open calls close. Idempotent.

    Each call is changed in its own transaction, locked and re-checked, so two beat
    runs at once change each call once.
    """
    now = now or timezone.now()
    due = CallForEvidence.objects.filter(
        Q(status=CallStatus.SCHEDULED, opens_at__lte=now)
        | Q(status=CallStatus.OPEN, closes_at__lte=now)
    ).values_list("pk", flat=True)
    changed = 0
    for pk in list(due):
        with transaction.atomic():
            call = CallForEvidence.objects.select_for_update().get(pk=pk)
            target = call.status_at(now)
            if target == call.status:
                continue
            before = call.status
            call.status = target
            call.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="evidence.call.clock",
                target=call,
                changes={"status": [before, target]},
            )
            changed += 1
    return changed


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def section_create(
    *, actor: User, call: CallForEvidence, title: str, description: str = ""
) -> Section:
    section = Section(
        call=call,
        title=title,
        description=description,
        position=_next_position(Section.objects.filter(call=call)),
    )
    section.full_clean()
    section.save()
    audit_record(actor=actor, action="evidence.section.create", target=section)
    return section


@transaction.atomic
def section_update(*, actor: User, section: Section, title: str, description: str) -> Section:
    before = {"title": section.title, "description": section.description}
    section.title, section.description = title, description
    section.full_clean()
    section.save()
    audit_record(
        actor=actor,
        action="evidence.section.update",
        target=section,
        changes=audit_diff(before, section, ["title", "description"]),
    )
    return section


def _swap(items: list, item, direction: str) -> bool:
    index = [x.pk for x in items].index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return True


@transaction.atomic
def section_move(*, actor: User, section: Section, direction: str) -> Section:
    """Move a section one place up or down (a button each: no JavaScript needed)."""
    siblings = list(
        Section.objects.select_for_update()
        .filter(call_id=section.call_id)
        .order_by("position", "pk")
    )
    if _swap(siblings, section, direction):
        audit_record(
            actor=actor, action="evidence.section.move", target=section, changes={"to": direction}
        )
    return section


QUESTION_FIELDS = ["kind", "text", "help_text", "required", "word_limit", "choices", "section"]


def _clean_choices(choices: list[str] | None) -> list[str]:
    return [c.strip() for c in choices or [] if c.strip()]


def _question_check(question: Question) -> None:
    if question.section.call_id != question.call_id:
        raise ValidationError({"section": _("Choose a section of this call.")})
    if question.has_choices and len([c for c in question.choices if c.strip()]) < 2:
        raise ValidationError({"choices": _("Give at least two options, one per line.")})
    if not question.has_choices:
        question.choices = []
    if question.kind != QuestionKind.LONG_TEXT:
        question.word_limit = None


@transaction.atomic
def question_create(
    *,
    actor: User,
    section: Section,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    word_limit: int | None = None,
    choices: list[str] | None = None,
    confirm_sent_responses: bool = False,
) -> Question:
    """Add a question at the end of `section`.

    Refused once the call has closed. While responses have been sent already, refused
    unless `confirm_sent_responses`: those responses never saw it and show it as "not
    asked" (ValidationError code "needs_confirmation", which names how many there are).
    """
    call = CallForEvidence.objects.select_for_update().get(pk=section.call_id)
    if call.current_status in CALL_STATUSES_CLOSED:
        raise ValidationError(
            _("This call has closed, so questions can no longer be added."), code="call_closed"
        )
    sent = question_add_sent_responses(call=call)
    if sent and not confirm_sent_responses:
        raise ValidationError(
            {"confirm_sent_responses": _sent_warning(sent)}, code="needs_confirmation"
        )
    question = Question(
        call_id=section.call_id,
        section=section,
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        word_limit=word_limit,
        choices=_clean_choices(choices),
        position=_next_position(Question.objects.filter(section=section)),
        asked_from=timezone.now() if sent else None,
    )
    _question_check(question)
    question.full_clean()
    question.save()
    audit_record(
        actor=actor,
        action="evidence.question.create",
        target=question,
        changes={"responses_sent_before": sent} if sent else None,
    )
    return question


def question_add_sent_responses(*, call: CallForEvidence) -> int:
    """How many responses a question added now would not have been asked."""
    return Submission.objects.filter(call=call, submitted_at__isnull=False).count()


def question_add_warning(*, call: CallForEvidence) -> str:
    """What the secretariat should know before adding a question now ("" when nothing)."""
    if call.current_status in CALL_STATUSES_CLOSED:
        return _("This call has closed, so questions can no longer be added.")
    sent = question_add_sent_responses(call=call)
    return _sent_warning(sent) if sent else ""


def _sent_warning(sent: int) -> str:
    return ngettext(
        "%(count)s response has been sent already. It did not have this question, and will "
        "show it as “not asked”. Tick the box to add the question anyway.",
        "%(count)s responses have been sent already. They did not have this question, and "
        "will show it as “not asked”. Tick the box to add the question anyway.",
        sent,
    ) % {"count": f"{sent:,}"}


@transaction.atomic
def question_update(*, actor: User, question: Question, **fields: Any) -> Question:
    """Edit a question. Its kind cannot change once anyone has answered it."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown question fields: {sorted(unknown)}")
    question = Question.objects.select_for_update().select_related("section").get(pk=question.pk)
    before = {field: getattr(question, field) for field in QUESTION_FIELDS}
    if "choices" in fields:
        fields["choices"] = _clean_choices(fields["choices"])
    if (
        "kind" in fields
        and fields["kind"] != question.kind
        and (question.answers.exists() or question.attachments.exists())
    ):
        raise ValidationError(
            {
                "kind": _(
                    "This question has answers already, so its kind cannot change. "
                    "Add a new question instead."
                )
            }
        )
    moved = "section" in fields and fields["section"].pk != question.section_id
    for field, value in fields.items():
        setattr(question, field, value)
    if moved:
        question.position = _next_position(Question.objects.filter(section=question.section))
    _question_check(question)
    question.full_clean()
    question.save()
    changes = audit_diff(before, question, QUESTION_FIELDS)
    if changes:
        audit_record(
            actor=actor, action="evidence.question.update", target=question, changes=changes
        )
    return question


@transaction.atomic
def question_move(*, actor: User, question: Question, direction: str) -> Question:
    siblings = list(
        Question.objects.select_for_update()
        .filter(section_id=question.section_id)
        .order_by("position", "pk")
    )
    if _swap(siblings, question, direction):
        audit_record(
            actor=actor,
            action="evidence.question.move",
            target=question,
            changes={"to": direction},
        )
    return question
