"""Campaigns: near-identical responses grouped, coded once through their representative,
and split out by hand."""

import pytest
from django.core.exceptions import ValidationError

from evidence.enums import CodingSource
from evidence.models import CampaignGroup, Coding, Submission
from evidence.services.campaigns import (
    campaign_split,
    campaigns_group,
    signature,
    similarity,
)
from evidence.services.review import submission_code
from tests.factories import QuestionFactory, SubmissionFactory
from tests.factories.review import ThemeFactory

pytestmark = pytest.mark.django_db

CAMPAIGN = (
    "I am writing as a resident to ask the Taskforce to protect our town centre. Local "
    "shops, the market and the library are the heart of the community and business rates "
    "are driving independent traders away. Please recommend a fairer rates system and "
    "money for empty shop fronts."
)


@pytest.fixture
def campaign(call):
    question = QuestionFactory(section__call=call)
    members = []
    openings = ["", "Dear Taskforce, ", "Hello. ", "To whom it may concern: "]
    for number, opening in enumerate(openings, start=1):
        submission = SubmissionFactory(call=call, submitted=True, number=number)
        submission.answers.create(question=question, text=opening + CAMPAIGN)
        members.append(submission)
    lone = SubmissionFactory(call=call, submitted=True, number=10)
    lone.answers.create(
        question=question,
        text="Our engineering firm runs a summer school for girls in Year 9 with the college.",
    )
    short = SubmissionFactory(call=call, submitted=True, number=11)
    short.answers.create(question=question, text="Yes.")
    short_too = SubmissionFactory(call=call, submitted=True, number=12)
    short_too.answers.create(question=question, text="Yes.")
    return {"members": members, "lone": lone, "question": question}


def test_similarity_of_near_identical_texts_is_high():
    assert similarity(signature(CAMPAIGN), signature("Hello. " + CAMPAIGN)) > 0.8
    unrelated = "Buses in the evening would let apprentices get to the industrial estate on time."
    assert similarity(signature(CAMPAIGN), signature(unrelated)) < 0.2


def test_campaigns_group_finds_the_group_and_its_representative(call, campaign):
    result = campaigns_group(call=call)

    group = CampaignGroup.objects.get()
    members = campaign["members"]
    assert result == {"groups": 1, "grouped": 4, "removed_groups": 0, "codings_copied": 0}
    assert (group.representative_id, group.size) == (members[0].pk, 4)
    assert set(Submission.objects.filter(campaign_group=group).values_list("pk", flat=True)) == {
        m.pk for m in members
    }


def test_campaigns_group_is_idempotent(call, campaign):
    campaigns_group(call=call)
    first = CampaignGroup.objects.get()

    campaigns_group(call=call)

    assert list(CampaignGroup.objects.values_list("pk", "size")) == [(first.pk, 4)]


def test_campaigns_group_respects_the_threshold(call, campaign):
    call.campaign_threshold = 0.99
    call.save()

    campaigns_group(call=call)

    # Their different openings keep them below 99% alike.
    assert CampaignGroup.objects.count() == 0
    assert Submission.objects.filter(campaign_group__isnull=False).count() == 0


def test_coding_the_representative_codes_the_group(call, campaign, reviewer):
    campaigns_group(call=call)
    theme = ThemeFactory(call=call, name="Business rates")
    representative = campaign["members"][0]

    submission_code(actor=reviewer, submission=representative, add=[theme])

    rows = set(Coding.objects.values_list("submission_id", "source"))
    assert rows == {
        (representative.pk, CodingSource.MANUAL),
        *((m.pk, CodingSource.CAMPAIGN) for m in campaign["members"][1:]),
    }


def test_new_members_get_the_representatives_themes(call, campaign, reviewer):
    campaigns_group(call=call)
    theme = ThemeFactory(call=call, name="Business rates")
    submission_code(actor=reviewer, submission=campaign["members"][0], add=[theme])
    late = SubmissionFactory(call=call, submitted=True, number=20)
    late.answers.create(question=campaign["question"], text="Good morning. " + CAMPAIGN)

    result = campaigns_group(call=call)

    assert result["codings_copied"] == 1
    assert Coding.objects.get(submission=late).source == CodingSource.CAMPAIGN


def test_split_takes_a_response_out_for_good(call, campaign, reviewer):
    campaigns_group(call=call)
    theme = ThemeFactory(call=call, name="Business rates")
    submission_code(actor=reviewer, submission=campaign["members"][0], add=[theme])
    leaving = campaign["members"][2]

    campaign_split(actor=reviewer, submission=leaving)
    campaigns_group(call=call)

    leaving.refresh_from_db()
    assert leaving.campaign_group is None
    assert CampaignGroup.objects.get().size == 3
    assert not Coding.objects.filter(submission=leaving, removed_at__isnull=True).exists()


def test_split_the_representative_hands_over(call, campaign, reviewer):
    campaigns_group(call=call)

    campaign_split(actor=reviewer, submission=campaign["members"][0])

    assert CampaignGroup.objects.get().representative_id == campaign["members"][1].pk


def test_split_a_response_outside_any_group_is_refused(call, campaign, reviewer):
    with pytest.raises(ValidationError) as caught:
        campaign_split(actor=reviewer, submission=campaign["lone"])

    assert caught.value.messages == ["This response is not part of a campaign group."]
