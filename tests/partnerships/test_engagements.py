from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from levelup.models import AuditEntry, OutboundEmail
from partnerships.models import Action, Engagement
from partnerships.services import action_create, action_reminders_send, engagement_create
from tests.factories.core import UserFactory
from tests.factories.partnerships import (
    ActionFactory,
    EngagementFactory,
    PartnershipMemberFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_engagement_create_with_organisations_is_audited(connector, partnership, member):
    engagement = engagement_create(
        actor=connector,
        partnership=partnership,
        occurred_on=TODAY(),
        kind="roundtable",
        title="Skills roundtable",
        notes="Talked about apprenticeships.",
        organisations=[member.membership],
    )

    assert list(engagement.organisations.all()) == [member.membership]
    entry = AuditEntry.objects.get(action="partnerships.engagement.create")
    assert entry.actor == connector
    assert entry.changes == {"organisations": [str(member.membership)]}


def test_engagement_create_refuses_other_partnerships_organisation(
    connector, partnership, other_member
):
    with pytest.raises(ValidationError) as excinfo:
        engagement_create(
            actor=connector,
            partnership=partnership,
            occurred_on=TODAY(),
            kind="workshop",
            title="Workshop",
            organisations=[other_member.membership],
        )

    assert excinfo.value.message_dict == {
        "organisations": ["Choose organisations that are members of this partnership."]
    }


def test_engagement_create_refuses_future_date(connector, partnership):
    with pytest.raises(ValidationError) as excinfo:
        engagement_create(
            actor=connector,
            partnership=partnership,
            occurred_on=TODAY() + timedelta(days=1),
            kind="workshop",
            title="Workshop",
        )

    assert excinfo.value.message_dict == {
        "occurred_on": ["The date of an engagement cannot be in the future."]
    }


def test_action_create_refuses_owner_outside_partnership(connector, partnership, other_member):
    engagement = EngagementFactory(partnership=partnership)

    with pytest.raises(ValidationError) as excinfo:
        action_create(
            actor=connector,
            engagement=engagement,
            description="Call the college",
            owner=other_member,
            due_on=TODAY(),
        )

    assert excinfo.value.message_dict == {
        "owner": ["The owner must be a connector or a representative of a member."]
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_engagement_create_view_by_role(client, login_as, partnership, member, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:engagement-create", args=[partnership.slug]),
        {
            "occurred_on": TODAY().isoformat(),
            "kind": "site_visit",
            "title": "Visit to the port",
            "organisations": [member.membership.pk],
            "notes": "",
        },
    )

    assert response.status_code == expected
    assert Engagement.objects.count() == (1 if role in {"connector", "site_admin"} else 0)


def test_engagement_detail_connector_adds_action(client, connector, partnership, member):
    engagement = EngagementFactory(partnership=partnership)
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:engagement-detail", args=[partnership.slug, engagement.pk]),
        {"description": "Send the list of vacancies", "owner": member.pk, "due_on": "2030-01-31"},
    )

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.partnership, str(action.due_on)) == (
        member,
        partnership,
        "2030-01-31",
    )


def test_engagement_detail_member_cannot_add_action(client, member, partnership):
    engagement = EngagementFactory(partnership=partnership)
    client.force_login(member)

    response = client.post(
        reverse("partnerships:engagement-detail", args=[partnership.slug, engagement.pk]),
        {"description": "Sneaky", "owner": member.pk, "due_on": "2030-01-31"},
    )

    assert response.status_code == 403
    assert Action.objects.count() == 0


def test_engagement_of_other_partnership_by_guessed_url_is_404(
    client, member, partnership, other_partnership
):
    secret = EngagementFactory(partnership=other_partnership, notes="Other partnership's secret")
    client.force_login(member)

    as_own = client.get(
        reverse("partnerships:engagement-detail", args=[partnership.slug, secret.pk])
    )
    as_other = client.get(
        reverse("partnerships:engagement-detail", args=[other_partnership.slug, secret.pk])
    )

    assert as_own.status_code == 404
    assert as_other.status_code == 404


def test_engagement_list_does_not_leak_other_partnership(
    client, member, partnership, other_partnership
):
    EngagementFactory(partnership=other_partnership, title="Their secret meeting")
    EngagementFactory(partnership=partnership, title="Our meeting")
    client.force_login(member)

    response = client.get(reverse("partnerships:engagement-list", args=[partnership.slug]))

    content = response.content.decode()
    assert [e.title for e in response.context["engagements"]] == ["Our meeting"]
    assert "Their secret meeting" not in content


@pytest.mark.parametrize("rows", [1, 3])
def test_engagement_list_queries_constant(
    client, connector, partnership, rows, django_assert_num_queries
):
    for _ in range(rows):
        engagement = EngagementFactory(partnership=partnership)
        engagement.organisations.add(PartnershipMemberFactory(partnership=partnership))
        ActionFactory(engagement=engagement, overdue=True)
    client.force_login(connector)

    # session, user, role grants, partnership, count, engagements, organisations
    with django_assert_num_queries(7):
        response = client.get(reverse("partnerships:engagement-list", args=[partnership.slug]))

    assert len(response.context["engagements"]) == rows
    assert response.context["engagements"][0].overdue_actions == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_my_actions_queries_constant_and_only_mine(
    client, member, partnership, other_partnership, rows, django_assert_num_queries
):
    ActionFactory.create_batch(rows, engagement__partnership=partnership, owner=member)
    ActionFactory(engagement__partnership=partnership)
    client.force_login(member)

    # session, user, role grants, count, actions
    with django_assert_num_queries(5):
        response = client.get(reverse("partnerships:action-mine"))

    assert len(response.context["actions"]) == rows
    assert {a.owner for a in response.context["actions"]} == {member}


def test_my_actions_overdue_first_and_highlighted(client, member, partnership):
    later = ActionFactory(engagement__partnership=partnership, owner=member)
    overdue = ActionFactory(engagement__partnership=partnership, owner=member, overdue=True)
    done = ActionFactory(engagement__partnership=partnership, owner=member, overdue=True, done=True)
    client.force_login(member)

    response = client.get(reverse("partnerships:action-mine"))

    assert list(response.context["actions"]) == [overdue, later, done]
    assert response.content.decode().count('class="table-danger"') == 1


def test_my_actions_hides_actions_of_partnership_person_left(client, partnership, connector):
    from partnerships.services import member_remove

    owner = UserFactory()
    membership = PartnershipMemberFactory(partnership=partnership)
    from partnerships.services import representative_add

    representative_add(actor=connector, member=membership, user=owner)
    ActionFactory(engagement__partnership=partnership, owner=owner)
    member_remove(actor=connector, member=membership)
    client.force_login(owner)

    response = client.get(reverse("partnerships:action-mine"))

    assert list(response.context["actions"]) == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 302),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_action_done_by_role(client, login_as, partnership, member, role, expected):
    action = ActionFactory(engagement__partnership=partnership, owner=member)
    login_as(role)

    response = client.post(
        reverse("partnerships:action-done", args=[partnership.slug, action.pk]), {"done": "1"}
    )

    action.refresh_from_db()
    assert response.status_code == expected
    assert action.is_done is (role in {"member", "connector", "site_admin"})


def test_action_done_by_member_who_is_not_owner_is_refused(client, member, partnership):
    action = ActionFactory(engagement__partnership=partnership)
    client.force_login(member)

    response = client.post(
        reverse("partnerships:action-done", args=[partnership.slug, action.pk]), {"done": "1"}
    )

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.is_done is False


def test_home_shows_overdue_actions_first(client, member, partnership):
    ActionFactory(engagement__partnership=partnership, owner=member)
    ActionFactory(engagement__partnership=partnership, owner=member, overdue=True)
    client.force_login(member)

    response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    assert [(i.text, i.is_urgent) for i in response.context["attention"]] == [
        ("You have 1 overdue action.", True),
        ("You have 1 action due in the next 7 days.", False),
    ]


def test_action_reminders_send_once_for_actions_due_tomorrow(
    partnership, member, django_capture_on_commit_callbacks
):
    tomorrow = TODAY() + timedelta(days=1)
    due = ActionFactory(
        engagement__partnership=partnership,
        owner=member,
        due_on=tomorrow,
        description="Book the hall",
    )
    ActionFactory(engagement__partnership=partnership, owner=member, due_on=tomorrow, done=True)
    ActionFactory(engagement__partnership=partnership, owner=member, due_on=TODAY())

    with django_capture_on_commit_callbacks():
        first = action_reminders_send()
        second = action_reminders_send()

    email = OutboundEmail.objects.get()
    assert (first, second) == (1, 0)
    assert email.to == [member.email]
    assert email.subject == "Due tomorrow: Book the hall"
    assert partnership.name in email.body_text
    due.refresh_from_db()
    assert due.reminded_on == TODAY()


def test_action_reminders_task_is_scheduled_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["partnerships-action-reminders"]

    assert entry["task"] == "partnerships.action_reminders_send"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})


def test_action_reminders_task_run_twice_sends_one_email(partnership, member):
    from partnerships.tasks import action_reminders_send_task

    ActionFactory(
        engagement__partnership=partnership,
        owner=member,
        due_on=TODAY() + timedelta(days=1),
        description="Print the flyers",
    )

    first = action_reminders_send_task.apply().get()
    second = action_reminders_send_task.apply().get()

    assert (first, second) == (1, 0)
    assert list(OutboundEmail.objects.values_list("to", "subject")) == [
        ([member.email], "Due tomorrow: Print the flyers")
    ]
    assert AuditEntry.objects.filter(action="partnerships.action.remind").count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_engagement_update_view_by_role(
    client, login_as, partnership, member, role, expected, method
):
    engagement = EngagementFactory(partnership=partnership, title="Before")
    login_as(role)

    response = getattr(client, method)(
        reverse("partnerships:engagement-update", args=[partnership.slug, engagement.pk]),
        {
            "occurred_on": TODAY().isoformat(),
            "kind": "site_visit",
            "title": "After",
            "organisations": [member.membership.pk],
            "notes": "",
        },
    )

    engagement.refresh_from_db()
    if method == "get":
        assert response.status_code == (
            200 if expected == 302 and role != "anonymous" else expected
        )
        assert engagement.title == "Before"
    else:
        assert response.status_code == expected
        assert engagement.title == ("After" if role in {"connector", "site_admin"} else "Before")
