"""The secretariat sets up a call: create and edit it, preview it, questions, lifecycle."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, QuestionKind
from evidence.models import CallForEvidence, Question, Section
from levelup.models import AuditEntry
from tests.factories import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def _call_data(**overrides):
    data = {
        "title": "Towns after the high street",
        "summary": "What should replace empty shops?",
        "background": (
            '<p>Why <strong>now</strong></p><script>alert(1)</script><p onclick="x()">Hi</p>'
        ),
        "who_should_respond": "Anyone who runs a business in a town centre.",
        "guidance": "Answer what you can.",
        "privacy_notice": "We keep your response for two years.",
        "publication_policy": "We publish what you allow.",
        "contact_email": "towns@example.org",
        "reference_prefix": "twn",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-04-30T17:00",
        "anonymised_review": "on",
        "word_limit": "500",
        "max_attachments": "2",
    }
    data.update(overrides)
    return data


def test_create_call_saves_every_field_sanitised_and_audited(client, secretariat, body):
    client.force_login(secretariat)

    response = client.post(reverse("evidence:manage-call-create"), _call_data(body=body.pk))

    call = CallForEvidence.objects.get(title="Towns after the high street")
    assert response["Location"] == reverse("evidence:manage-questions", kwargs={"slug": call.slug})
    assert call.body == body
    assert call.status == CallStatus.DRAFT
    assert call.background == "<p>Why <strong>now</strong></p><p>Hi</p>"
    assert call.reference_prefix == "TWN"
    assert timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M %Z") == "2030-03-01 09:00 GMT"
    assert (
        timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M %Z") == "2030-04-30 17:00 BST"
    )
    assert (call.anonymised_review, call.word_limit, call.max_attachments) == (True, 500, 2)
    assert call.contact_email == "towns@example.org"
    assert (
        call.summary,
        call.who_should_respond,
        call.guidance,
        call.privacy_notice,
        call.publication_policy,
    ) == (
        "What should replace empty shops?",
        "Anyone who runs a business in a town centre.",
        "Answer what you can.",
        "We keep your response for two years.",
        "We publish what you allow.",
    )
    entry = AuditEntry.objects.get(action="evidence.call.create")
    assert (entry.actor, entry.object_id) == (secretariat, str(call.pk))


def test_create_call_refuses_a_body_the_person_does_not_run(client, secretariat):
    from tests.factories import BodyFactory

    other = BodyFactory()
    client.force_login(secretariat)

    response = client.post(reverse("evidence:manage-call-create"), _call_data(body=other.pk))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    assert not CallForEvidence.objects.filter(title="Towns after the high street").exists()


def test_create_call_closing_before_opening_is_explained(client, secretariat, body):
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-call-create"),
        _call_data(body=body.pk, closes_at="2030-02-01T09:00"),
    )

    assert response.context["form"].errors == {"closes_at": ["The call must close after it opens."]}
    assert "Error:" in response.content.decode()


def test_edit_call_changes_settings_and_bumps_privacy_version(client, secretariat, call):
    client.force_login(secretariat)
    url = reverse("evidence:manage-call-edit", kwargs={"slug": call.slug})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["opens_at"] = timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M")
    data["closes_at"] = timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M")
    data.update(title="A better title", privacy_notice="New notice")

    response = client.post(url, data)

    call.refresh_from_db()
    assert response["Location"] == reverse("evidence:manage-call", kwargs={"slug": call.slug})
    assert (call.title, call.privacy_notice, call.privacy_notice_version) == (
        "A better title",
        "New notice",
        2,
    )
    entry = AuditEntry.objects.get(action="evidence.call.update")
    assert entry.actor == secretariat
    assert entry.changes["title"][1] == "A better title"
    assert entry.changes["privacy_notice"][1] == "New notice"


def test_edit_call_keeps_seconds_of_times_left_unchanged_and_does_not_audit_them(
    client, secretariat, call
):
    opens_at = call.opens_at.replace(second=42, microsecond=123_000)
    closes_at = call.closes_at.replace(second=7, microsecond=0)
    CallForEvidence.objects.filter(pk=call.pk).update(opens_at=opens_at, closes_at=closes_at)
    client.force_login(secretariat)
    url = reverse("evidence:manage-call-edit", kwargs={"slug": call.slug})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["opens_at"] = timezone.localtime(opens_at).strftime("%Y-%m-%dT%H:%M")
    new_close = timezone.localtime(closes_at + timedelta(days=1)).replace(second=0)
    data["closes_at"] = new_close.strftime("%Y-%m-%dT%H:%M")
    data["title"] = "A better title"

    client.post(url, data)

    call.refresh_from_db()
    assert (call.opens_at, call.closes_at) == (opens_at, new_close)
    entry = AuditEntry.objects.get(action="evidence.call.update")
    assert sorted(entry.changes) == ["closes_at", "title"]


def test_preview_shows_draft_as_respondent_would_see_it(client, secretariat, body):
    draft = CallForEvidenceFactory(body=body, background="<p>Shops <em>matter</em></p>")
    question = QuestionFactory(section__call=draft, text="What would bring people back?")
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-call-preview", kwargs={"slug": draft.slug}))

    html = response.content.decode()
    assert "<p>Shops <em>matter</em></p>" in html
    assert "What would bring people back?" in html
    assert "It is a draft: the public cannot see it yet." in html
    assert "<fieldset disabled>" in html
    assert f'name="s{question.section_id}-q{question.pk}"' in html


def test_add_section_and_questions_of_every_kind(client, secretariat, body):
    draft = CallForEvidenceFactory(body=body)
    client.force_login(secretariat)
    client.post(
        reverse("evidence:manage-section-create", kwargs={"slug": draft.slug}),
        {"title": "About you", "description": ""},
    )
    section = Section.objects.get(call=draft)

    for kind in QuestionKind.values:
        client.post(
            reverse("evidence:manage-question-create", kwargs={"slug": draft.slug}),
            {
                "section": section.pk,
                "text": f"A {kind} question?",
                "kind": kind,
                "help_text": "Be brief.",
                "required": "on",
                "word_limit": "250",
                "choices": "Yes\nNo\n",
            },
        )

    questions = list(Question.objects.filter(call=draft).order_by("position"))
    assert [q.kind for q in questions] == list(QuestionKind.values)
    by_kind = {q.kind: q for q in questions}
    assert by_kind[QuestionKind.LONG_TEXT].word_limit == 250
    assert by_kind[QuestionKind.SHORT_TEXT].word_limit is None
    assert by_kind[QuestionKind.SINGLE_CHOICE].choices == ["Yes", "No"]
    assert by_kind[QuestionKind.NUMBER].choices == []
    assert all(q.required and q.help_text == "Be brief." for q in questions)


def test_choice_question_needs_two_options(client, secretariat, call):
    section = SectionFactory(call=call)
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-question-create", kwargs={"slug": call.slug}),
        {"section": section.pk, "text": "Pick one", "kind": "single_choice", "choices": "Only"},
    )

    assert response.context["form"].errors == {
        "choices": ["Give at least two options, one per line."]
    }


def test_changing_kind_of_answered_question_is_refused_with_message(client, secretariat, call):
    question = QuestionFactory(section__call=call, kind=QuestionKind.LONG_TEXT, text="Why?")
    AnswerFactory(question=question, submission__call=call)
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-question-edit", kwargs={"slug": call.slug, "pk": question.pk}),
        {"section": question.section_id, "text": "Why?", "kind": "short_text"},
    )

    question.refresh_from_db()
    assert question.kind == QuestionKind.LONG_TEXT
    assert response.context["form"].errors == {
        "kind": [
            "This question has answers already, so its kind cannot change. "
            "Add a new question instead."
        ]
    }


def test_editing_text_of_answered_question_is_allowed(client, secretariat, call):
    question = QuestionFactory(section__call=call, text="Why?")
    AnswerFactory(question=question, submission__call=call)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-question-edit", kwargs={"slug": call.slug, "pk": question.pk}),
        {"section": question.section_id, "text": "Why, in your words?", "kind": question.kind},
    )

    question.refresh_from_db()
    assert question.text == "Why, in your words?"


def test_move_buttons_reorder_questions_without_javascript(client, secretariat, call):
    section = SectionFactory(call=call)
    _first, _second, third = (
        QuestionFactory(section=section, text=t, position=i) for i, t in enumerate("ABC")
    )
    client.force_login(secretariat)
    url = reverse("evidence:manage-question-move", kwargs={"slug": call.slug, "pk": third.pk})

    client.post(url, {"direction": "up"})
    client.post(url, {"direction": "up"})

    order = list(section.questions.order_by("position").values_list("text", flat=True))
    assert order == ["C", "A", "B"]
    assert AuditEntry.objects.filter(action="evidence.question.move").count() == 2


def test_move_sections_down(client, secretariat, call):
    top = SectionFactory(call=call, title="Top", position=0)
    SectionFactory(call=call, title="Bottom", position=1)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-section-move", kwargs={"slug": call.slug, "pk": top.pk}),
        {"direction": "down"},
    )

    assert list(call.sections.order_by("position").values_list("title", flat=True)) == [
        "Bottom",
        "Top",
    ]


def test_questions_page_lists_sections_in_order_with_move_buttons(client, secretariat, call):
    section = SectionFactory(call=call, title="Your experience")
    QuestionFactory(section=section, text="First?", position=0)
    QuestionFactory(section=section, text="Second?", position=1)
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-questions", kwargs={"slug": call.slug}))

    html = response.content.decode()
    assert "Section 1: Your experience" in html
    assert html.index("First?") < html.index("Second?")
    assert html.count('name="direction" value="up"') == 1
    assert html.count('name="direction" value="down"') == 1


def test_delete_unanswered_question(client, secretariat, call):
    question = QuestionFactory(section__call=call)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-question-delete", kwargs={"slug": call.slug, "pk": question.pk})
    )

    assert not Question.objects.filter(pk=question.pk).exists()
    assert AuditEntry.objects.filter(action="evidence.question.delete").count() == 1


def test_delete_answered_question_is_refused(client, secretariat, call):
    question = QuestionFactory(section__call=call)
    AnswerFactory(question=question, submission__call=call)
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-question-delete", kwargs={"slug": call.slug, "pk": question.pk}),
        follow=True,
    )

    assert Question.objects.filter(pk=question.pk).exists()
    assert "This question has answers already, so it cannot be deleted." in (
        response.content.decode()
    )


def test_delete_section_with_questions_is_refused_and_empty_one_goes(client, secretariat, call):
    full = QuestionFactory(section__call=call).section
    empty = SectionFactory(call=call)
    client.force_login(secretariat)

    for section in (full, empty):
        client.post(
            reverse("evidence:manage-section-delete", kwargs={"slug": call.slug, "pk": section.pk})
        )

    assert list(Section.objects.filter(call=call)) == [full]


def test_schedule_draft_after_confirmation_is_audited(client, secretariat, body):
    draft = CallForEvidenceFactory(
        body=body,
        opens_at=timezone.now() - timedelta(minutes=5),
        closes_at=timezone.now() + timedelta(days=10),
    )
    QuestionFactory(section__call=draft)
    client.force_login(secretariat)
    url = reverse("evidence:manage-call-transition", kwargs={"slug": draft.slug})

    confirm = client.get(url, {"to": "scheduled"})
    response = client.post(url, {"to": "scheduled"})

    draft.refresh_from_db()
    assert "Move the call to scheduled?" in confirm.content.decode()
    assert response["Location"] == reverse("evidence:manage-call", kwargs={"slug": draft.slug})
    assert draft.status == CallStatus.SCHEDULED
    assert draft.current_status == CallStatus.OPEN  # the clock has opened it already
    entry = AuditEntry.objects.get(action="evidence.call.transition")
    assert entry.changes == {"status": ["draft", "scheduled"]}


def test_schedule_without_questions_is_refused_with_message(client, secretariat, body):
    draft = CallForEvidenceFactory(
        body=body, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-call-transition", kwargs={"slug": draft.slug}),
        {"to": "scheduled"},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == CallStatus.DRAFT
    assert "Add at least one question first." in response.content.decode()


@pytest.mark.parametrize(
    ("start", "to"),
    [("closed", "analysing"), ("published", "archived")],
)
def test_manual_steps_after_closing(client, secretariat, body, start, to):
    call = CallForEvidenceFactory(body=body, closed=True, status=start)
    client.force_login(secretariat)

    client.post(reverse("evidence:manage-call-transition", kwargs={"slug": call.slug}), {"to": to})

    call.refresh_from_db()
    assert call.status == to


# Publishing is not a step by hand: it has its own service and confirmation page.
@pytest.mark.parametrize("to", ["open", "closed", "published", "nonsense"])
def test_steps_not_allowed_by_hand_are_404(client, secretariat, call, to):
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-call-transition", kwargs={"slug": call.slug}), {"to": to}
    )

    call.refresh_from_db()
    assert response.status_code == 404
    assert call.status == CallStatus.OPEN


def test_kind_change_refusal_is_shown_in_the_summary_and_by_the_field(client, secretariat, call):
    question = QuestionFactory(section__call=call, kind=QuestionKind.LONG_TEXT, text="Why?")
    AnswerFactory(question=question, submission__call=call)
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-question-edit", kwargs={"slug": call.slug, "pk": question.pk}),
        {"section": question.section_id, "text": "Why, briefly?", "kind": "number"},
    )

    html = response.content.decode()
    message = (
        "This question has answers already, so its kind cannot change. Add a new question instead."
    )
    assert html.count(message) == 2  # the error summary and the inline error
    assert 'href="#id_kind_0"' in html
    assert re.search(r"<title>\s*Error:", html)
    question.refresh_from_db()
    assert (question.kind, question.text) == (QuestionKind.LONG_TEXT, "Why?")
    assert not AuditEntry.objects.filter(action="evidence.question.update").exists()


def test_kind_of_a_file_question_with_an_attachment_cannot_change(secretariat, call):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import attachment_add, question_update
    from tests.factories import SubmissionFactory

    question = QuestionFactory(section__call=call, kind=QuestionKind.FILE)
    attachment_add(
        actor=None,
        submission=SubmissionFactory(call=call),
        question=question,
        upload=SimpleUploadedFile("notes.txt", b"Our evidence.\n"),
    )

    with pytest.raises(ValidationError) as refused:
        question_update(actor=secretariat, question=question, kind=QuestionKind.LONG_TEXT)

    assert refused.value.message_dict == {
        "kind": [
            "This question has answers already, so its kind cannot change. "
            "Add a new question instead."
        ]
    }


def test_kind_of_an_unanswered_question_can_change_and_is_audited(client, secretariat, call):
    question = QuestionFactory(section__call=call, kind=QuestionKind.LONG_TEXT, text="Why?")
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-question-edit", kwargs={"slug": call.slug, "pk": question.pk}),
        {"section": question.section_id, "text": "Why?", "kind": "short_text"},
    )

    question.refresh_from_db()
    assert question.kind == QuestionKind.SHORT_TEXT
    entry = AuditEntry.objects.get(action="evidence.question.update")
    assert (entry.actor, entry.changes["kind"]) == (secretariat, ["long_text", "short_text"])


def test_move_buttons_are_plain_forms_and_the_end_ones_are_left_out(client, secretariat, call):
    section = SectionFactory(call=call, title="Only section")
    first = QuestionFactory(section=section, text="First?", position=0)
    last = QuestionFactory(section=section, text="Last?", position=1)
    client.force_login(secretariat)

    html = client.get(reverse("evidence:manage-questions", kwargs={"slug": call.slug})).content
    html = html.decode()

    down = reverse("evidence:manage-question-move", kwargs={"slug": call.slug, "pk": first.pk})
    up = reverse("evidence:manage-question-move", kwargs={"slug": call.slug, "pk": last.pk})
    # One plain POST form per button: reordering works without JavaScript.
    assert len(re.findall(rf'<form method="post"\s+action="{re.escape(down)}"', html)) == 1
    assert len(re.findall(rf'<form method="post"\s+action="{re.escape(up)}"', html)) == 1
    assert "<script" not in html.split("<main", 1)[1]


def test_moving_the_first_question_up_changes_nothing(client, secretariat, call):
    section = SectionFactory(call=call)
    first = QuestionFactory(section=section, text="A", position=0)
    QuestionFactory(section=section, text="B", position=1)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-question-move", kwargs={"slug": call.slug, "pk": first.pk}),
        {"direction": "up"},
    )

    assert list(section.questions.order_by("position").values_list("text", flat=True)) == [
        "A",
        "B",
    ]
    assert not AuditEntry.objects.filter(action="evidence.question.move").exists()


def test_section_move_is_audited(client, secretariat, call):
    top = SectionFactory(call=call, title="Top", position=0)
    SectionFactory(call=call, title="Bottom", position=1)
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-section-move", kwargs={"slug": call.slug, "pk": top.pk}),
        {"direction": "down"},
    )

    entry = AuditEntry.objects.get(action="evidence.section.move")
    assert (entry.actor, entry.object_id, entry.changes) == (
        secretariat,
        str(top.pk),
        {"to": "down"},
    )


def test_word_limit_set_by_the_secretariat_is_counted_live_and_checked_by_the_server(
    client, secretariat, call
):
    from django.test import Client

    section = SectionFactory(call=call)
    client.force_login(secretariat)
    client.post(
        reverse("evidence:manage-question-create", kwargs={"slug": call.slug}),
        {"section": section.pk, "text": "In five words?", "kind": "long_text", "word_limit": "5"},
    )
    question = Question.objects.get(call=call)
    respondent = Client()  # no JavaScript: the server's check is the rule
    started = respondent.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    public_id = started["Location"].strip("/").split("/")[-2]
    page_url = reverse("evidence:response-section", kwargs={"public_id": public_id, "number": 1})

    page = respondent.get(page_url).content.decode()
    over = respondent.post(
        page_url, {f"q{question.pk}": "one two three four five six", "action": "continue"}
    )

    assert question.word_limit == 5
    assert 'data-word-limit="5"' in page
    assert "js/evidence-word-count.js" in page
    assert over.status_code == 200
    assert over.context["form"].errors == {
        f"q{question.pk}": [
            "Your answer is 1 word too long: it has 6 words and the limit is 5. "
            "Your text has been kept so you can shorten it."
        ]
    }
    assert "one two three four five six</textarea>" in over.content.decode()


@pytest.mark.parametrize(
    ("name", "pk", "heading", "button"),
    [
        ("evidence:manage-section-create", None, "Add a section", "Save section"),
        ("evidence:manage-section-edit", "section", "Edit section", "Save section"),
        ("evidence:manage-question-create", None, "Add a question", "Save question"),
        ("evidence:manage-question-edit", "question", "Edit question", "Save question"),
    ],
)
def test_section_and_question_pages_share_one_layout(
    client, secretariat, call, name, pk, heading, button
):
    question = QuestionFactory(section__call=call)
    kwargs = {"slug": call.slug}
    if pk:
        kwargs["pk"] = question.section_id if pk == "section" else question.pk
    client.force_login(secretariat)

    html = client.get(reverse(name, kwargs=kwargs)).content.decode()

    assert re.search(rf"<title>[^<]*{heading}[^<]*</title>", html)
    assert f"<h1>{heading}</h1>" in html
    assert re.search(rf'aria-current="page">\s*{heading}\s*</li>', html)
    assert re.search(rf">\s*{button}\s*</button>", html)
