from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from evidence.enums import QuestionKind, SubmissionStatus
from evidence.models import CallForEvidence, ReferenceCounter, Submission
from evidence.services import late_link_issue
from levelup.models import OutboundEmail
from tests.factories import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SectionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "respondent_name": "Pat Jones",
    "respondent_email": "pat@example.org",
    "responding_as": "organisation",
    "organisation_name": "Promenade Print Co.",
    "organisation_type": "business",
    "organisation_size": "micro",
    "publication_preference": "named",
    "consent": "on",
}


@pytest.fixture
def open_call():
    call = CallForEvidenceFactory(open=True, reference_prefix="PTF", word_limit=10)
    first = SectionFactory(call=call, title="Your experience", position=0)
    second = SectionFactory(call=call, title="What next", position=1)
    QuestionFactory(section=first, text="What has worked?", required=True, position=0)
    QuestionFactory(
        section=first,
        kind=QuestionKind.SINGLE_CHOICE,
        choices=["Yes", "No"],
        text="Have you worked with your council?",
        position=1,
    )
    QuestionFactory(
        section=second, kind=QuestionKind.SCALE, text="Business should lead.", position=0
    )
    return call


def _start(client, call) -> Submission:
    response = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    submission = Submission.objects.get(call=call)
    assert response.url == reverse(
        "evidence:response-details", kwargs={"public_id": submission.public_id}
    )
    return submission


def _url(name, submission, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"public_id": submission.public_id, **kwargs})


def test_anonymous_journey_start_to_receipt(client, open_call, django_capture_on_commit_callbacks):
    submission = _start(client, open_call)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url("response-details", submission), DETAILS)
    assert response.url == _url("response-section", submission, number=1)
    link_email = OutboundEmail.objects.get(template="evidence/continue_link")
    assert link_email.to == ["pat@example.org"]
    assert "/responses/continue/" in link_email.body_text

    q1, q2, q3 = open_call.questions.order_by("section__position", "position")
    response = client.post(
        _url("response-section", submission, number=1),
        {
            f"q{q1.pk}": "Apprenticeships with local firms.",
            f"q{q2.pk}": "Yes",
            "action": "continue",
        },
    )
    assert response.url == _url("response-section", submission, number=2)
    response = client.post(
        _url("response-section", submission, number=2), {f"q{q3.pk}": "agree", "action": "continue"}
    )
    assert response.url == _url("response-check", submission)

    check = client.get(_url("response-check", submission))
    assert "Apprenticeships with local firms." in check.content.decode()
    assert "Agree" in check.content.decode()

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url("response-check", submission))
    assert response.url == _url("response-receipt", submission)
    receipt = client.get(response.url)
    assert "PTF0001" in receipt.content.decode()
    email = OutboundEmail.objects.get(template="evidence/submission_received")
    assert email.to == ["pat@example.org"]
    assert "Apprenticeships with local firms." in email.body_text
    submission.refresh_from_db()
    assert (submission.status, submission.organisation_size, submission.consent_version) == (
        SubmissionStatus.SUBMITTED,
        "micro",
        1,
    )


def test_continue_link_restores_access_in_a_new_browser(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    other = type(client)()

    refused = other.get(_url("response-check", submission))
    response = other.get(reverse("evidence:continue", kwargs={"token": token}))

    assert refused.status_code == 404
    assert response.url == _url("response-check", submission)
    assert other.get(response.url).status_code == 200


def test_tampered_continue_token_is_refused_politely(client, open_call):
    submission = _start(client, open_call)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    other = type(client)()

    response = other.get(reverse("evidence:continue", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert other.get(_url("response-check", submission)).status_code == 404


def test_draft_saved_on_every_page_even_with_save_later(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    q1 = open_call.questions.get(text="What has worked?")

    response = client.post(
        _url("response-section", submission, number=1),
        {f"q{q1.pk}": "Half an idea", "action": "save"},
    )

    assert response.url == _url("response-saved", submission)
    assert submission.answers.get(question=q1).text == "Half an idea"


def test_signed_in_respondent_sees_my_responses(client, open_call, respondent):
    client.force_login(respondent)
    submission = _start(client, open_call)
    SubmissionFactory(call=open_call, user=UserFactory(), respondent_name="Someone Else")

    response = client.get(reverse("evidence:my-responses"))

    assert list(response.context["responses"]) == [submission]
    assert submission.user == respondent
    assert response.content.decode().count(open_call.title) == 1
    assert "Someone Else" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_my_responses_queries_constant(client, respondent, rows, django_assert_num_queries):
    SubmissionFactory.create_batch(rows, user=respondent)
    client.force_login(respondent)

    # session, user, the person's roles (header links), responses with their calls
    with django_assert_num_queries(5):
        response = client.get(reverse("evidence:my-responses"))

    assert len(response.context["responses"]) == rows


def test_my_responses_needs_sign_in(client):
    response = client.get(reverse("evidence:my-responses"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_other_persons_response_is_not_found(client, open_call, respondent):
    submission = SubmissionFactory(
        call=open_call, user=UserFactory(), respondent_name="Hidden Person"
    )
    client.force_login(respondent)

    response = client.get(_url("response-check", submission))

    assert response.status_code == 404
    assert "Hidden Person" not in response.content.decode()


def test_double_submit_creates_one_submission(client, open_call):
    submission = SubmissionFactory(call=open_call, user=None)
    session = client.session
    session["evidence_responses"] = [str(submission.public_id)]
    session.save()
    AnswerFactory(submission=submission, question=open_call.questions.get(text="What has worked?"))

    first = client.post(_url("response-check", submission))
    second = client.post(_url("response-check", submission))

    assert first.url == second.url == _url("response-receipt", submission)
    assert Submission.objects.filter(call=open_call).count() == 1
    assert Submission.objects.get(pk=submission.pk).reference == "PTF0001"
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 1


def test_withdraw_before_closing(client, open_call, respondent):
    submission = SubmissionFactory(call=open_call, user=respondent, submitted=True)
    client.force_login(respondent)

    response = client.post(_url("response-withdraw", submission))

    assert response.url == _url("response-receipt", submission)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.WITHDRAWN


def test_closed_call_shows_draft_read_only_and_names_contact(client, open_call, respondent):
    submission = SubmissionFactory(call=open_call, user=respondent)
    AnswerFactory(submission=submission, question=open_call.questions.first(), text="Kept safe")
    CallForEvidence.objects.filter(pk=open_call.pk).update(status="closed")
    client.force_login(respondent)

    response = client.get(_url("response-section", submission, number=1))

    html = response.content.decode()
    assert "This call is not taking responses" in html
    assert "secretariat@example.org" in html
    assert "Kept safe" in html
    assert "<textarea" not in html


def test_closed_call_direct_post_refused_politely(client, open_call, respondent):
    submission = SubmissionFactory(call=open_call, user=respondent)
    q1 = open_call.questions.get(text="What has worked?")
    CallForEvidence.objects.filter(pk=open_call.pk).update(status="closed")
    client.force_login(respondent)

    response = client.post(
        _url("response-section", submission, number=1),
        {f"q{q1.pk}": "Too late", "action": "continue"},
    )
    submit = client.post(_url("response-check", submission))

    assert response.status_code == submit.status_code == 403
    assert "secretariat@example.org" in response.content.decode()
    assert submission.answers.count() == 0
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


def test_start_on_closed_call_refused_politely(client):
    call = CallForEvidenceFactory(closed=True)

    response = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))

    assert response.status_code == 403
    assert "This call is not taking responses" in response.content.decode()
    assert Submission.objects.count() == 0


def test_start_on_draft_call_not_found(client):
    call = CallForEvidenceFactory()

    response = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))

    assert response.status_code == 404
    assert Submission.objects.count() == 0


def test_check_page_lists_what_stops_sending(client, open_call, respondent):
    submission = SubmissionFactory(call=open_call, user=respondent)
    client.force_login(respondent)

    response = client.post(_url("response-check", submission))

    assert response.status_code == 200
    assert [p.message for p in response.context["problems"]] == [
        "Answer the question: What has worked?"
    ]
    assert "There is a problem" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


def test_continue_link_after_closing_shows_nothing_of_the_draft(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    CallForEvidence.objects.filter(pk=open_call.pk).update(status="closed")
    other = type(client)()

    response = other.get(reverse("evidence:continue", kwargs={"token": token}))
    opened = other.get(_url("response-check", submission))

    html = response.content.decode()
    assert response.status_code == 410
    assert "the private link to your response has stopped working" in html
    assert "Pat Jones" not in html
    assert "Send response" not in html
    assert opened.status_code == 404


def test_continue_link_after_sending_shows_a_read_only_receipt(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    for question in open_call.questions.filter(required=True):
        AnswerFactory(submission=submission, question=question, text="Skills matter here")
    client.post(_url("response-check", submission))
    submission.refresh_from_db()
    other = type(client)()

    response = other.get(reverse("evidence:continue", kwargs={"token": token}))
    withdraw = other.get(_url("response-withdraw", submission))

    html = response.content.decode()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert response.status_code == 200
    assert submission.reference in html
    assert "This is a read-only copy of the response you sent." in html
    assert "Withdraw this response" not in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert withdraw.status_code == 404


def _late_link(call, secretariat, **kwargs):
    return late_link_issue(
        actor=secretariat,
        call=call,
        email="late@example.org",
        expires_at=kwargs.get("expires_at", timezone.now() + timedelta(days=2)),
    )


def test_late_link_lets_one_respondent_submit_after_closing(client, secretariat, body):
    call = CallForEvidenceFactory(closed=True, body=body, reference_prefix="LAT")
    question = QuestionFactory(section__call=call, text="Anything else?")
    link, token = _late_link(call, secretariat)
    url = reverse("evidence:late-start", kwargs={"slug": call.slug, "token": token})

    response = client.get(url)
    submission = Submission.objects.get(call=call)
    again = client.get(url)
    client.post(
        _url("response-details", submission), {**DETAILS, "respondent_email": "late@example.org"}
    )
    client.post(
        _url("response-section", submission, number=1),
        {f"q{question.pk}": "Sorry I am late", "action": "continue"},
    )
    sent = client.post(_url("response-check", submission))

    assert response.url == _url("response-details", submission)
    assert again.url == _url("response-check", submission)
    assert sent.url == _url("response-receipt", submission)
    submission.refresh_from_db()
    assert (submission.reference, submission.late_link) == ("LAT0001", link)
    assert Submission.objects.filter(call=call).count() == 1


def test_late_link_expired_or_tampered_is_refused(client, secretariat, body):
    call = CallForEvidenceFactory(closed=True, body=body)
    link, token = _late_link(call, secretariat)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()

    expired = client.get(reverse("evidence:late-start", kwargs={"slug": call.slug, "token": token}))
    tampered = client.get(
        reverse("evidence:late-start", kwargs={"slug": call.slug, "token": token + "x"})
    )

    assert (expired.status_code, tampered.status_code) == (410, 404)
    assert Submission.objects.count() == 0


def test_details_with_a_mistake_keep_the_valid_fields(client, open_call):
    submission = _start(client, open_call)

    response = client.post(
        _url("response-details", submission), {**DETAILS, "consent": "", "respondent_email": "x"}
    )

    assert set(response.context["form"].errors) == {"respondent_email", "consent"}
    submission.refresh_from_db()
    assert (submission.respondent_name, submission.organisation_name) == (
        "Pat Jones",
        "Promenade Print Co.",
    )
    assert submission.consented_at is None


def test_back_button_and_second_tab_after_sending_change_nothing(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    q1 = open_call.questions.get(text="What has worked?")
    client.post(
        _url("response-section", submission, number=1),
        {f"q{q1.pk}": "Sent answer", "action": "continue"},
    )
    first = client.post(_url("response-check", submission))

    back = client.get(_url("response-check", submission))
    replay = client.post(_url("response-check", submission))
    other_tab_answers = client.post(
        _url("response-section", submission, number=1),
        {f"q{q1.pk}": "Changed later", "action": "continue"},
    )
    other_tab_details = client.post(
        _url("response-details", submission), {**DETAILS, "respondent_name": "Someone Else"}
    )

    receipt = _url("response-receipt", submission)
    assert [first.url, back.url, replay.url, other_tab_answers.url, other_tab_details.url] == [
        receipt
    ] * 5
    submission.refresh_from_db()
    assert (submission.reference, submission.respondent_name) == ("PTF0001", "Pat Jones")
    assert submission.answers.get(question=q1).text == "Sent answer"
    assert Submission.objects.filter(call=open_call).count() == 1
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 1
    assert ReferenceCounter.objects.get(call=open_call).last_number == 1


def test_check_page_asks_again_when_the_privacy_notice_changed(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    q1 = open_call.questions.get(text="What has worked?")
    AnswerFactory(submission=submission, question=q1, text="Fine")
    CallForEvidence.objects.filter(pk=open_call.pk).update(privacy_notice_version=2)

    refused = client.post(_url("response-check", submission))
    details = client.get(_url("response-details", submission))
    client.post(_url("response-details", submission), DETAILS)
    sent = client.post(_url("response-check", submission))

    assert [p.message for p in refused.context["problems"]] == [
        "The privacy notice has changed since you agreed to it. Read it again and confirm "
        "on the 'Your details' page."
    ]
    assert details.context["form"].initial["consent"] is False
    assert sent.url == _url("response-receipt", submission)
    submission.refresh_from_db()
    assert (submission.status, submission.consent_version) == (SubmissionStatus.SUBMITTED, 2)


def test_details_errors_say_what_to_do(client, open_call):
    submission = _start(client, open_call)

    response = client.post(_url("response-details", submission), {"responding_as": "organisation"})

    assert response.context["form"].errors == {
        "respondent_name": ["Enter your full name."],
        "respondent_email": ["Enter your email address."],
        "organisation_name": ["Enter the organisation's name."],
        "organisation_type": ["Choose the type of organisation."],
        "publication_preference": ["Choose whether and how we may publish your response."],
        "consent": ["Confirm that you have read the privacy notice."],
    }
    html = response.content.decode()
    assert '<a href="#id_publication_preference_0"' in html
    assert '<a href="#id_respondent_name"' in html
    assert "This field is required." not in html


def test_continue_link_is_shown_on_every_page_of_an_anonymous_draft(client, open_call):
    submission = _start(client, open_call)
    client.post(_url("response-details", submission), DETAILS)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    link = "http://testserver" + reverse("evidence:continue", kwargs={"token": token})

    pages = [
        client.get(_url("response-section", submission, number=1)),
        client.get(_url("response-section", submission, number=2)),
        client.get(_url("response-saved", submission)),
        client.get(_url("response-check", submission)),
    ]

    assert [link in page.content.decode() for page in pages] == [True] * 4
    assert OutboundEmail.objects.get(template="evidence/continue_link").to == ["pat@example.org"]
    assert link in OutboundEmail.objects.get(template="evidence/continue_link").body_text


def test_double_click_on_start_carries_on_with_one_draft(client, open_call, respondent):
    url = reverse("evidence:respond-start", kwargs={"slug": open_call.slug})
    signed_in = type(client)()
    signed_in.force_login(respondent)

    first, second = client.post(url), client.post(url)
    third, fourth = signed_in.post(url), signed_in.post(url)

    anonymous_draft = Submission.objects.get(call=open_call, user=None)
    account_draft = Submission.objects.get(call=open_call, user=respondent)
    assert Submission.objects.filter(call=open_call).count() == 2
    assert first.url == second.url == _url("response-details", anonymous_draft)
    assert third.url == fourth.url == _url("response-details", account_draft)
    assert [str(m) for m in get_messages(signed_in.get(fourth.url).wsgi_request)] == [
        "You have a draft response to this call already. Carry on with it."
    ]


def test_start_again_after_sending_begins_a_new_response(client, open_call, respondent):
    sent = SubmissionFactory(call=open_call, user=respondent, submitted=True)
    client.force_login(respondent)

    response = client.post(reverse("evidence:respond-start", kwargs={"slug": open_call.slug}))

    new = Submission.objects.exclude(pk=sent.pk).get(call=open_call)
    assert response.url == _url("response-details", new)
    assert new.status == SubmissionStatus.DRAFT
