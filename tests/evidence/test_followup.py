"""Following up recommendations: services, the secretariat's pages and the public tracker."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, ImplementationStatus, RecommendationResponseKind
from evidence.models import Recommendation, RecommendationFollowUp, ReportChange
from evidence.selectors.followup import recommendations_overdue
from evidence.services.followup import (
    followup_add_update,
    followup_record_response,
    followup_start,
    report_change_record,
    response_due_on_default,
)
from levelup.models import AuditEntry
from tests.factories import CallForEvidenceFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_call(body):
    return CallForEvidenceFactory(body=body, closed=True, status=CallStatus.PUBLISHED)


def make_recommendation(call, *, text="Councils should pool regeneration funds.", position=0):
    return Recommendation.objects.create(
        call=call,
        position=position,
        text=text,
        audience="local_government",
        addressed_to=OrganisationFactory(),
    )


def test_response_due_on_default_is_two_months_after_publication():
    assert response_due_on_default(published_on=datetime.date(2026, 12, 31)) == datetime.date(
        2027, 2, 28
    )


def test_followup_start_sets_due_dates_and_is_idempotent(published_call, secretariat):
    recommendation = make_recommendation(published_call)
    Recommendation.objects.create(
        call=published_call, text="Nobody in particular", audience="other"
    )

    started = followup_start(
        actor=secretariat, call=published_call, published_on=datetime.date(2026, 11, 1)
    )
    again = followup_start(actor=secretariat, call=published_call)

    assert [f.recommendation for f in started] == [recommendation]
    assert started[0].response_due_on == datetime.date(2027, 1, 1)
    assert again == []
    assert AuditEntry.objects.filter(action="recommendation.followup_start").count() == 1


def test_followup_start_refused_before_publication(call, secretariat):
    make_recommendation(call)

    with pytest.raises(ValidationError):
        followup_start(actor=secretariat, call=call)

    assert RecommendationFollowUp.objects.count() == 0


def test_followup_record_response_stores_and_audits(published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)

    followup_record_response(
        actor=secretariat,
        followup=followup,
        response=RecommendationResponseKind.PARTLY_ACCEPTED,
        responded_by="  Minister for Local Growth ",
        responded_on=datetime.date(2026, 11, 20),
        response_text="We will pilot pooling in three areas.",
    )

    followup.refresh_from_db()
    assert followup.response == "partly_accepted"
    assert followup.responded_by == "Minister for Local Growth"
    assert followup.recorded_by == secretariat
    entry = AuditEntry.objects.get(action="recommendation.response_record")
    assert entry.changes["response"] == ["", "partly_accepted"]


def test_followup_record_response_refuses_future_date(published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)

    with pytest.raises(ValidationError) as exc:
        followup_record_response(
            actor=secretariat,
            followup=followup,
            response="accepted",
            responded_by="Someone",
            responded_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert "responded_on" in exc.value.error_dict


def test_followup_add_update_validates_percent(published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)

    update = followup_add_update(
        actor=secretariat,
        followup=followup,
        on=timezone.localdate(),
        status=ImplementationStatus.IN_PROGRESS,
        percent_complete=40,
        note="Two pilots under way.",
    )
    with pytest.raises(ValidationError):
        followup_add_update(
            actor=secretariat,
            followup=followup,
            on=timezone.localdate(),
            status=ImplementationStatus.DONE,
            percent_complete=140,
        )

    assert list(followup.updates.all()) == [update]
    assert AuditEntry.objects.filter(action="recommendation.update_add").count() == 1


def test_recommendations_overdue_lists_only_past_due_without_response(published_call, secretariat):
    late = make_recommendation(published_call, text="Late one", position=1)
    answered = make_recommendation(published_call, text="Answered one", position=2)
    followup_start(actor=secretariat, call=published_call, published_on=datetime.date(2026, 1, 1))
    followup_record_response(
        actor=secretariat,
        followup=answered.followup,
        response="accepted",
        responded_by="Chief Executive",
        responded_on=datetime.date(2026, 4, 1),
    )
    make_recommendation(published_call, text="Not yet due", position=3)
    followup_start(actor=secretariat, call=published_call)

    overdue = list(recommendations_overdue(call=published_call))

    assert overdue == [late]


# The public tracker


def test_tracker_shows_response_and_updates_to_anyone(client, published_call, secretariat):
    make_recommendation(published_call, text="Businesses should sit on place boards.")
    (followup,) = followup_start(actor=secretariat, call=published_call)
    followup_record_response(
        actor=secretariat,
        followup=followup,
        response="accepted",
        responded_by="Federation of Small Businesses",
        responded_on=datetime.date(2026, 11, 2),
        response_text="We will nominate members.",
    )
    followup_add_update(
        actor=secretariat,
        followup=followup,
        on=datetime.date(2026, 11, 10),
        status="in_progress",
        percent_complete=25,
        note="Nominations open.",
    )

    response = client.get(reverse("evidence:call-tracker", kwargs={"slug": published_call.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Businesses should sit on place boards." in content
    assert "Federation of Small Businesses" in content
    assert "We will nominate members." in content
    assert "10 November 2026" in content
    assert "(25% complete)" in content
    assert "Nominations open." in content


def test_tracker_is_404_before_publication(client, call):
    make_recommendation(call, text="Not public yet")

    response = client.get(reverse("evidence:call-tracker", kwargs={"slug": call.slug}))

    assert response.status_code == 404
    assert b"Not public yet" not in response.content


def test_tracker_is_404_for_a_draft(client, body):
    draft = CallForEvidenceFactory(body=body)

    response = client.get(reverse("evidence:call-tracker", kwargs={"slug": draft.slug}))

    assert response.status_code == 404


def test_call_page_links_to_tracker_once_published(client, published_call):
    response = client.get(reverse("evidence:call-detail", kwargs={"slug": published_call.slug}))

    assert reverse("evidence:call-tracker", kwargs={"slug": published_call.slug}) in (
        response.content.decode()
    )


@pytest.mark.parametrize("rows", [1, 5])
def test_tracker_query_count(client, django_assert_num_queries, published_call, secretariat, rows):
    for n in range(rows):
        make_recommendation(published_call, text=f"Recommendation text {n}", position=n)
    for followup in followup_start(actor=secretariat, call=published_call):
        followup_add_update(
            actor=secretariat, followup=followup, on=timezone.localdate(), status="not_started"
        )
    url = reverse("evidence:call-tracker", kwargs={"slug": published_call.slug})

    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.content.decode().count("Recommendation text") == rows


# The secretariat's pages


def followup_url(call):
    return reverse("evidence:manage-followup", kwargs={"slug": call.slug})


def test_followup_list_shows_overdue_to_secretariat(client, published_call, secretariat):
    make_recommendation(published_call, text="Late answer please")
    followup_start(actor=secretariat, call=published_call, published_on=datetime.date(2026, 1, 1))
    client.force_login(secretariat)

    response = client.get(followup_url(published_call))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Overdue responses" in content
    assert "due 1 March 2026" in content


def test_followup_list_post_starts_followup(client, published_call, secretariat):
    recommendation = make_recommendation(published_call)
    client.force_login(secretariat)

    response = client.post(followup_url(published_call))

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.followup.response_due_on == response_due_on_default(
        published_on=timezone.localdate()
    )


def test_followup_list_refusals(client, published_call, reviewer, respondent):
    url = followup_url(published_call)

    anonymous = client.get(url)
    client.force_login(respondent)
    as_respondent = client.get(url)
    client.force_login(reviewer)
    as_reviewer = client.get(url)
    posted = client.post(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_respondent.status_code == 403
    assert as_reviewer.status_code == 403
    assert posted.status_code == 403
    assert RecommendationFollowUp.objects.count() == 0


def test_followup_list_allowed_for_site_admin(client, published_call, site_admin):
    client.force_login(site_admin)

    response = client.get(followup_url(published_call))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 4])
def test_followup_list_query_count(
    client, django_assert_num_queries, published_call, secretariat, rows
):
    for n in range(rows):
        make_recommendation(published_call, text=f"Rec {n}", position=n)
    for followup in followup_start(actor=secretariat, call=published_call):
        followup_add_update(
            actor=secretariat, followup=followup, on=timezone.localdate(), status="not_started"
        )
    client.force_login(secretariat)

    with django_assert_num_queries(7):
        client.get(followup_url(published_call))


def test_record_response_form_saves(client, published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)
    client.force_login(secretariat)
    url = reverse(
        "evidence:manage-followup-response", kwargs={"slug": published_call.slug, "pk": followup.pk}
    )

    response = client.post(
        url,
        {
            "response": "rejected",
            "responded_by": "Department for Levelling Up",
            "responded_on": "2026-11-03",
            "response_text": "Not this year.",
        },
    )

    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.response, followup.responded_by) == ("rejected", "Department for Levelling Up")


def test_record_response_form_shows_future_date_error(client, published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)
    client.force_login(secretariat)
    url = reverse(
        "evidence:manage-followup-response", kwargs={"slug": published_call.slug, "pk": followup.pk}
    )
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

    response = client.post(
        url, {"response": "accepted", "responded_by": "X", "responded_on": future}
    )

    assert response.status_code == 200
    assert "A response cannot be dated in the future." in response.content.decode()


def test_add_update_form_saves(client, published_call, secretariat):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=secretariat, call=published_call)
    client.force_login(secretariat)
    url = reverse(
        "evidence:manage-followup-update", kwargs={"slug": published_call.slug, "pk": followup.pk}
    )

    response = client.post(
        url, {"on": "2026-11-05", "status": "done", "percent_complete": "100", "note": "Finished."}
    )

    assert response.status_code == 302
    update = followup.updates.get()
    assert (update.status, update.percent_complete, update.note) == ("done", 100, "Finished.")


def test_followup_forms_refuse_reviewer_and_other_calls(client, published_call, reviewer, body):
    make_recommendation(published_call)
    (followup,) = followup_start(actor=None, call=published_call)
    other = CallForEvidenceFactory(body=body, closed=True, status=CallStatus.PUBLISHED)
    client.force_login(reviewer)
    update_url = reverse(
        "evidence:manage-followup-update", kwargs={"slug": published_call.slug, "pk": followup.pk}
    )
    response_url = reverse(
        "evidence:manage-followup-response", kwargs={"slug": published_call.slug, "pk": followup.pk}
    )

    as_reviewer = client.post(update_url, {"on": "2026-11-05", "status": "done"})
    as_reviewer_response = client.get(response_url)
    from tests.factories import RoleGrantFactory

    other_secretariat = RoleGrantFactory(role="secretariat", target=other.body).user
    client.force_login(other_secretariat)
    wrong_call = client.get(
        reverse("evidence:manage-followup-update", kwargs={"slug": other.slug, "pk": followup.pk})
    )

    assert as_reviewer.status_code == 403
    assert as_reviewer_response.status_code == 403
    assert wrong_call.status_code == 404
    assert followup.updates.count() == 0


# The public changelog


def test_report_change_record_after_publication_shows_on_tracker(
    client, published_call, secretariat
):
    change = report_change_record(
        actor=secretariat, call=published_call, summary="Finding 2 now names coastal towns."
    )

    response = client.get(reverse("evidence:call-tracker", kwargs={"slug": published_call.slug}))

    content = response.content.decode()
    assert change.changed_by == secretariat
    assert "Finding 2 now names coastal towns." in content
    assert timezone.localdate().strftime("%-d %B %Y") in content
    assert AuditEntry.objects.filter(action="report.change_record").count() == 1


def test_report_change_record_before_publication_records_nothing(call, secretariat):
    result = report_change_record(actor=secretariat, call=call, summary="Draft edit")

    assert result is None
    assert not ReportChange.objects.exists()
