"""Every bad input from the issue: nothing is lost, and the page says what is wrong."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from evidence.enums import AttachmentStatus, QuestionKind, SubmissionStatus
from evidence.models import Attachment, CallForEvidence, Submission
from evidence.services import attachment_extract_text
from levelup.models import OutboundEmail
from tests.evidence.documents import corrupt_pdf_bytes, docx_bomb, exe_bytes, odt_bomb, pdf_bytes
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
    call = CallForEvidenceFactory(open=True, word_limit=5, reference_prefix="BAD")
    section = SectionFactory(call=call, title="Evidence")
    QuestionFactory(section=section, text="What has worked?", required=True, position=0)
    QuestionFactory(section=section, kind=QuestionKind.FILE, text="Attach a report", position=1)
    QuestionFactory(section=section, kind=QuestionKind.SHORT_TEXT, text="Where?", position=2)
    return call


@pytest.fixture
def draft(call, client):
    submission = SubmissionFactory(call=call, user=None)
    session = client.session
    session["evidence_responses"] = [str(submission.public_id)]
    session.save()
    return submission


def _page(submission):
    return reverse(
        "evidence:response-section", kwargs={"public_id": submission.public_id, "number": 1}
    )


def _text_q(call):
    return call.questions.get(kind=QuestionKind.LONG_TEXT)


def _file_q(call):
    return call.questions.get(kind=QuestionKind.FILE)


def _where_q(call):
    return call.questions.get(kind=QuestionKind.SHORT_TEXT)


def _shown(response, question, message: str) -> None:
    """The message is in the error summary, linked to the field, and next to the field."""
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    link = f'<a href="#id_q{question.pk}" class="alert-link">{escape(message)}</a>'
    assert link in re.sub(r"[ \n]+", " ", summary)
    inline = html.split(f'id="id_q{question.pk}_error"', 1)[1].split("</div>", 1)[0]
    assert escape(message) in inline


def test_empty_required_answer_is_explained(client, call, draft):
    response = client.post(
        _page(draft),
        {f"q{_text_q(call).pk}": "   ", f"q{_where_q(call).pk}": "Fleetwood", "action": "continue"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"q{_text_q(call).pk}": ["Answer this question, or save and come back later."]
    }
    _shown(response, _text_q(call), "Answer this question, or save and come back later.")
    assert 'value="Fleetwood"' in response.content.decode()
    assert draft.answers.get(question=_where_q(call)).text == "Fleetwood"


def test_over_word_limit_keeps_text_and_says_by_how_much(client, call, draft):
    text = "one two three four five six seven eight"

    response = client.post(_page(draft), {f"q{_text_q(call).pk}": text, "action": "continue"})

    assert response.context["form"].errors[f"q{_text_q(call).pk}"] == [
        "Your answer is 3 words too long: it has 8 words and the limit is 5. "
        "Your text has been kept so you can shorten it."
    ]
    _shown(
        response,
        _text_q(call),
        "Your answer is 3 words too long: it has 8 words and the limit is 5. "
        "Your text has been kept so you can shorten it.",
    )
    assert f">\n{text}</textarea>" in response.content.decode()
    assert draft.answers.get().text == text


def test_five_megabyte_answer_is_refused_but_stays_in_the_box(client, call, draft):
    text = ("evidence " * 600_000)[:5_000_000]
    CallForEvidence.objects.filter(pk=call.pk).update(word_limit=None)
    client.post(_page(draft), {f"q{_text_q(call).pk}": "My first draft", "action": "save"})

    response = client.post(
        _page(draft),
        {f"q{_text_q(call).pk}": text, f"q{_where_q(call).pk}": "Fleetwood", "action": "save"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors[f"q{_text_q(call).pk}"]
    assert errors == [
        "Your answer is 5,000,000 characters long; the most we can take is 100,000. "
        "It has not been saved: shorten it (your text is still in the box), or attach it "
        "as a file."
    ]
    _shown(response, _text_q(call), errors[0])
    assert text in response.content.decode()
    stored = {a.question_id: a.text for a in draft.answers.all()}
    assert stored == {_text_q(call).pk: "My first draft", _where_q(call).pk: "Fleetwood"}


def test_answer_at_the_ceiling_is_stored(client, call, draft):
    text = "a" * 100_000
    CallForEvidence.objects.filter(pk=call.pk).update(word_limit=None)

    response = client.post(_page(draft), {f"q{_text_q(call).pk}": text, "action": "save"})

    assert response.status_code == 302
    assert draft.answers.get().text == text


def test_the_ceiling_is_said_next_to_every_long_answer(client, call, draft):
    html = client.get(_page(draft)).content.decode()

    hint = html.split(f'id="id_q{_text_q(call).pk}_helptext"', 1)[1].split("</div>", 1)[0]
    assert "At most 100,000 characters; attach a file for anything longer." in hint


def _upload(client, call, draft, name, data):
    return client.post(
        _page(draft),
        {
            f"q{_text_q(call).pk}": "Short answer",
            f"q{_file_q(call).pk}": SimpleUploadedFile(name, data),
            "action": "upload",
        },
    )


def test_exe_renamed_pdf_is_refused(client, call, draft):
    response = _upload(client, call, draft, "report.pdf", exe_bytes())

    message = (
        "report.pdf is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file. "
        "We check what a file contains, not only its name."
    )
    assert response.context["form"].errors[f"q{_file_q(call).pk}"] == [message]
    _shown(response, _file_q(call), message)
    assert Attachment.objects.count() == 0
    assert draft.answers.get().text == "Short answer"


@pytest.mark.parametrize(("name", "bomb"), [("report.odt", odt_bomb), ("report.docx", docx_bomb)])
def test_zip_bomb_upload_is_refused_and_answers_kept(client, call, draft, name, bomb):
    response = _upload(client, call, draft, name, bomb(1024))

    message = (
        f"{name} cannot be accepted. This file unpacks to more than 100 MB, which is more "
        "than any document we accept. Save it again from the program that made it, or split "
        "it up."
    )
    assert response.context["form"].errors[f"q{_file_q(call).pk}"] == [message]
    _shown(response, _file_q(call), message)
    assert Attachment.objects.count() == 0
    assert draft.answers.get().text == "Short answer"


def test_zero_byte_file_is_refused(client, call, draft):
    response = _upload(client, call, draft, "empty.pdf", b"")

    errors = response.context["form"].errors[f"q{_file_q(call).pk}"]
    assert errors == ["empty.pdf is empty. Choose a file with something in it."]
    _shown(response, _file_q(call), errors[0])
    assert Attachment.objects.count() == 0
    assert draft.answers.get().text == "Short answer"


def test_file_over_size_limit_is_refused(client, call, draft, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024

    response = _upload(client, call, draft, "big.txt", b"a" * 2048)

    errors = response.context["form"].errors[f"q{_file_q(call).pk}"]
    assert errors == ["big.txt is 2.0\xa0KB; files must be 1.0\xa0KB or smaller."]
    _shown(response, _file_q(call), errors[0])
    assert Attachment.objects.count() == 0
    assert draft.answers.get().text == "Short answer"


def test_too_many_files_is_refused(client, call, draft):
    CallForEvidence.objects.filter(pk=call.pk).update(max_attachments=1)
    _upload(client, call, draft, "one.txt", b"first")

    response = _upload(client, call, draft, "two.txt", b"second")

    errors = response.context["form"].errors[f"q{_file_q(call).pk}"]
    assert errors == ["You can attach at most 1 files to a response. Remove one first."]
    _shown(response, _file_q(call), errors[0])
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["one.txt"]


def test_corrupt_pdf_is_kept_flagged_and_submission_goes_through(client, call, draft):
    response = _upload(client, call, draft, "broken.pdf", corrupt_pdf_bytes())
    attachment = Attachment.objects.get()

    attachment_extract_text(attachment_id=attachment.pk)
    submitted = client.post(
        reverse("evidence:response-check", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.UNREADABLE
    assert attachment.flag_reason.startswith("The file could not be read")
    assert submitted.status_code == 302
    assert Submission.objects.get(pk=draft.pk).status == SubmissionStatus.SUBMITTED
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["broken.pdf"]


def test_valid_pdf_is_stored_privately_with_random_name(client, call, draft, private_uploads):
    _upload(client, call, draft, "My evidence.pdf", pdf_bytes())

    attachment = Attachment.objects.get()
    assert attachment.original_name == "My evidence.pdf"
    assert "My evidence" not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert attachment.file.path.startswith(str(private_uploads))
    assert attachment.file.storage.base_url is None


def test_submission_to_closed_call_refused(client, call, draft):
    AnswerFactory(submission=draft, question=_text_q(call), text="Fine")
    CallForEvidence.objects.filter(pk=call.pk).update(status="closed")

    response = client.post(
        reverse("evidence:response-check", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert f"“{call.title}” closed at " in html
    assert "so we cannot take new responses or changes." in html
    assert f'please email {call.body.name} at <a href="mailto:secretariat@example.org">' in html
    assert "Fine" in html
    assert Submission.objects.get(pk=draft.pk).status == SubmissionStatus.DRAFT


def test_submission_to_draft_call_refused(client, call, draft):
    AnswerFactory(submission=draft, question=_text_q(call), text="Fine")
    CallForEvidence.objects.filter(pk=call.pk).update(status="draft")

    response = client.post(
        reverse("evidence:response-check", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "This call has not opened yet." in html
    assert "Fine" in html
    assert Submission.objects.get(pk=draft.pk).status == SubmissionStatus.DRAFT


def test_forged_question_id_from_another_call_is_ignored(client, call, draft):
    foreign = QuestionFactory(section__call=CallForEvidenceFactory(open=True))

    client.post(
        _page(draft),
        {f"q{_text_q(call).pk}": "Mine", f"q{foreign.pk}": "Forged", "action": "continue"},
    )

    assert list(draft.answers.values_list("question_id", "text")) == [(_text_q(call).pk, "Mine")]
    assert foreign.answers.count() == 0


def test_tampered_continue_token_is_refused(client):
    response = client.get(reverse("evidence:continue", kwargs={"token": "not-a-real-token"}))

    assert response.status_code == 404
    assert (
        "The link may have been copied wrongly, or it has expired. Check that you copied "
        "the whole link from your email."
    ) in response.content.decode()


def test_missing_csrf_token_is_refused(call, draft):
    csrf_client = Client(enforce_csrf_checks=True)
    session = csrf_client.session
    session["evidence_responses"] = [str(draft.public_id)]
    session.save()

    response = csrf_client.post(
        _page(draft), {f"q{_text_q(call).pk}": "No token", "action": "continue"}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Your form could not be sent</h1>" in html
    assert (
        "Nothing from this page has been saved, and nothing you saved before has been lost."
    ) in html
    assert draft.answers.count() == 0


def test_html_and_script_in_answers_stored_as_text_and_escaped_everywhere(
    client, call, draft, django_capture_on_commit_callbacks
):
    evil = '<script>alert("x")</script><b>bold</b>'
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"
    Submission.objects.filter(pk=draft.pk).update(respondent_name=evil)
    unsent = SubmissionFactory(call=call, user=None, respondent_name=evil)
    AnswerFactory(submission=unsent, question=_text_q(call), text=evil)
    session = client.session
    session["evidence_responses"] = [str(draft.public_id), str(unsent.public_id)]
    session.save()

    client.post(_page(draft), {f"q{_text_q(call).pk}": evil, "action": "save"})
    section = client.get(_page(draft))
    check = client.get(_url("response-check", draft))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(_url("response-check", draft))
    receipt = client.get(_url("response-receipt", draft))
    CallForEvidence.objects.filter(pk=call.pk).update(status="closed")
    closed = client.get(_url("response-check", unsent))

    assert draft.answers.get().text == evil
    assert "This call is not taking responses" in closed.content.decode()
    for page in (section, check, receipt, closed):
        html = page.content.decode()
        assert "<script>alert" not in html
        assert "<b>bold</b>" not in html
        assert escaped in html
    assert [p.content.decode().count(escaped) for p in (check, receipt, closed)] == [2, 2, 2]
    email = OutboundEmail.objects.get(template="evidence/submission_received")
    # Plain text: the respondent sees exactly what they typed, and nothing renders it.
    assert f"\n{evil}\n" in email.body_text
    assert email.subject == "We have received your evidence (BAD0001)"


def _url(name, submission):
    return reverse(f"evidence:{name}", kwargs={"public_id": submission.public_id})
