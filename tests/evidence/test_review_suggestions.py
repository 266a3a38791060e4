"""Theme suggestions: computed here from the code frame and coded text, accepted or rejected."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.enums import CodingSource, SuggestionStatus
from evidence.models import Coding, ThemeSuggestion
from evidence.services.suggestions import suggestion_decide, themes_suggest
from levelup.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_themes_suggest_matches_descriptions_and_says_why(review_setup):
    result = themes_suggest(call=review_setup["call"])

    suggestions = {
        (s.submission.reference, s.theme.name): s.words
        for s in ThemeSuggestion.objects.select_related("submission", "theme")
    }
    assert result["responses"] == 4
    assert "apprentic" in suggestions[("TST0001", "Skills")]
    assert "procur" in suggestions[("TST0002", "Procurement")]
    assert ("TST0003", "Skills") not in suggestions


def test_themes_suggest_skips_coded_responses(review_setup, reviewer):
    Coding.objects.create(
        call=review_setup["call"],
        submission=review_setup["submissions"][0],
        theme=review_setup["themes"][1],
    )

    themes_suggest(call=review_setup["call"])

    assert not ThemeSuggestion.objects.filter(submission=review_setup["submissions"][0]).exists()


def test_suggestion_accept_codes_with_its_source(review_setup, reviewer):
    themes_suggest(call=review_setup["call"])
    suggestion = ThemeSuggestion.objects.get(
        submission=review_setup["submissions"][0], theme=review_setup["themes"][0]
    )

    suggestion_decide(actor=reviewer, suggestion=suggestion, accept=True)

    coding = Coding.objects.get(submission=review_setup["submissions"][0])
    assert (coding.theme.name, coding.source, coding.coded_by) == (
        "Skills",
        CodingSource.SUGGESTION,
        reviewer,
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.ACCEPTED, reviewer)
    assert AuditEntry.objects.filter(action="evidence.suggestion.accept").count() == 1


def test_suggestion_reject_is_remembered_when_suggesting_again(review_setup, reviewer):
    themes_suggest(call=review_setup["call"])
    suggestion = ThemeSuggestion.objects.get(
        submission=review_setup["submissions"][0], theme=review_setup["themes"][0]
    )
    suggestion_decide(actor=reviewer, suggestion=suggestion, accept=False)

    themes_suggest(call=review_setup["call"])

    assert list(
        ThemeSuggestion.objects.filter(
            submission=review_setup["submissions"][0], theme=review_setup["themes"][0]
        ).values_list("theme__name", "status")
    ) == [("Skills", SuggestionStatus.REJECTED)]
    assert not Coding.objects.exists()


def test_suggestion_decided_twice_the_other_way_is_refused(review_setup, reviewer):
    themes_suggest(call=review_setup["call"])
    suggestion = ThemeSuggestion.objects.filter(submission=review_setup["submissions"][0]).first()
    suggestion_decide(actor=reviewer, suggestion=suggestion, accept=False)

    with pytest.raises(ValidationError) as caught:
        suggestion_decide(actor=reviewer, suggestion=suggestion, accept=True)

    assert caught.value.messages == ["This suggestion has already been decided."]


def test_suggestion_accept_from_the_response_page(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    themes_suggest(call=call)
    suggestion = ThemeSuggestion.objects.get(submission=submission, theme=review_setup["themes"][0])
    client.force_login(reviewer)
    url = reverse(
        "evidence:review-response", kwargs={"slug": call.slug, "public_id": submission.public_id}
    )
    page = client.get(url).content.decode()
    assert "Suggested themes" in page

    response = client.post(
        reverse(
            "evidence:review-suggestion-decide",
            kwargs={"slug": call.slug, "public_id": submission.public_id, "pk": suggestion.pk},
        ),
        {"decision": "accept"},
    )

    assert response["Location"] == url + "#suggestions"
    history = client.get(url).content.decode()
    assert "Skills: Accepted suggestion" in history


def test_suggestion_of_another_response_is_404(client, review_setup, reviewer):
    call = review_setup["call"]
    themes_suggest(call=call)
    other = ThemeSuggestion.objects.filter(submission=review_setup["other"]).first()
    mine = review_setup["submissions"][0]
    client.force_login(reviewer)

    response = client.post(
        reverse(
            "evidence:review-suggestion-decide",
            kwargs={"slug": call.slug, "public_id": mine.public_id, "pk": other.pk},
        ),
        {"decision": "accept"},
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == SuggestionStatus.PENDING
