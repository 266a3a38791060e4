"""Progress over years: updates on commitments, indicator readings, stale commitments, monthly
reminders, the dashboard, the public progress page and trace, and the exports."""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from levelup.models import AuditEntry, OutboundEmail
from partnerships.enums import CommitmentStatus, PartnershipStage, ProspectusVersionStatus
from partnerships.models import CommitmentReminder, CommitmentUpdate, IndicatorReading
from partnerships.selectors.progress import commitments_by_status_over_time
from partnerships.services import (
    commitment_reminders_send,
    commitment_update_add,
    indicator_reading_add,
)
from tests.factories.partnerships import (
    CommitmentFactory,
    IndicatorFactory,
    InvestmentLineFactory,
    PriorityFactory,
    ProspectusVersionFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def publish(partnership, *, days_ago: int = 400):
    """A prospectus for `partnership` whose version 1 is published `days_ago` days ago."""
    when = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(10)))
    version = ProspectusVersionFactory(
        prospectus__partnership=partnership,
        number=1,
        status=ProspectusVersionStatus.PUBLISHED,
        sent_at=when - timedelta(days=14),
        published_at=when,
    )
    prospectus = version.prospectus
    prospectus.published_version, prospectus.published_at = version, when
    prospectus.save()
    partnership.stage = PartnershipStage.PROSPECTUS_PUBLISHED
    partnership.save()
    return prospectus


def _update(commitment, status=CommitmentStatus.ON_TRACK, days_ago=0, **fields):
    return CommitmentUpdate.objects.create(
        partnership=commitment.partnership,
        commitment=commitment,
        commitment_key=commitment.key,
        reported_on=TODAY - timedelta(days=days_ago),
        status=status,
        **fields,
    )


@pytest.fixture
def prospectus(partnership):
    return publish(partnership)


@pytest.fixture
def own_commitment(prospectus, member):
    """A commitment of the organisation `member` speaks for."""
    return CommitmentFactory(
        version=prospectus.published_version,
        member=member.membership,
        description="Twenty apprenticeships for school leavers",
    )


@pytest.fixture
def neighbours_commitment(prospectus):
    return CommitmentFactory(
        version=prospectus.published_version, description="A new youth hub on the promenade"
    )


# --- Services ---


def test_member_updates_own_commitment_audited_and_partnership_delivering(
    member, own_commitment, partnership
):
    update = commitment_update_add(
        actor=member,
        commitment=own_commitment,
        reported_on=TODAY,
        status=CommitmentStatus.ON_TRACK,
        note="Twelve started in September.",
        figure=Decimal(12),
        figure_label="apprentices started",
    )

    assert (update.commitment_key, update.partnership_id) == (own_commitment.key, partnership.pk)
    partnership.refresh_from_db()
    assert partnership.stage == PartnershipStage.DELIVERING
    assert list(
        AuditEntry.objects.filter(actor=member).order_by("id").values_list("action", flat=True)
    ) == ["partnerships.commitment_update.create", "partnerships.partnership.stage_change"]


def test_update_dated_in_the_future_refused(member, own_commitment):
    with pytest.raises(ValidationError) as excinfo:
        commitment_update_add(
            actor=member,
            commitment=own_commitment,
            reported_on=TODAY + timedelta(days=1),
            status=CommitmentStatus.ON_TRACK,
        )

    assert excinfo.value.message_dict == {
        "reported_on": ["The date of an update cannot be in the future."]
    }
    assert CommitmentUpdate.objects.count() == 0


def test_update_on_a_draft_commitment_refused(member, prospectus, partnership):
    draft = CommitmentFactory(version__prospectus=prospectus, member=member.membership)

    with pytest.raises(ValidationError) as excinfo:
        commitment_update_add(
            actor=member, commitment=draft, reported_on=TODAY, status=CommitmentStatus.DONE
        )

    assert excinfo.value.messages == [
        "Progress is reported on the commitments of the published prospectus."
    ]


def test_update_figure_needs_what_it_counts(member, own_commitment):
    with pytest.raises(ValidationError) as excinfo:
        commitment_update_add(
            actor=member,
            commitment=own_commitment,
            reported_on=TODAY,
            status=CommitmentStatus.ON_TRACK,
            figure=Decimal(35),
        )

    assert excinfo.value.messages == ["Say what the figure counts, for example: jobs created."]


def test_update_keeps_a_later_stage(member, own_commitment, partnership):
    partnership.stage = PartnershipStage.CLOSED
    partnership.save()

    commitment_update_add(
        actor=member, commitment=own_commitment, reported_on=TODAY, status=CommitmentStatus.DONE
    )

    partnership.refresh_from_db()
    assert partnership.stage == PartnershipStage.CLOSED


def test_indicator_reading_future_and_duplicate_refused(connector, partnership):
    indicator = IndicatorFactory(partnership=partnership)
    indicator_reading_add(
        actor=connector, indicator=indicator, measured_on=TODAY, value=Decimal("7.2")
    )

    with pytest.raises(ValidationError) as future:
        indicator_reading_add(
            actor=connector,
            indicator=indicator,
            measured_on=TODAY + timedelta(days=3),
            value=Decimal(7),
        )
    with pytest.raises(ValidationError) as twice:
        indicator_reading_add(
            actor=connector, indicator=indicator, measured_on=TODAY, value=Decimal(7)
        )

    assert future.value.message_dict == {
        "measured_on": ["The date of a reading cannot be in the future."]
    }
    assert twice.value.messages == ["This indicator already has a reading for that date."]
    assert IndicatorReading.objects.get().partnership == partnership
    assert AuditEntry.objects.filter(action="partnerships.indicator_reading.create").count() == 1


# --- Reminders ---


def test_monthly_reminder_goes_once_per_commitment_to_the_owners(
    member, own_commitment, neighbours_commitment, django_capture_on_commit_callbacks
):
    done = CommitmentFactory(version=own_commitment.version, member=own_commitment.member)
    _update(done, CommitmentStatus.DONE, days_ago=40)
    fresh = CommitmentFactory(version=own_commitment.version, member=own_commitment.member)
    _update(fresh, days_ago=0)

    with django_capture_on_commit_callbacks(execute=False):
        first = commitment_reminders_send(today=TODAY)
        second = commitment_reminders_send(today=TODAY)

    # The neighbour's organisation has no representative: nobody to remind.
    assert (first, second) == (1, 0)
    email = OutboundEmail.objects.get(template="partnerships/commitment_reminder")
    assert email.to == [member.email]
    assert "Twenty apprenticeships for school leavers" in email.body_text
    assert list(CommitmentReminder.objects.values_list("commitment_key", "month")) == [
        (own_commitment.key, TODAY.replace(day=1))
    ]


def test_reminder_again_next_month(member, own_commitment, django_capture_on_commit_callbacks):
    next_month = (TODAY.replace(day=1) + timedelta(days=32)).replace(day=1)

    with django_capture_on_commit_callbacks(execute=False):
        sent = [commitment_reminders_send(today=day) for day in (TODAY, next_month)]

    assert sent == [1, 1]


def test_reminder_once_a_month_enforced_by_the_database(own_commitment):
    month = TODAY.replace(day=1)
    fields = {
        "partnership": own_commitment.partnership,
        "commitment_key": own_commitment.key,
        "month": month,
    }
    CommitmentReminder.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentReminder.objects.create(**fields)


# --- Status over time ---


def test_commitments_by_status_over_time_counts_the_latest_update_at_each_quarter_end(
    prospectus, own_commitment, neighbours_commitment
):
    today = date(2026, 11, 30)
    _update(own_commitment, CommitmentStatus.AT_RISK, days_ago=(TODAY - date(2026, 5, 10)).days)
    _update(own_commitment, CommitmentStatus.ON_TRACK, days_ago=(TODAY - date(2026, 8, 1)).days)
    _update(neighbours_commitment, CommitmentStatus.DONE, days_ago=(TODAY - date(2026, 10, 2)).days)
    prospectus.published_at = timezone.make_aware(datetime(2026, 4, 20, 10))

    over_time = commitments_by_status_over_time(prospectus=prospectus, total=2, today=today)

    assert [(end, {k: v for k, v in counts.items() if v}) for end, counts in over_time] == [
        (date(2026, 6, 30), {"at_risk": 1, "none": 1}),
        (date(2026, 9, 30), {"on_track": 1, "none": 1}),
        (today, {"on_track": 1, "done": 1}),
    ]


# --- Pages ---

UPDATE_EXPECTED = {
    "anonymous": 302,
    "respondent": 404,
    "other_member": 404,
    "other_connector": 404,
    "connector": 200,
    "site_admin": 200,
}


@pytest.mark.parametrize(("role", "expected"), UPDATE_EXPECTED.items())
def test_update_page_by_role(client, login_as, own_commitment, partnership, role, expected):
    login_as(role)

    response = client.get(
        reverse(
            "partnerships:commitment-update-create", args=[partnership.slug, own_commitment.key]
        )
    )

    assert response.status_code == expected


def test_member_may_update_only_own_organisations_commitment(
    client, member, own_commitment, neighbours_commitment, partnership
):
    client.force_login(member)

    own = client.get(
        reverse(
            "partnerships:commitment-update-create", args=[partnership.slug, own_commitment.key]
        )
    )
    other = client.post(
        reverse(
            "partnerships:commitment-update-create",
            args=[partnership.slug, neighbours_commitment.key],
        ),
        {"reported_on": TODAY.isoformat(), "status": "done"},
    )

    assert own.status_code == 200
    assert other.status_code == 403
    assert CommitmentUpdate.objects.count() == 0


def test_member_posts_an_update_and_the_dashboard_count_changes(
    client, member, own_commitment, partnership
):
    client.force_login(member)
    dashboard = reverse("partnerships:progress", args=[partnership.slug])
    before = client.get(dashboard).context["dashboard"].by_status

    response = client.post(
        reverse(
            "partnerships:commitment-update-create", args=[partnership.slug, own_commitment.key]
        ),
        {
            "reported_on": TODAY.isoformat(),
            "status": "on_track",
            "note": "On course.",
            "figure": "1,200",
            "figure_label": "hours of training",
        },
    )
    after = client.get(dashboard)

    assert response["Location"] == dashboard
    assert before == {"none": 1}
    assert after.context["dashboard"].by_status == {"on_track": 1}
    assert 'id="status-count-on_track">1<' in after.content.decode()
    update = CommitmentUpdate.objects.get()
    assert (update.figure, update.figure_label, update.created_by) == (
        Decimal(1200),
        "hours of training",
        member,
    )


def test_update_form_refuses_a_future_date_and_keeps_the_note(
    client, member, own_commitment, partnership
):
    client.force_login(member)

    response = client.post(
        reverse(
            "partnerships:commitment-update-create", args=[partnership.slug, own_commitment.key]
        ),
        {
            "reported_on": (TODAY + timedelta(days=2)).isoformat(),
            "status": "at_risk",
            "note": "Two employers pulled out.",
        },
    )

    form = response.context["form"]
    assert form.errors == {"reported_on": ["The date of an update cannot be in the future."]}
    assert form["note"].value() == "Two employers pulled out."
    assert form["status"].value() == "at_risk"


@pytest.mark.parametrize(
    ("figure", "label", "errors"),
    [
        ("35", "", {"figure_label": ["Say what the figure counts, for example: jobs created."]}),
        ("", "jobs created", {"figure": ["Enter the figure, or leave both empty."]}),
        ("-4", "jobs created", {"figure": ["The figure cannot be negative."]}),
        ("lots", "jobs created", {"figure": ["Enter a number, like 20 or 1,500."]}),
    ],
)
def test_update_form_figure_errors(
    client, connector, own_commitment, partnership, figure, label, errors
):
    client.force_login(connector)

    response = client.post(
        reverse(
            "partnerships:commitment-update-create", args=[partnership.slug, own_commitment.key]
        ),
        {
            "reported_on": TODAY.isoformat(),
            "status": "on_track",
            "figure": figure,
            "figure_label": label,
        },
    )

    assert response.context["form"].errors == errors


def test_stale_commitments_listed_for_the_connector_only(
    client, connector, member, own_commitment, neighbours_commitment, partnership
):
    _update(own_commitment, days_ago=100)
    _update(neighbours_commitment, days_ago=10)
    url = reverse("partnerships:progress", args=[partnership.slug])

    client.force_login(connector)
    as_connector = client.get(url)
    client.force_login(member)
    as_member = client.get(url)

    assert as_connector.context["dashboard"].stale == [own_commitment]
    assert 'id="stale-commitments"' in as_connector.content.decode()
    assert "stale-heading" not in as_member.content.decode()


def test_done_commitment_is_never_stale(client, connector, own_commitment, partnership):
    _update(own_commitment, CommitmentStatus.DONE, days_ago=300)
    client.force_login(connector)

    response = client.get(reverse("partnerships:progress", args=[partnership.slug]))

    assert response.context["dashboard"].stale == []


@pytest.mark.parametrize("rows", [1, 4])
def test_dashboard_queries_constant(
    client, connector, prospectus, partnership, rows, django_assert_num_queries
):
    for index in range(rows):
        commitment = CommitmentFactory(version=prospectus.published_version)
        _update(commitment, days_ago=200)
        _update(commitment, CommitmentStatus.AT_RISK, days_ago=20)
        InvestmentLineFactory(version=prospectus.published_version, year=2026 + index)
        indicator = IndicatorFactory(partnership=partnership)
        IndicatorReading.objects.create(
            indicator=indicator, partnership=partnership, measured_on=TODAY, value=1
        )
    client.force_login(connector)

    # session, user, role grants, partnership, prospectus, indicators, readings, each
    # commitment's latest status, one page of commitments, first update, status over time,
    # investment totals, represented members
    with django_assert_num_queries(13):
        response = client.get(reverse("partnerships:progress", args=[partnership.slug]))

    assert len(response.context["dashboard"].commitments) == rows
    assert response.context["dashboard"].by_status == {"at_risk": rows}


def test_dashboard_commitments_paginated(client, connector, prospectus, partnership):
    CommitmentFactory.create_batch(26, version=prospectus.published_version)
    client.force_login(connector)

    response = client.get(reverse("partnerships:progress", args=[partnership.slug]) + "?page=2")

    dashboard = response.context["dashboard"]
    assert (dashboard.total, len(dashboard.commitments), dashboard.commitments.number) == (
        26,
        1,
        2,
    )
    assert dashboard.by_status == {"none": 26}


def test_dashboard_before_publication(client, connector, partnership):
    client.force_login(connector)

    response = client.get(reverse("partnerships:progress", args=[partnership.slug]))

    assert "tracked here once the prospectus is published" in response.content.decode()


DASHBOARD_EXPECTED = {
    "anonymous": 302,
    "respondent": 404,
    "other_member": 404,
    "member": 200,
    "connector": 200,
    "site_admin": 200,
}


@pytest.mark.parametrize(("role", "expected"), DASHBOARD_EXPECTED.items())
def test_dashboard_by_role(client, login_as, partnership, prospectus, role, expected):
    login_as(role)

    response = client.get(reverse("partnerships:progress", args=[partnership.slug]))

    assert response.status_code == expected


def test_public_progress_page_404_until_published(client, partnership):
    response = client.get(reverse("partnerships:progress-public", args=[partnership.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 4])
def test_public_progress_page_queries_constant(
    client, prospectus, partnership, rows, django_assert_num_queries
):
    for _ in range(rows):
        commitment = CommitmentFactory(version=prospectus.published_version)
        _update(commitment, days_ago=120, note="Going well.")
        InvestmentLineFactory(version=prospectus.published_version)

    # partnership, prospectus, indicators (no readings to prefetch: none), each commitment's
    # latest status, one page of commitments, first update, status over time, investment totals
    with django_assert_num_queries(8):
        response = client.get(reverse("partnerships:progress-public", args=[partnership.slug]))

    assert len(response.context["dashboard"].commitments) == rows
    page = response.content.decode()
    assert "Post an update" not in page
    assert "No update for 90 days" not in page


def test_public_trace_from_commitment_to_priority_and_updates(
    client, prospectus, own_commitment, partnership
):
    priority = PriorityFactory(
        version=prospectus.published_version, title="Skills for young people"
    )
    own_commitment.priority = priority
    own_commitment.save()
    _update(own_commitment, CommitmentStatus.AT_RISK, days_ago=30, note="Two employers left.")

    response = client.get(
        reverse("partnerships:commitment-public", args=[partnership.slug, own_commitment.key])
    )

    page = response.content.decode()
    assert f"#priority-{priority.pk}" in page
    assert "Skills for young people" in page
    assert "Two employers left." in page


def test_public_trace_from_commitment_back_to_the_evidence(
    client, prospectus, own_commitment, partnership
):
    from tests.factories.evidence import FindingFactory, RecommendationFactory

    finding = FindingFactory(title="Local buying keeps money in the town")
    recommendation = RecommendationFactory(text="Councils should publish their spend by postcode.")
    priority = PriorityFactory(version=prospectus.published_version)
    priority.findings.add(finding)
    priority.recommendations.add(recommendation)
    own_commitment.priority = priority
    own_commitment.save()

    response = client.get(
        reverse("partnerships:commitment-public", args=[partnership.slug, own_commitment.key])
    )

    page = response.content.decode()
    assert "Local buying keeps money in the town" in page
    assert "Councils should publish their spend by postcode." in page
    assert finding.call.get_absolute_url() in page


def test_public_trace_of_an_unpublished_commitment_is_404(client, prospectus, partnership):
    draft = CommitmentFactory(version__prospectus=prospectus)

    response = client.get(
        reverse("partnerships:commitment-public", args=[partnership.slug, draft.key])
    )

    assert response.status_code == 404


# --- Indicator readings ---

READING_EXPECTED = {"anonymous": 302, "member": 403, "connector": 200, "other_connector": 404}


@pytest.mark.parametrize(("role", "expected"), READING_EXPECTED.items())
def test_indicator_reading_page_by_role(client, login_as, partnership, role, expected):
    indicator = IndicatorFactory(partnership=partnership)
    login_as(role)

    response = client.get(
        reverse("partnerships:indicator-reading-create", args=[partnership.slug, indicator.pk])
    )

    assert response.status_code == expected


def test_connector_records_a_reading(client, connector, partnership):
    indicator = IndicatorFactory(partnership=partnership, unit="%")
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:indicator-reading-create", args=[partnership.slug, indicator.pk]),
        {"measured_on": TODAY.isoformat(), "value": "6.9", "note": "Council monthly figures"},
    )

    assert response["Location"] == reverse("partnerships:progress", args=[partnership.slug])
    assert IndicatorReading.objects.get().value == Decimal("6.9")


def test_reading_in_pounds_understood(client, connector, partnership):
    indicator = IndicatorFactory(partnership=partnership, unit="£", baseline=0, target=1_000_000)
    client.force_login(connector)

    client.post(
        reverse("partnerships:indicator-reading-create", args=[partnership.slug, indicator.pk]),
        {"measured_on": TODAY.isoformat(), "value": "£1.2m"},
    )

    assert IndicatorReading.objects.get().value == Decimal(1_200_000)


# --- Exports ---


@pytest.fixture
def exportable(prospectus, own_commitment):
    _update(own_commitment, days_ago=3, figure=Decimal(12), figure_label="apprentices")
    InvestmentLineFactory(
        version=prospectus.published_version,
        project="=Skills centre",
        amount=Decimal("2500000"),
        year=2026,
    )
    return prospectus


def test_commitments_csv(client, member, exportable, own_commitment, partnership):
    client.force_login(member)

    response = client.get(
        reverse("partnerships:progress-export", args=[partnership.slug])
        + "?what=commitments&format=csv"
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Organisation", "Commitment"]
    assert rows[1][1:] == [
        "Twenty apprenticeships for school leavers",
        "",
        own_commitment.due_on.isoformat(),
        "150000.00",
        "On track",
        (TODAY - timedelta(days=3)).isoformat(),
        "12.00",
        "apprentices",
    ]


def test_investment_plan_xlsx(client, connector, exportable, partnership):
    client.force_login(connector)

    response = client.get(
        reverse("partnerships:progress-export", args=[partnership.slug])
        + "?what=investment-plan&format=xlsx"
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Project", "Financial year", "Funding source", "Status", "Amount (£)"],
        ["'=Skills centre", "2026–27", "Town Deal", "Secured", 2500000],
    ]


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("other_member", 404)])
def test_exports_refused(client, login_as, exportable, partnership, role, expected):
    login_as(role)

    response = client.get(
        reverse("partnerships:progress-export", args=[partnership.slug])
        + "?what=commitments&format=csv"
    )

    assert response.status_code == expected


def test_export_of_unknown_thing_is_404(client, connector, exportable, partnership):
    client.force_login(connector)

    response = client.get(
        reverse("partnerships:progress-export", args=[partnership.slug])
        + "?what=passwords&format=csv"
    )

    assert response.status_code == 404


def test_commitment_member_representative_of_two_orgs(client, own_commitment, partnership, member):
    # A second organisation the member also speaks for: its commitments are theirs to update.
    other = CommitmentFactory(version=own_commitment.version)
    RepresentativeFactory(member=other.member, user=member)
    client.force_login(member)

    response = client.get(
        reverse("partnerships:commitment-update-create", args=[partnership.slug, other.key])
    )

    assert response.status_code == 200


def test_stage_delivering_not_by_hand_before_any_update(connector, prospectus, partnership):
    from partnerships.services import partnership_stage_change

    with pytest.raises(ValidationError) as excinfo:
        partnership_stage_change(
            actor=connector, partnership=partnership, stage=PartnershipStage.DELIVERING
        )

    assert excinfo.value.message_dict == {
        "stage": [
            "A partnership reaches “delivering” when its members report progress on the "
            "commitments of its published prospectus."
        ]
    }
    partnership.refresh_from_db()
    assert partnership.stage == PartnershipStage.PROSPECTUS_PUBLISHED
