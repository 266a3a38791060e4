"""What a new user met on the secretariat's and respondent's pages: the call list and the
dashboard count the same responses, and the details page works without JavaScript."""

from django.urls import reverse

from evidence.enums import SubmissionStatus
from evidence.services import dashboard_counts_refresh
from tests.factories import CallForEvidenceFactory, SectionFactory, SubmissionFactory


def test_call_list_and_dashboard_count_the_same_sent_responses(client, secretariat, body):
    call = CallForEvidenceFactory(body=body, open=True)
    SubmissionFactory.create_batch(3, call=call, submitted=True)
    withdrawn = SubmissionFactory(call=call, submitted=True)
    withdrawn.status = SubmissionStatus.WITHDRAWN
    withdrawn.withdrawn_at = withdrawn.submitted_at
    withdrawn.save()
    SubmissionFactory(call=call)  # a draft
    dashboard_counts_refresh()  # what beat does every minute
    client.force_login(secretariat)

    listed = client.get(reverse("evidence:manage-call-list"))
    dashboard = client.get(reverse("evidence:manage-call", kwargs={"slug": call.slug}))

    assert [c.sent_count for c in listed.context["calls"]] == [3]
    assert dashboard.context["stats"]["submitted"] == 3
    assert "Responses sent" in listed.content.decode()
    assert "Sent (not counting withdrawn)" in dashboard.content.decode()


def test_details_page_shows_organisation_questions_to_everyone_without_javascript(client, db):
    call = CallForEvidenceFactory(open=True)
    SectionFactory(call=call)

    start = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    page = client.get(start.url).content.decode()

    block_start = page.index('id="organisation-details"')
    block = page[page.rindex("<div", 0, block_start) : page.index("Place", block_start)]
    assert 'data-reveal-when="responding_as"' in block
    assert 'data-reveal-value="organisation"' in block
    assert " hidden" not in block.split(">")[0]
    assert 'name="organisation_name"' in block
    assert 'name="organisation_type"' in block
    assert "js/conditional-reveal.js" in page
