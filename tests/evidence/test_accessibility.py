"""The respondent's pages as HTML: labels, hints, fieldsets for choices, the GOV.UK error
summary linked to each field, inline errors, and a fixed number of queries per page."""

import re

import pytest
from django.urls import reverse

from evidence.enums import QuestionKind
from tests.factories import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SectionFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallForEvidenceFactory(open=True, word_limit=50)
    section = SectionFactory(call=call, title="Your evidence")
    QuestionFactory(
        section=section, text="What has worked?", help_text="Give examples.", required=True
    )
    QuestionFactory(
        section=section, kind=QuestionKind.SINGLE_CHOICE, choices=["Yes", "No"], required=True
    )
    QuestionFactory(section=section, kind=QuestionKind.MULTIPLE_CHOICE, choices=["A", "B"])
    QuestionFactory(section=section, kind=QuestionKind.SCALE, help_text="Your view.")
    QuestionFactory(section=section, kind=QuestionKind.FILE)
    return call


@pytest.fixture
def draft(call, client):
    submission = SubmissionFactory(call=call, user=None)
    session = client.session
    session["evidence_responses"] = [str(submission.public_id)]
    session.save()
    return submission


def _q(call, kind):
    return call.questions.get(kind=kind)


def _field_html(html: str, question) -> str:
    """The markup of one question, from its wrapper to the next question's."""
    start = html.index(f'id="div_id_q{question.pk}"')
    following = html.find('id="div_id_q', start + 1)
    return re.sub(r"[ \t\n]+", " ", html[start : following if following > 0 else None])


def _section(client, draft, data=None):
    url = reverse("evidence:response-section", kwargs={"public_id": draft.public_id, "number": 1})
    return client.post(url, data) if data is not None else client.get(url)


def test_text_questions_have_labels_and_linked_hints(client, call, draft):
    long = _q(call, QuestionKind.LONG_TEXT)

    html = _field_html(_section(client, draft).content.decode(), long)

    assert f'<label for="id_q{long.pk}" class="form-label"> What has worked? </label>' in html
    assert f'aria-describedby="id_q{long.pk}_helptext"' in html
    assert f'<div id="id_q{long.pk}_helptext" class="form-text">Give examples. Up to 50 words.' in (
        html
    )


@pytest.mark.parametrize(
    ("kind", "legend"),
    [
        (QuestionKind.SINGLE_CHOICE, "{text}"),
        (QuestionKind.MULTIPLE_CHOICE, "{text} (optional)"),
        (QuestionKind.SCALE, "{text} (optional)"),
    ],
)
def test_choice_questions_are_fieldsets_with_a_legend(client, call, draft, kind, legend):
    question = _q(call, kind)

    html = _field_html(_section(client, draft).content.decode(), question)

    assert html.count("<fieldset") == html.count("</fieldset>") == 1
    assert re.search(r"<legend[^>]*> (.*?) </legend>", html).group(1) == legend.format(
        text=question.text
    )
    assert f'id="id_q{question.pk}_0"' in html
    assert f'<label for="id_q{question.pk}_0" class="form-check-label">' in html


def test_scale_hint_is_linked_to_its_fieldset(client, call, draft):
    scale = _q(call, QuestionKind.SCALE)

    html = _field_html(_section(client, draft).content.decode(), scale)

    assert f'<fieldset aria-describedby="id_q{scale.pk}_helptext">' in html


def test_errors_have_a_summary_linked_to_each_field_and_inline_messages(client, call, draft):
    long, single = _q(call, QuestionKind.LONG_TEXT), _q(call, QuestionKind.SINGLE_CHOICE)

    response = _section(client, draft, {"action": "continue"})

    html = response.content.decode()
    assert re.search(r"<title>\s*Error:\s+Your evidence", html)
    summary = " ".join(html.split('id="error-summary"', 1)[1].split("</ul>", 1)[0].split())
    assert 'role="alert"' in summary
    assert re.findall(r'<a href="#([^"]+)" class="alert-link">([^<]+)</a>', summary) == [
        (f"id_q{long.pk}", "Answer this question, or save and come back later."),
        (f"id_q{single.pk}_0", "Answer this question, or save and come back later."),
    ]
    for question in (long, single):
        field = _field_html(html, question)
        assert f'id="id_q{question.pk}_error"' in field
        assert f"id_q{question.pk}_error" in re.search(r'aria-describedby="([^"]+)"', field)[1]
        assert 'aria-invalid="true"' in field


def test_an_option_that_is_not_offered_gets_one_clear_message(client, call, draft):
    single, multiple = _q(call, QuestionKind.SINGLE_CHOICE), _q(call, QuestionKind.MULTIPLE_CHOICE)

    response = _section(
        client, draft, {f"q{single.pk}": "Maybe", f"q{multiple.pk}": ["A", "Z"], "action": "save"}
    )

    assert response.context["form"].errors == {
        f"q{single.pk}": ["Choose one of the options."],
        f"q{multiple.pk}": ["Choose from the options given."],
    }
    assert draft.answers.get(question=single).text == "Maybe"


def test_details_page_groups_choices_in_fieldsets(client, draft):
    html = client.get(
        reverse("evidence:response-details", kwargs={"public_id": draft.public_id})
    ).content.decode()
    flat = " ".join(html.split())

    legends = re.findall(r"<legend[^>]*> (.*?)<", flat)
    assert [legend.strip() for legend in legends] == [
        "Are you responding as an individual or on behalf of an organisation?",
        "Size of business",
        "May we publish your response?",
    ]
    assert '<label for="id_respondent_name" class="form-label requiredField"> Full name' in flat
    assert 'autocomplete="email"' in flat


def _many_questions(call, rows: int) -> None:
    section = call.sections.get()
    for _ in range(rows):
        QuestionFactory(section=section, kind=QuestionKind.SINGLE_CHOICE, choices=["Yes", "No"])


@pytest.mark.parametrize("rows", [1, 3])
def test_section_page_queries_constant(client, call, draft, rows, django_assert_num_queries):
    _many_questions(call, rows)
    for question in call.questions.all():
        AnswerFactory(submission=draft, question=question, text="Yes")

    # session, response, sections, questions, answers, attachments
    with django_assert_num_queries(6):
        response = _section(client, draft)

    assert len(response.context["form"].questions) == 5 + rows


@pytest.mark.parametrize("rows", [1, 3])
def test_check_page_queries_constant(client, call, draft, rows, django_assert_num_queries):
    _many_questions(call, rows)
    for question in call.questions.all():
        AnswerFactory(submission=draft, question=question, text="Yes")

    # session, response, sections, questions, answers, attachments
    with django_assert_num_queries(6):
        response = client.get(
            reverse("evidence:response-check", kwargs={"public_id": draft.public_id})
        )

    assert len(response.context["summary"][0]["items"]) == 5 + rows


def test_file_question_hint_gives_kinds_and_limits(client, call, draft, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    file_q = _q(call, QuestionKind.FILE)

    html = _field_html(_section(client, draft).content.decode(), file_q)

    assert (
        f'<div id="id_q{file_q.pk}_helptext" class="form-text">PDF, Word (DOCX), OpenDocument '
        "(ODT) or plain text, up to 20.0\xa0MB. You can attach up to 3 files to your response."
    ) in html
    assert 'accept=".pdf,.docx,.odt,.txt"' in html
