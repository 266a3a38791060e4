"""Adding a question once responses have been sent: warned and confirmed while the call is
open, refused once it has closed; sent responses show the new question as "not asked"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, QuestionKind
from evidence.models import CallForEvidence, Question
from levelup.models import AuditEntry
from tests.factories import AnswerFactory, QuestionFactory, SectionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

WARNING = (
    "2 responses have been sent already. They did not have this question, and will show it "
    "as “not asked”. Tick the box to add the question anyway."
)


def _add(client, call, section, **extra):
    return client.post(
        reverse("evidence:manage-question-create", kwargs={"slug": call.slug}),
        {"section": section.pk, "text": "What else?", "kind": "long_text", **extra},
    )


@pytest.fixture
def sent_twice(call):
    section = SectionFactory(call=call)
    QuestionFactory(section=section, text="What has worked?")
    SubmissionFactory.create_batch(2, call=call, submitted=True)
    return section


def test_open_call_with_sent_responses_warns_and_asks_to_confirm(
    client, secretariat, call, sent_twice
):
    client.force_login(secretariat)

    page = client.get(reverse("evidence:manage-question-create", kwargs={"slug": call.slug}))
    unconfirmed = _add(client, call, sent_twice)

    assert f'<p class="alert alert-warning">{WARNING}</p>' in page.content.decode()
    assert unconfirmed.status_code == 200
    assert unconfirmed.context["form"].errors == {"confirm_sent_responses": [WARNING]}
    assert not Question.objects.filter(text="What else?").exists()


def test_confirmed_question_is_added_and_audited(client, secretariat, call, sent_twice):
    client.force_login(secretariat)

    response = _add(client, call, sent_twice, confirm_sent_responses="on")

    assert response.status_code == 302
    question = Question.objects.get(text="What else?")
    entry = AuditEntry.objects.get(action="evidence.question.create", object_id=str(question.pk))
    assert entry.changes == {"responses_sent_before": 2}


def test_open_call_without_sent_responses_adds_without_asking(client, secretariat, call):
    section = SectionFactory(call=call)
    SubmissionFactory(call=call)  # a draft: it will see the new question
    client.force_login(secretariat)

    page = client.get(reverse("evidence:manage-question-create", kwargs={"slug": call.slug}))
    response = _add(client, call, section)

    assert "confirm_sent_responses" not in page.content.decode()
    assert response.status_code == 302
    assert Question.objects.filter(text="What else?").count() == 1


@pytest.mark.parametrize("status", [CallStatus.CLOSED, CallStatus.ANALYSING, CallStatus.PUBLISHED])
def test_closed_call_refuses_new_questions(client, secretariat, call, status):
    section = SectionFactory(call=call)
    CallForEvidence.objects.filter(pk=call.pk).update(
        status=status, closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(secretariat)

    response = _add(client, call, section, confirm_sent_responses="on")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This call has closed, so questions can no longer be added."
    ]
    assert not Question.objects.filter(text="What else?").exists()


def test_sent_response_shows_a_later_question_as_not_asked(client, secretariat, call):
    section = SectionFactory(call=call)
    first = QuestionFactory(section=section, text="What has worked?", kind=QuestionKind.LONG_TEXT)
    sent = SubmissionFactory(call=call, submitted=True)
    AnswerFactory(submission=sent, question=first, text="Apprenticeships")
    client.force_login(secretariat)
    _add(client, call, section, confirm_sent_responses="on")

    html = client.get(
        reverse(
            "evidence:manage-submission", kwargs={"slug": call.slug, "public_id": sent.public_id}
        )
    ).content.decode()

    assert "Apprenticeships" in html
    assert "Not asked: this question was added after the response was sent" in html


def test_questions_of_the_call_as_sent_are_asked_even_of_backdated_responses(
    client, secretariat, call
):
    """Demo, imported and paper responses carry dates before their call's questions existed."""
    sent = SubmissionFactory(
        call=call, submitted=True, submitted_at=timezone.now() - timedelta(days=30)
    )
    question = QuestionFactory(section=SectionFactory(call=call), text="What has worked?")
    AnswerFactory(submission=sent, question=question, text="Apprenticeships")
    client.force_login(secretariat)

    html = client.get(
        reverse(
            "evidence:manage-submission", kwargs={"slug": call.slug, "public_id": sent.public_id}
        )
    ).content.decode()

    assert "Apprenticeships" in html
    assert "Not asked" not in html
