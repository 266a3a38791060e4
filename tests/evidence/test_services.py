import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from evidence.enums import CallStatus, QuestionKind, SubmissionStatus
from evidence.models import CallForEvidence, ReferenceCounter, Submission
from evidence.services import (
    call_create,
    call_transition,
    call_update,
    calls_sync_status,
    question_create,
    question_move,
    question_update,
    section_create,
    section_move,
    submission_answers_save,
    submission_details_save,
    submission_enter_on_behalf,
    submission_start,
    submission_submit,
    submission_withdraw,
)
from evidence.services import submissions as submissions_module
from levelup.models import AuditEntry, OutboundEmail
from levelup.outbox import outbound_email_send
from levelup.tasks import outbound_email_send_task
from tests.factories import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SectionFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def _actions(target) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(target.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_call_create_sanitises_background_and_audits(secretariat, body):
    call = call_create(
        actor=secretariat,
        body=body,
        title="Skills in coastal towns",
        reference_prefix="syp",
        background=(
            '<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x">l</a></p>'
        ),
    )

    assert call.background == '<p>Hello <a rel="noopener noreferrer">l</a></p>'
    assert call.slug == "skills-in-coastal-towns"
    assert call.reference_prefix == "SYP"
    assert call.status == CallStatus.DRAFT
    assert _actions(call) == ["evidence.call.create"]


def test_call_update_new_privacy_notice_bumps_version(secretariat, call):
    call = call_update(actor=secretariat, call=call, privacy_notice="We keep data for 2 years.")

    assert call.privacy_notice_version == 2
    entry = AuditEntry.objects.get(action="evidence.call.update")
    assert entry.changes == {"privacy_notice": ["", "We keep data for 2 years."]}


def test_call_status_follows_the_clock_before_the_beat_task_runs():
    call = CallForEvidenceFactory(open=True)
    CallForEvidence.objects.filter(pk=call.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    call.refresh_from_db()

    assert call.status == CallStatus.OPEN
    assert call.current_status == CallStatus.CLOSED
    assert call.is_accepting_responses is False


def test_calls_sync_status_opens_and_closes_by_the_clock():
    now = timezone.now()
    due_open = CallForEvidenceFactory(
        status=CallStatus.SCHEDULED,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
    )
    due_close = CallForEvidenceFactory(
        status=CallStatus.OPEN,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(minutes=1),
    )
    untouched = CallForEvidenceFactory(upcoming=True)

    changed = calls_sync_status(now=now)

    assert changed == 2
    assert CallForEvidence.objects.get(pk=due_open.pk).status == CallStatus.OPEN
    assert CallForEvidence.objects.get(pk=due_close.pk).status == CallStatus.CLOSED
    assert CallForEvidence.objects.get(pk=untouched.pk).status == CallStatus.SCHEDULED
    assert calls_sync_status(now=now) == 0
    assert _actions(due_close) == ["evidence.call.clock"]


def test_call_transition_schedule_needs_a_question(secretariat):
    call = CallForEvidenceFactory(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )

    with pytest.raises(ValidationError) as excinfo:
        call_transition(actor=secretariat, call=call, to_status=CallStatus.SCHEDULED)

    assert excinfo.value.messages == ["Add at least one question first."]


def test_call_transition_schedule_then_refuses_manual_close(secretariat):
    call = CallForEvidenceFactory(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    QuestionFactory(section__call=call)

    call = call_transition(actor=secretariat, call=call, to_status=CallStatus.SCHEDULED)

    assert call.status == CallStatus.SCHEDULED
    with pytest.raises(ValidationError):
        call_transition(actor=secretariat, call=call, to_status=CallStatus.CLOSED)
    assert AuditEntry.objects.get(action="evidence.call.transition").changes == {
        "status": ["draft", "scheduled"]
    }


def test_section_and_question_move_reorders(secretariat, call):
    first = section_create(actor=secretariat, call=call, title="About you")
    second = section_create(actor=secretariat, call=call, title="Your evidence")
    q1 = question_create(actor=secretariat, section=first, kind=QuestionKind.SHORT_TEXT, text="A?")
    q2 = question_create(actor=secretariat, section=first, kind=QuestionKind.SHORT_TEXT, text="B?")

    section_move(actor=secretariat, section=second, direction="up")
    question_move(actor=secretariat, question=q2, direction="up")

    assert list(call.sections.order_by("position").values_list("title", flat=True)) == [
        "Your evidence",
        "About you",
    ]
    assert list(first.questions.order_by("position").values_list("pk", flat=True)) == [q2.pk, q1.pk]


def test_question_choice_needs_two_options(secretariat, call):
    section = SectionFactory(call=call)

    with pytest.raises(ValidationError) as excinfo:
        question_create(
            actor=secretariat,
            section=section,
            kind=QuestionKind.SINGLE_CHOICE,
            text="?",
            choices=["Yes"],
        )

    assert excinfo.value.message_dict == {"choices": ["Give at least two options, one per line."]}


def test_question_kind_change_refused_once_answered(secretariat):
    answer = AnswerFactory()

    with pytest.raises(ValidationError) as excinfo:
        question_update(actor=secretariat, question=answer.question, kind=QuestionKind.NUMBER)

    assert excinfo.value.message_dict["kind"] == [
        "This question has answers already, so its kind cannot change. Add a new question instead."
    ]


def test_question_kind_change_allowed_before_answers(secretariat):
    question = QuestionFactory()

    question = question_update(actor=secretariat, question=question, kind=QuestionKind.NUMBER)

    assert question.kind == QuestionKind.NUMBER


def _ready_draft(call, respondent=None):
    submission, token = submission_start(actor=respondent, call=call)
    submission_details_save(
        actor=respondent,
        submission=submission,
        consent=True,
        respondent_name="Pat Jones",
        respondent_email="pat@example.org",
        responding_as="individual",
        publication_preference="anonymous",
    )
    return submission, token


def test_submission_start_stores_only_the_token_hash(call, anonymous):
    submission, token = submission_start(actor=anonymous, call=call)

    assert len(token) >= 40
    assert token not in submission.continue_token_hash
    assert len(submission.continue_token_hash) == 64
    assert submission.status == SubmissionStatus.DRAFT


def test_submission_start_refused_on_closed_call(anonymous):
    call = CallForEvidenceFactory(closed=True)

    with pytest.raises(ValidationError) as excinfo:
        submission_start(actor=anonymous, call=call)

    assert excinfo.value.messages == [
        "This call is not taking responses. Please contact secretariat@example.org."
    ]


def test_submission_details_records_consent_version(call, anonymous):
    call.privacy_notice_version = 3
    call.save()

    submission, _token = _ready_draft(call, anonymous)

    submission.refresh_from_db()
    assert submission.consent_version == 3
    assert submission.consented_at is not None


def test_submission_submit_gives_sequential_reference_and_emails(
    call, anonymous, django_capture_on_commit_callbacks
):
    question = QuestionFactory(section__call=call, required=True, text="What works?")
    first, _ = _ready_draft(call, anonymous)
    second, _ = _ready_draft(call, anonymous)
    for submission in (first, second):
        submission_answers_save(
            actor=anonymous,
            submission=submission,
            answers={question: {"text": "<b>Apprenticeships</b>"}},
        )

    with django_capture_on_commit_callbacks() as callbacks:
        first = submission_submit(actor=anonymous, submission=first)
        second = submission_submit(actor=anonymous, submission=second)

    assert (first.reference, second.reference) == ("TST0001", "TST0002")
    assert len(callbacks) == 2
    email = OutboundEmail.objects.filter(template="evidence/submission_received").first()
    assert email.to == ["pat@example.org"]
    assert "What works?" in email.body_text
    assert "<b>Apprenticeships</b>" in email.body_text
    assert "TST0002" in email.subject


def test_submission_submit_twice_creates_one_submission(call, anonymous):
    submission, _ = _ready_draft(call, anonymous)

    first = submission_submit(actor=anonymous, submission=submission)
    again = submission_submit(actor=anonymous, submission=submission)

    assert again.reference == first.reference == "TST0001"
    assert _actions(submission).count("evidence.submission.submit") == 1
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 1


def test_submission_submit_refuses_missing_required_answer(call, anonymous):
    QuestionFactory(section__call=call, required=True, text="What works?")
    submission, _ = _ready_draft(call, anonymous)

    with pytest.raises(ValidationError) as excinfo:
        submission_submit(actor=anonymous, submission=submission)

    assert excinfo.value.messages == ["Answer the question: What works?"]
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


def test_submission_answers_refuse_question_of_another_call(call, anonymous):
    foreign = QuestionFactory(section__call=CallForEvidenceFactory(open=True))
    submission, _ = _ready_draft(call, anonymous)

    with pytest.raises(ValidationError) as excinfo:
        submission_answers_save(
            actor=anonymous, submission=submission, answers={foreign: {"text": "x"}}
        )

    assert excinfo.value.messages == ["That question is not part of this call."]
    assert submission.answers.count() == 0


def test_submission_withdraw_before_close(call, anonymous):
    submission, _ = _ready_draft(call, anonymous)
    submission = submission_submit(actor=anonymous, submission=submission)

    submission = submission_withdraw(actor=anonymous, submission=submission)

    assert submission.status == SubmissionStatus.WITHDRAWN
    assert submission.reference == "TST0001"


def test_submission_withdraw_refused_after_close(anonymous):
    submission = SubmissionFactory(submitted=True, call=CallForEvidenceFactory(closed=True))

    with pytest.raises(ValidationError):
        submission_withdraw(actor=anonymous, submission=submission)

    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_submission_enter_on_behalf_is_marked_and_idempotent(secretariat, call):
    question = QuestionFactory(section__call=call)
    details = {
        "respondent_name": "Wisbech Larder",
        "responding_as": "organisation",
        "organisation_name": "Wisbech Larder",
        "organisation_type": "community",
    }

    first = submission_enter_on_behalf(
        actor=secretariat,
        call=call,
        channel="paper",
        details=details,
        answers={question: {"text": "Food is a regeneration issue."}},
        import_key="row-1",
    )
    again = submission_enter_on_behalf(
        actor=secretariat,
        call=call,
        channel="paper",
        details=details,
        answers={},
        import_key="row-1",
    )

    assert again.pk == first.pk
    assert (first.channel, first.entered_by, first.reference) == ("paper", secretariat, "TST0001")
    assert first.answers.get().text == "Food is a regeneration issue."


@pytest.mark.django_db(transaction=True)
def test_submission_submit_concurrent_gives_no_gaps_or_duplicates():
    call = CallForEvidenceFactory(open=True)
    drafts = [SubmissionFactory(call=call) for _ in range(6)]
    errors: list[Exception] = []
    barrier = threading.Barrier(len(drafts))

    def submit(submission):
        try:
            barrier.wait(timeout=10)
            submission_submit(actor=None, submission=submission)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(Submission.objects.filter(call=call).values_list("reference", flat=True)) == [
        f"TST000{n}" for n in range(1, 7)
    ]


def test_confirmation_email_goes_through_the_outbox_after_commit(
    call, anonymous, django_capture_on_commit_callbacks, mailoutbox
):
    question = QuestionFactory(section__call=call, text="What works?")
    submission, _ = _ready_draft(call, anonymous)
    submission_answers_save(
        actor=anonymous, submission=submission, answers={question: {"text": "Night buses."}}
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_submit(actor=anonymous, submission=submission)
        row = OutboundEmail.objects.get(template="evidence/submission_received")
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert callbacks[0].args == (outbound_email_send_task, {"email_id": row.pk})
    outbound_email_send(email_id=row.pk)
    [message] = mailoutbox
    assert message.to == ["pat@example.org"]
    assert message.subject == "We have received your evidence (TST0001)"
    assert "Your reference is TST0001. Please quote it if you contact us." in message.body
    assert "A copy of your answers:\n\nWhat works?\nNight buses.\n" in message.body
    assert message.content_subtype == "plain"


def test_rolled_back_submit_sends_nothing_and_leaves_no_gap(
    call, anonymous, monkeypatch, django_capture_on_commit_callbacks
):
    first, _ = _ready_draft(call, anonymous)
    second, _ = _ready_draft(call, anonymous)
    real_audit = submissions_module.audit_record

    def failing_audit(**kwargs):
        if kwargs["action"] == "evidence.submission.submit":
            raise RuntimeError("database went away")
        return real_audit(**kwargs)

    monkeypatch.setattr(submissions_module, "audit_record", failing_audit)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        submission_submit(actor=anonymous, submission=first)
    monkeypatch.setattr(submissions_module, "audit_record", real_audit)

    second = submission_submit(actor=anonymous, submission=second)

    assert callbacks == []
    assert Submission.objects.get(pk=first.pk).status == SubmissionStatus.DRAFT
    assert second.reference == "TST0001"
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 1


@pytest.mark.django_db(transaction=True)
def test_submission_submit_same_draft_concurrently_sends_once():
    call = CallForEvidenceFactory(open=True)
    draft = SubmissionFactory(call=call)
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait(timeout=10)
            submission_submit(actor=None, submission=Submission.objects.get(pk=draft.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert list(Submission.objects.filter(call=call).values_list("reference", flat=True)) == [
        "TST0001"
    ]
    assert ReferenceCounter.objects.get(call=call).last_number == 1
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 1
    assert _actions(draft).count("evidence.submission.submit") == 1


def test_submission_submit_refuses_consent_to_an_old_privacy_notice(call, anonymous):
    submission, _ = _ready_draft(call, anonymous)
    CallForEvidence.objects.filter(pk=call.pk).update(privacy_notice_version=2)
    submission.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        submission_submit(actor=anonymous, submission=submission)

    assert excinfo.value.messages == [
        "The privacy notice has changed since you agreed to it. Read it again and confirm "
        "on the 'Your details' page."
    ]
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT
