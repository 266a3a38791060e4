"""Full-text search over what respondents wrote: the stored vector, queries, snippets."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence.enums import AttachmentKind, AttachmentStatus, SubmissionChannel
from evidence.models import Attachment, Submission
from evidence.selectors import search_snippets
from evidence.selectors.review import QueueFilters, filter_submissions
from evidence.services import attachment_extract_text, submission_answers_save
from evidence.services.search import submission_search_refresh
from evidence.services.submissions import submission_enter_on_behalf
from tests.factories import QuestionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def found(call, q: str) -> list[str]:
    submissions = Submission.objects.filter(call=call)
    return sorted(
        filter_submissions(submissions, QueueFilters(q=q)).values_list("reference", flat=True)
    )


@pytest.fixture
def question(call):
    return QuestionFactory(section__call=call)


def answered(call, question, text: str, **kwargs) -> Submission:
    submission = SubmissionFactory(call=call, submitted=True, **kwargs)
    submission.answers.create(question=question, text=text)
    submission_search_refresh(submission_ids=[submission.pk])
    return submission


def test_search_vector_answers_save_keeps_it_current(call, question):
    submission = SubmissionFactory(call=call)

    submission_answers_save(
        actor=None,
        submission=submission,
        answers={question: {"text": "Apprenticeships in Wisbech"}},
    )

    submission.refresh_from_db()
    assert "apprenticeship" in str(submission.search_vector)
    assert "wisbech" in str(submission.search_vector)


def test_search_vector_enter_on_behalf_indexes_answers(call, question, secretariat):
    submission = submission_enter_on_behalf(
        actor=secretariat,
        call=call,
        channel=SubmissionChannel.PAPER,
        details={"respondent_name": "Penny Paper", "responding_as": "individual"},
        answers={question: {"text": "The harbour needs dredging"}},
    )

    assert found(call, "dredging") == [submission.reference]


def test_search_vector_extraction_adds_attachment_text(call, question):
    submission = answered(call, question, "See the attached report.")
    attachment = Attachment.objects.create(
        submission=submission,
        file="attachments/report.txt",
        original_name="report.txt",
        kind=AttachmentKind.TXT,
        size_bytes=10,
        sha256="0" * 64,
        status=AttachmentStatus.EXTRACTED,
        extracted_text="Coastal footfall fell by a third.",
    )

    submission_search_refresh(submission_ids=[attachment.submission_id])

    assert found(call, "footfall") == [submission.reference]


def test_search_vector_extraction_task_refreshes(call, question, private_uploads):
    from django.core.files.base import ContentFile

    submission = answered(call, question, "See the attached report.")
    attachment = Attachment(
        submission=submission,
        original_name="report.txt",
        kind=AttachmentKind.TXT,
        size_bytes=30,
        sha256="0" * 64,
    )
    attachment.file.save("report.txt", ContentFile(b"Ferries are the lifeline here."), save=False)
    attachment.save()

    attachment_extract_text(attachment_id=attachment.pk)

    assert found(call, "ferry") == [submission.reference]


def test_search_query_phrase_and_exclude(call, question):
    both = answered(call, question, "Local procurement keeps money in the town.")
    other = answered(call, question, "Money for the town, and local buses.")

    assert found(call, '"local procurement"') == [both.reference]
    assert found(call, "money -procurement") == [other.reference]
    assert found(call, "money town") == sorted([both.reference, other.reference])


def test_search_query_stemming_matches_word_forms(call, question):
    submission = answered(call, question, "We employed forty apprentices.")

    assert found(call, "employing apprentice") == [submission.reference]


def test_search_vector_never_holds_names(call, question):
    answered(
        call,
        question,
        "Our high street needs footfall.",
        respondent_name="Zebedee Quixworth",
        organisation_name="Quixworth Holdings",
        respondent_email="zq@example.org",
    )

    assert found(call, "Quixworth") == []
    assert found(call, "Zebedee") == []


def test_search_snippets_mark_matches_and_escape_everything_else(call, question):
    submission = answered(call, question, 'The pier is 3 < 4 & the promenade "ours" by far.')

    snippets = search_snippets(submission_ids=[submission.pk], term="pier")

    assert str(snippets[submission.pk]) == (
        "<mark>pier</mark> is 3 &lt; 4 &amp; the promenade &quot;ours"
    )


def test_search_snippets_ignore_marker_characters_typed_by_a_respondent(call, question):
    # The snippets are marked safe after escaping; the characters that become <mark> tags
    # must only ever come from the search, never from what a respondent wrote.
    submission = answered(call, question, "\x02<b>bold</b>\x03 the pier\x02 was open\x03")

    snippets = search_snippets(submission_ids=[submission.pk], term="pier")

    # PostgreSQL's headline drops the tags as words; the typed markers became spaces.
    assert str(snippets[submission.pk]) == "bold   the <mark>pier</mark>  was open"


def test_search_vector_backfill_command_fills_missing(call, question):
    submission = answered(call, question, "Broadband in rural Fenland.")
    Submission.objects.filter(pk=submission.pk).update(search_vector=None)

    call_command("search_vector_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert found(call, "broadband") == [submission.reference]


def test_secretariat_search_finds_words_from_answers(client, call, question, secretariat):
    wanted = answered(call, question, "The marina regeneration brought jobs.")
    answered(call, question, "Nothing about boats.")
    client.force_login(secretariat)

    response = client.get(
        reverse("evidence:manage-submissions", kwargs={"slug": call.slug}), {"q": "marina"}
    )

    assert [s.reference for s in response.context["submissions"]] == [wanted.reference]
    assert "<mark>marina</mark> regeneration brought jobs" in response.content.decode()


def test_secretariat_search_still_finds_names(client, call, question, secretariat):
    wanted = answered(call, question, "Nothing here.", respondent_name="Harriet Lane")
    client.force_login(secretariat)

    response = client.get(
        reverse("evidence:manage-submissions", kwargs={"slug": call.slug}), {"q": "Harriet"}
    )

    assert [s.reference for s in response.context["submissions"]] == [wanted.reference]
