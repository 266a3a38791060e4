"""Running a call: dashboard, list of responses, late links, responses entered on paper."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import (
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    SubmissionChannel,
    SubmissionStatus,
)
from evidence.models import LateSubmissionLink, Submission
from evidence.services import dashboard_counts_refresh
from levelup.enums import OrganisationType
from levelup.models import AuditEntry, OutboundEmail
from tests.factories import (
    CallForEvidenceFactory,
    PlaceFactory,
    QuestionFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, call, **kwargs):
    return reverse(name, kwargs={"slug": call.slug, **kwargs})


@pytest.mark.parametrize("rows", [1, 12])
def test_dashboard_queries_constant(client, secretariat, call, rows, django_assert_num_queries):
    for _n in range(rows):  # each from its own place: the places' names are one query
        SubmissionFactory(call=call, submitted=True, place=PlaceFactory())
    SubmissionFactory.create_batch(rows, call=call)
    dashboard_counts_refresh()
    client.force_login(secretariat)
    client.get(_url("evidence:manage-call", call))  # session and content types warmed

    # session, user, role grants, call, then the two pre-aggregated counts and the places'
    # names, whatever the number of rows
    with django_assert_num_queries(7):
        response = client.get(_url("evidence:manage-call", call))

    assert response.context["stats"]["submitted"] == rows
    assert response.context["stats"]["drafts"] == rows
    assert len(response.context["stats"]["places"]) == rows


def test_dashboard_counts_by_day_type_and_place(client, secretariat, call):
    blackpool = PlaceFactory(name="Blackpool")
    SubmissionFactory.create_batch(2, call=call, submitted=True, place=blackpool)
    SubmissionFactory(
        call=call,
        submitted=True,
        responding_as=RespondingAs.ORGANISATION,
        organisation_name="Wisbech Council",
        organisation_type=OrganisationType.LOCAL_AUTHORITY,
    )
    SubmissionFactory(call=call)
    dashboard_counts_refresh()
    client.force_login(secretariat)

    response = client.get(_url("evidence:manage-call", call))

    stats = response.context["stats"]
    assert stats["types"] == [("As an individual", 2), ("Local authority", 1)]
    assert stats["places"] == [("Blackpool", 2), ("Not given", 1)]
    assert [(d.submitted, d.drafts) for d in stats["days"]] == [(3, 1)]
    html = response.content.decode()
    assert "bar-w-75" in html  # 3 sent of 4 started that day
    assert 'style="' not in html
    # Each chart is a picture for sighted readers; its numbers are in a table beside it.
    assert html.count('<figure aria-hidden="true"') == 3
    for caption in (
        "Responses started each day",
        "Sent responses by respondent type",
        "Sent responses by place",
    ):
        assert f'<caption class="visually-hidden">{caption}</caption>' in html
    assert '<th scope="row" class="fw-normal">Blackpool</th>' in html


@pytest.mark.parametrize("rows", [1, 30])
def test_submission_list_queries_constant(
    client, secretariat, call, rows, django_assert_num_queries
):
    SubmissionFactory.create_batch(rows, call=call, submitted=True, place=PlaceFactory())
    client.force_login(secretariat)
    client.get(_url("evidence:manage-submissions", call))

    # session, user, role grants, call, the page, the bounded count, places for the filter,
    # the code frame's themes (for bulk coding)
    with django_assert_num_queries(8):
        response = client.get(_url("evidence:manage-submissions", call), {"q": ""})

    assert len(response.context["submissions"]) == min(rows, 25)


def test_submission_list_searches_names_organisations_and_references(client, secretariat, call):
    SubmissionFactory(call=call, submitted=True, respondent_name="Priya Shah")
    wanted = SubmissionFactory(
        call=call,
        submitted=True,
        respondent_name="Tom Jones",
        responding_as=RespondingAs.ORGANISATION,
        organisation_name="Bradford Bakers Ltd",
        organisation_type=OrganisationType.BUSINESS,
    )
    client.force_login(secretariat)

    by_org = client.get(_url("evidence:manage-submissions", call), {"q": "bakers"})
    by_ref = client.get(_url("evidence:manage-submissions", call), {"q": wanted.reference.lower()})

    assert [s.pk for s in by_org.context["submissions"]] == [wanted.pk]
    assert [s.pk for s in by_ref.context["submissions"]] == [wanted.pk]


def test_submission_list_filters_and_hides_drafts_and_other_calls(client, secretariat, call):
    wisbech = PlaceFactory(name="Wisbech")
    paper = SubmissionFactory(
        call=call, submitted=True, channel=SubmissionChannel.PAPER, place=wisbech
    )
    SubmissionFactory(call=call, submitted=True, place=wisbech)
    SubmissionFactory(call=call)
    SubmissionFactory(call=CallForEvidenceFactory(body=call.body, open=True), submitted=True)
    client.force_login(secretariat)

    everything = client.get(_url("evidence:manage-submissions", call))
    filtered = client.get(
        _url("evidence:manage-submissions", call),
        {"channel": "paper", "place": wisbech.pk, "status": "submitted"},
    )
    drafts = client.get(_url("evidence:manage-submissions", call), {"status": "draft"})

    assert len(everything.context["submissions"]) == 2
    assert [s.pk for s in filtered.context["submissions"]] == [paper.pk]
    assert len(drafts.context["submissions"]) == 1


def test_submission_list_paginates_keeping_filters(client, secretariat, call):
    SubmissionFactory.create_batch(26, call=call, submitted=True)
    oldest = call.submissions.order_by("number").first()
    client.force_login(secretariat)

    response = client.get(_url("evidence:manage-submissions", call), {"status": "submitted"})

    html = response.content.decode()
    assert response.context["page"].count == 26
    assert f"?status=submitted&amp;after={oldest.number + 1}" in html
    assert "?status=submitted&amp;page=oldest" in html
    assert "Newer" not in html


def test_submission_detail_shows_answers_and_channel(client, secretariat, call):
    question = QuestionFactory(section__call=call, text="What works?")
    submission = SubmissionFactory(call=call, submitted=True, channel=SubmissionChannel.EMAIL)
    submission.answers.create(question=question, text="<b>Bold</b> claims")
    client.force_login(secretariat)

    response = client.get(_url("evidence:manage-submission", call, public_id=submission.public_id))

    html = response.content.decode()
    assert "By email" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in html
    assert "The respondent" in html
    assert "Your details" not in html


def test_late_link_is_issued_emailed_and_audited(
    client, secretariat, body, django_capture_on_commit_callbacks
):
    closed = CallForEvidenceFactory(body=body, closed=True, title="Closed call")
    client.force_login(secretariat)
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        _url("evidence:manage-late-links", closed),
        {"email": "Late@Example.org", "expires_at": until, "reason": "Asked on the phone"},
    )

    link = LateSubmissionLink.objects.get(call=closed)
    assert response["Location"] == _url("evidence:manage-late-links", closed)
    assert (link.email, link.reason, link.created_by) == (
        "late@example.org",
        "Asked on the phone",
        secretariat,
    )
    email = OutboundEmail.objects.get(template="evidence/late_link")
    assert email.to == ["late@example.org"]
    assert f"/calls/{closed.slug}/late/" in email.body_text
    entry = AuditEntry.objects.get(action="evidence.late_link.issue")
    assert entry.changes["email"] == "late@example.org"
    from evidence.templatetags.evidence_tags import when_words

    page = client.get(response["Location"]).content.decode()
    assert (
        f"We have emailed a personal link to late@example.org. It works until "
        f"{when_words(link.expires_at)}." in page
    )


def test_late_link_emailed_works_for_the_respondent_after_closing(client, secretariat, body):
    closed = CallForEvidenceFactory(body=body, closed=True)
    QuestionFactory(section__call=closed)
    client.force_login(secretariat)
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        _url("evidence:manage-late-links", closed),
        {"email": "late@example.org", "expires_at": until},
    )
    body_text = OutboundEmail.objects.get(template="evidence/late_link").body_text
    path = next(line for line in body_text.splitlines() if "/late/" in line).split("testserver")[1]
    client.logout()

    response = client.get(path)

    submission = Submission.objects.get(call=closed)
    assert response["Location"] == reverse(
        "evidence:response-details", kwargs={"public_id": submission.public_id}
    )
    assert submission.late_link.email == "late@example.org"
    client.force_login(secretariat)
    links_page = client.get(_url("evidence:manage-late-links", closed)).content.decode()
    assert "Draft response" in links_page
    assert "(draft)" in links_page


def test_late_link_in_the_past_is_refused(client, secretariat, call):
    client.force_login(secretariat)
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        _url("evidence:manage-late-links", call), {"email": "a@example.org", "expires_at": past}
    )

    assert response.context["form"].errors == {"expires_at": ["Choose a time in the future."]}
    assert not LateSubmissionLink.objects.exists()


def test_late_link_revoke_stops_it_and_is_audited(client, secretariat, call):
    link = LateSubmissionLink.objects.create(
        call=call,
        email="late@example.org",
        token_hash="y" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(secretariat)

    client.post(_url("evidence:manage-late-link-revoke", call, pk=link.pk))

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert not link.is_usable()
    assert AuditEntry.objects.filter(action="evidence.late_link.revoke").count() == 1


def _paper_data(question, **overrides):
    data = {
        "channel": "paper",
        "received_on": "2026-03-04",
        "respondent_name": "Edna Paper",
        "respondent_email": "",
        "responding_as": "organisation",
        "organisation_name": "Wisbech Allotment Society",
        "organisation_type": "community",
        "publication_preference": "named",
        "consent": "on",
        f"answers-q{question.pk}": "We grow food for the food bank.",
    }
    data.update(overrides)
    return data


def test_paper_response_is_entered_marked_and_referenced(client, secretariat, body):
    closed = CallForEvidenceFactory(body=body, closed=True, reference_prefix="PTF")
    question = QuestionFactory(section__call=closed, required=True)
    client.force_login(secretariat)

    response = client.post(_url("evidence:manage-submission-enter", closed), _paper_data(question))

    submission = Submission.objects.get(call=closed)
    assert response["Location"] == _url(
        "evidence:manage-submission", closed, public_id=submission.public_id
    )
    assert (submission.status, submission.reference, submission.channel) == (
        SubmissionStatus.SUBMITTED,
        "PTF0001",
        SubmissionChannel.PAPER,
    )
    assert submission.entered_by == secretariat
    assert submission.organisation_name == "Wisbech Allotment Society"
    assert submission.publication_preference == PublicationPreference.NAMED
    assert submission.consent_version == closed.privacy_notice_version
    assert timezone.localtime(submission.submitted_at).date().isoformat() == "2026-03-04"
    assert submission.answers.get().text == "We grow food for the food bank."
    assert AuditEntry.objects.filter(action="evidence.submission.enter_on_behalf").count() == 1


def test_paper_response_missing_required_answer_keeps_what_was_typed(client, secretariat, call):
    question = QuestionFactory(section__call=call, required=True)
    other = QuestionFactory(section__call=call, kind=QuestionKind.SHORT_TEXT)
    client.force_login(secretariat)

    response = client.post(
        _url("evidence:manage-submission-enter", call),
        _paper_data(question, **{f"answers-q{question.pk}": "", f"answers-q{other.pk}": "Kept"}),
    )

    assert not Submission.objects.exists()
    assert response.context["answers_form"].errors == {
        f"q{question.pk}": ["Enter the respondent's answer to this question."]
    }
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'value="Kept"' in html


def test_paper_response_cannot_be_online(client, secretariat, call):
    question = QuestionFactory(section__call=call)
    client.force_login(secretariat)

    response = client.post(
        _url("evidence:manage-submission-enter", call), _paper_data(question, channel="online")
    )

    assert "channel" in response.context["details_form"].errors
    assert not Submission.objects.exists()


def _attached(call):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import attachment_add

    submission = SubmissionFactory(call=call)
    attachment = attachment_add(
        actor=None,
        submission=submission,
        upload=SimpleUploadedFile("notes.txt", b"Our evidence in plain text.\n"),
    )
    return submission, attachment


def test_secretariat_downloads_a_responses_file(client, secretariat, call):
    submission, attachment = _attached(call)
    client.force_login(secretariat)

    detail = client.get(_url("evidence:manage-submission", call, public_id=submission.public_id))
    response = client.get(
        _url(
            "evidence:manage-submission-file",
            call,
            public_id=submission.public_id,
            pk=attachment.pk,
        )
    )

    assert "notes.txt" in detail.content.decode()
    assert b"".join(response.streaming_content) == b"Our evidence in plain text.\n"
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"
    assert 'filename="notes.txt"' in response["Content-Disposition"]


@pytest.mark.parametrize(("role", "expected"), [("reviewer", 403), ("respondent", 403)])
def test_responses_file_refused_outside_the_secretariat(
    client, call, reviewer, respondent, role, expected
):
    submission, attachment = _attached(call)
    client.force_login({"reviewer": reviewer, "respondent": respondent}[role])

    response = client.get(
        _url(
            "evidence:manage-submission-file",
            call,
            public_id=submission.public_id,
            pk=attachment.pk,
        )
    )

    assert response.status_code == expected


def test_responses_file_of_another_call_is_404(client, secretariat, call):
    other = CallForEvidenceFactory(body=call.body, open=True)
    submission, attachment = _attached(other)
    client.force_login(secretariat)

    response = client.get(
        _url(
            "evidence:manage-submission-file",
            call,
            public_id=submission.public_id,
            pk=attachment.pk,
        )
    )

    assert response.status_code == 404


def _issue_late_link(client, secretariat, call, expires_at):
    """Issue a link through the secretariat's page; return the path emailed to the respondent."""
    client.force_login(secretariat)
    client.post(
        _url("evidence:manage-late-links", call),
        {
            "email": "late@example.org",
            "expires_at": timezone.localtime(expires_at).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    client.logout()
    body_text = OutboundEmail.objects.get(template="evidence/late_link").body_text
    return next(line for line in body_text.splitlines() if "/late/" in line).split("testserver")[1]


def test_late_link_is_for_one_respondent_a_second_person_is_refused(
    client, secretariat, body, django_user_model
):
    from django.test import Client

    closed = CallForEvidenceFactory(body=body, closed=True, contact_email="towns@example.org")
    QuestionFactory(section__call=closed)
    path = _issue_late_link(client, secretariat, closed, timezone.now() + timedelta(days=2))
    first = client.get(path)
    submission = Submission.objects.get(call=closed)
    someone_else = Client()

    again = client.get(path)
    refused = someone_else.get(path)
    details = someone_else.get(
        reverse("evidence:response-details", kwargs={"public_id": submission.public_id})
    )

    assert first["Location"] == reverse(
        "evidence:response-details", kwargs={"public_id": submission.public_id}
    )
    assert again["Location"] == reverse(
        "evidence:response-check", kwargs={"public_id": submission.public_id}
    )
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "<h1>This link has been used already</h1>" in html
    assert 'href="mailto:towns@example.org"' in html
    assert details.status_code == 404
    assert Submission.objects.filter(call=closed).count() == 1


def test_late_link_second_signed_in_person_is_refused(client, secretariat, body, respondent):
    from django.test import Client

    from tests.factories import UserFactory

    closed = CallForEvidenceFactory(body=body, closed=True)
    QuestionFactory(section__call=closed)
    path = _issue_late_link(client, secretariat, closed, timezone.now() + timedelta(days=2))
    client.force_login(respondent)
    client.get(path)
    other = Client()
    other.force_login(UserFactory())

    own_again = Client()
    own_again.force_login(respondent)  # the same account in another browser

    assert own_again.get(path).status_code == 302
    assert other.get(path).status_code == 403
    assert Submission.objects.get(call=closed).user == respondent


def test_late_link_expires_by_the_clock(client, secretariat, body, monkeypatch):
    closed = CallForEvidenceFactory(body=body, closed=True, reference_prefix="LTE")
    question = QuestionFactory(section__call=closed, required=True)
    expires_at = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
    path = _issue_late_link(client, secretariat, closed, expires_at)
    link = LateSubmissionLink.objects.get(call=closed)
    started = client.get(path)
    submission = Submission.objects.get(call=closed)
    client.post(
        reverse("evidence:response-details", kwargs={"public_id": submission.public_id}),
        {
            "respondent_name": "Lee Late",
            "respondent_email": "late@example.org",
            "responding_as": "individual",
            "publication_preference": "named",
            "consent": "on",
        },
    )
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: expires_at)  # the link's last second is past

    answers = client.post(
        reverse(
            "evidence:response-section", kwargs={"public_id": submission.public_id, "number": 1}
        ),
        {f"q{question.pk}": "Too late now", "action": "continue"},
    )
    send = client.post(
        reverse("evidence:response-check", kwargs={"public_id": submission.public_id})
    )
    monkeypatch.setattr(timezone, "now", real_now)
    unused = LateSubmissionLink.objects.create(
        call=closed, email="b@example.org", token_hash="z" * 64, expires_at=expires_at
    )

    assert started.status_code == 302
    assert link.expires_at == expires_at
    assert (answers.status_code, send.status_code) == (403, 403)
    submission.refresh_from_db()
    assert (submission.status, submission.reference) == (SubmissionStatus.DRAFT, "")
    assert not submission.answers.exists()
    assert not unused.is_usable(now=expires_at)
    assert unused.is_usable(now=expires_at - timedelta(seconds=1))


def test_late_link_expired_before_first_use_starts_nothing(client, secretariat, body, monkeypatch):
    closed = CallForEvidenceFactory(body=body, closed=True)
    expires_at = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    path = _issue_late_link(client, secretariat, closed, expires_at)
    monkeypatch.setattr(timezone, "now", lambda: expires_at + timedelta(minutes=1))

    response = client.get(path)

    assert response.status_code == 410
    assert "This link does not work" in response.content.decode()
    assert not Submission.objects.filter(call=closed).exists()


def test_late_link_issue_and_use_are_audited(client, secretariat, body):
    closed = CallForEvidenceFactory(body=body, closed=True)
    QuestionFactory(section__call=closed)
    path = _issue_late_link(client, secretariat, closed, timezone.now() + timedelta(days=1))

    client.get(path)

    link = LateSubmissionLink.objects.get(call=closed)
    submission = Submission.objects.get(call=closed)
    issued = AuditEntry.objects.get(action="evidence.late_link.issue")
    started = AuditEntry.objects.get(action="evidence.submission.start")
    assert (issued.actor, issued.object_id, issued.changes["email"]) == (
        secretariat,
        str(link.pk),
        "late@example.org",
    )
    assert started.object_id == str(submission.pk)
    assert submission.late_link == link


@pytest.mark.django_db(transaction=True)
def test_late_link_used_twice_at_once_starts_one_response(body):
    import threading

    from django.db import connection

    from evidence.services.late_links import late_link_start

    closed = CallForEvidenceFactory(body=body, closed=True)
    link = LateSubmissionLink.objects.create(
        call=closed,
        email="late@example.org",
        token_hash="w" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    barrier = threading.Barrier(4)
    tokens = []

    def use():
        try:
            barrier.wait(timeout=10)
            tokens.append(late_link_start(actor=None, link=link)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert Submission.objects.filter(late_link=link).count() == 1
    assert len(tokens) == 4
    assert sum(token is not None for token in tokens) == 1


def test_paper_entry_speaks_of_the_respondent_not_to_them(client, secretariat, call):
    question = QuestionFactory(section__call=call, required=True)
    client.force_login(secretariat)

    response = client.post(
        _url("evidence:manage-submission-enter", call),
        {f"answers-q{question.pk}": "", "channel": "import"},
    )

    errors = response.context["details_form"].errors
    assert errors == {
        "channel": ["Choose how the response arrived: on paper or by email."],
        "received_on": ["Enter the date the response was received."],
        "respondent_name": ["Enter the respondent's full name."],
        "responding_as": [
            "Choose whether they responded as an individual or on behalf of an organisation."
        ],
        "publication_preference": [
            "Choose what the respondent said about publishing their response."
        ],
        "consent": ["Confirm that the respondent agreed to the privacy notice."],
    }
    html = response.content.decode()
    assert "Publish it with their name" in html
    assert "your response" not in html.lower()
    assert "Imported from another survey tool" not in html
    assert not Submission.objects.exists()


@pytest.mark.parametrize("rows", [1, 30])
def test_submission_list_search_and_filters_queries_constant(
    client, secretariat, call, rows, django_assert_num_queries
):
    place = PlaceFactory()
    SubmissionFactory.create_batch(
        rows,
        call=call,
        submitted=True,
        place=place,
        responding_as=RespondingAs.ORGANISATION,
        organisation_name="Anchor Trust",
        organisation_type=OrganisationType.COMMUNITY,
    )
    client.force_login(secretariat)
    url = _url("evidence:manage-submissions", call)
    query = {"q": "anchor", "organisation_type": "community", "place": place.pk}
    client.get(url, query)

    # session, user, role grants, call, the chosen place (form check), the page, the
    # bounded count, places for the filter, the page's search snippets, the code frame's themes
    with django_assert_num_queries(10):
        response = client.get(url, query)

    assert response.context["page"].count == rows
    assert len(response.context["submissions"]) == min(rows, 25)


def test_submission_list_older_page_holds_the_rest_in_reference_order(client, secretariat, call):
    SubmissionFactory.create_batch(27, call=call, submitted=True)
    numbers = sorted(call.submissions.values_list("number", flat=True))
    client.force_login(secretariat)
    first = client.get(_url("evidence:manage-submissions", call))

    older = client.get(
        _url("evidence:manage-submissions", call), {"after": first.context["page"].older}
    )

    assert [s.number for s in older.context["submissions"]] == [numbers[1], numbers[0]]
    html = older.content.decode()
    assert f"?before={numbers[1]}" in html
    assert "Older" not in html


def test_submission_list_oldest_page_and_back_to_newer(client, secretariat, call):
    SubmissionFactory.create_batch(27, call=call, submitted=True)
    numbers = sorted(call.submissions.values_list("number", flat=True))
    client.force_login(secretariat)

    oldest = client.get(_url("evidence:manage-submissions", call), {"page": "oldest"})
    newer = client.get(
        _url("evidence:manage-submissions", call), {"before": oldest.context["page"].newer}
    )

    assert [s.number for s in oldest.context["submissions"]] == numbers[:25][::-1]
    assert oldest.context["page"].is_oldest
    assert [s.number for s in newer.context["submissions"]] == numbers[25:][::-1]
    assert newer.context["page"].is_newest


@pytest.mark.parametrize("rows", [1, 30])
def test_submission_list_oldest_page_queries_constant(
    client, secretariat, call, rows, django_assert_num_queries
):
    SubmissionFactory.create_batch(rows, call=call, submitted=True, place=PlaceFactory())
    client.force_login(secretariat)
    url = _url("evidence:manage-submissions", call)
    client.get(url, {"page": "oldest"})

    # session, user, role grants, call, the page, the bounded count, places for the filter,
    # the code frame's themes (for bulk coding)
    with django_assert_num_queries(8):
        response = client.get(url, {"page": "oldest"})

    assert len(response.context["submissions"]) == min(rows, 25)


def test_submission_list_count_above_the_limit_is_an_estimate(
    client, secretariat, call, monkeypatch
):
    from evidence.selectors import responses

    monkeypatch.setattr(responses, "COUNT_LIMIT", 5)
    SubmissionFactory.create_batch(8, call=call, submitted=True)
    client.force_login(secretariat)

    response = client.get(_url("evidence:manage-submissions", call))

    page = response.context["page"]
    assert page.count_is_estimate is True
    assert page.count >= 6
    assert f"About {page.count:,} responses" in response.content.decode()


def test_submission_list_exact_email_and_reference_are_exact_lookups(client, secretariat, call):
    wanted = SubmissionFactory(call=call, submitted=True, respondent_email="Pat@Example.org")
    SubmissionFactory(call=call, submitted=True, respondent_name="pat@example.org fan")
    client.force_login(secretariat)

    by_email = client.get(_url("evidence:manage-submissions", call), {"q": "pat@example.ORG"})
    by_reference = client.get(
        _url("evidence:manage-submissions", call), {"q": wanted.reference.lower()}
    )

    assert [s.pk for s in by_email.context["submissions"]] == [wanted.pk]
    assert [s.pk for s in by_reference.context["submissions"]] == [wanted.pk]


def test_submission_list_email_search_matches_the_btree_index(call):
    """An email is one equality on the expression the B-tree index `submission_call_email`
    holds (not the trigram index's LIKE), so PostgreSQL probes that index."""
    from django.db import connection

    from evidence.selectors import submissions_for_secretariat

    sql = str(submissions_for_secretariat(call=call, q="pat@example.org").query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'submission_call_email'")
        (indexdef,) = cursor.fetchone()

    where = sql.split("WHERE")[1]
    assert 'UPPER("evidence_submission"."respondent_email"::text) = UPPER(' in where
    assert "LIKE" not in where
    assert indexdef.endswith("USING btree (call_id, upper((respondent_email)::text))")


def test_dashboard_counts_wait_for_the_refresh(client, secretariat, call):
    SubmissionFactory(call=call, submitted=True)
    dashboard_counts_refresh()
    SubmissionFactory(call=call, submitted=True)
    client.force_login(secretariat)

    before = client.get(_url("evidence:manage-call", call)).context["stats"]["submitted"]
    dashboard_counts_refresh()
    after = client.get(_url("evidence:manage-call", call))

    assert (before, after.context["stats"]["submitted"]) == (1, 2)
    assert "the counts are brought up to date every minute" in after.content.decode()
