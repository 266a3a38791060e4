import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from levelup.models import AuditEntry, OutboundEmail
from partnerships.diff import Segment, word_diff
from partnerships.enums import AgreementKind, MemberRole
from partnerships.models import AgreementVersion, Endorsement
from partnerships.services import agreement_endorse, agreement_propose
from tests.factories.partnerships import AgreementVersionFactory, PartnershipMemberFactory

from .conftest import lead_representative

pytestmark = pytest.mark.django_db

GOAL = AgreementKind.COMMON_GOAL


def _propose(connector, partnership, text="Good jobs for every young person in the town."):
    return agreement_propose(actor=connector, partnership=partnership, kind=GOAL, text=text)


@pytest.fixture
def leads(partnership):
    return [
        lead_representative(partnership, "Lena Lead"),
        lead_representative(partnership, "Lars Lead"),
    ]


def test_agreement_propose_numbers_versions_and_emails_leads(
    connector, partnership, leads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        first = _propose(connector, partnership)
        second = _propose(connector, partnership, "Good jobs and skills for every young person.")

    assert (first.number, second.number) == (1, 2)
    emails = OutboundEmail.objects.order_by("id")
    assert [sorted(e.to) for e in emails] == [sorted(u.email for u in leads)] * 2
    assert emails[1].subject == (
        f"{partnership.name}: Common goal version 2 needs your endorsement"
    )
    assert AuditEntry.objects.filter(action="partnerships.common_goal.propose").count() == 2


def test_agreement_propose_same_text_is_refused(connector, partnership):
    _propose(connector, partnership)

    with pytest.raises(ValidationError) as excinfo:
        _propose(connector, partnership)

    assert excinfo.value.messages == ["This is the same as version 1. Change the text first."]


def test_agreement_agreed_when_every_lead_endorsed_same_version(connector, partnership, leads):
    version = _propose(connector, partnership)
    PartnershipMemberFactory(partnership=partnership, role=MemberRole.MEMBER)

    agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)
    version.refresh_from_db()
    assert version.agreed_at is None

    agreement_endorse(actor=leads[1], version=version, member=leads[1].membership)
    version.refresh_from_db()
    assert version.agreed_at is not None
    assert AuditEntry.objects.filter(action="partnerships.common_goal.agree").count() == 1


def test_agreement_new_version_resets_endorsements(connector, partnership, leads):
    first = _propose(connector, partnership)
    agreement_endorse(actor=leads[0], version=first, member=leads[0].membership)

    second = _propose(connector, partnership, "A new text.")
    agreement_endorse(actor=leads[1], version=second, member=leads[1].membership)

    second.refresh_from_db()
    assert second.agreed_at is None
    assert second.endorsements.count() == 1


def test_agreement_endorse_superseded_version_is_refused(connector, partnership, leads):
    first = _propose(connector, partnership)
    _propose(connector, partnership, "A new text.")

    with pytest.raises(ValidationError) as excinfo:
        agreement_endorse(actor=leads[0], version=first, member=leads[0].membership)

    assert excinfo.value.messages == [
        "Version 1 has been replaced by version 2. Read and endorse version 2 instead."
    ]
    assert Endorsement.objects.count() == 0


def test_agreement_endorse_twice_is_refused(connector, partnership, leads):
    version = _propose(connector, partnership)
    agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)

    with pytest.raises(ValidationError) as excinfo:
        agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)

    assert excinfo.value.messages == ["Your organisation has already endorsed this version."]


def test_agreement_endorse_for_organisation_not_represented_is_refused(
    connector, partnership, leads
):
    version = _propose(connector, partnership)

    with pytest.raises(ValidationError) as excinfo:
        agreement_endorse(actor=leads[0], version=version, member=leads[1].membership)

    assert excinfo.value.messages == ["You do not represent this organisation."]


def test_agreement_endorse_by_non_lead_member_is_refused(connector, partnership, member):
    version = _propose(connector, partnership)

    with pytest.raises(ValidationError) as excinfo:
        agreement_endorse(actor=member, version=version, member=member.membership)

    assert excinfo.value.messages == ["Only a current lead member can endorse."]


def test_word_diff_marks_inserted_and_deleted_words():
    diff = word_diff("Good jobs for young people.", "Good skilled jobs for all young people.")

    assert [s for s in diff if s.op != "equal"] == [
        Segment("insert", " skilled"),
        Segment("insert", "all "),
    ]
    assert "".join(s.text for s in diff if s.op != "delete") == (
        "Good skilled jobs for all young people."
    )


# --- Views ---


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
def test_goal_propose_view_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:goal-propose", args=[partnership.slug]), {"text": "A goal."}
    )

    assert response.status_code == expected
    assert AgreementVersion.objects.count() == (1 if role in {"connector", "site_admin"} else 0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 403),
        ("other_connector", 404),
        ("site_admin", 403),
    ],
)
def test_goal_endorse_view_refused_for_everyone_but_leads(
    client, login_as, partnership, role, expected
):
    version = AgreementVersionFactory(partnership=partnership, number=1)
    login_as(role)

    response = client.post(
        reverse("partnerships:goal-endorse", args=[partnership.slug, version.number]),
        {"member": PartnershipMemberFactory(partnership=partnership, lead=True).pk},
    )

    assert response.status_code == expected
    assert Endorsement.objects.count() == 0


def test_goal_endorse_view_by_lead_then_public_page_shows_agreed_goal(
    client, connector, partnership
):
    lead = lead_representative(partnership)
    version = _propose(connector, partnership, "Every child leaves school with a plan.")
    client.force_login(lead)

    response = client.post(
        reverse("partnerships:goal-endorse", args=[partnership.slug, 1]),
        {"member": lead.membership.pk},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Endorsed. Every lead member has now endorsed version 1: it is agreed."
    ]
    client.logout()
    public = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))
    assert public.context["agreed_goal"] == version
    assert "Every child leaves school with a plan." in public.content.decode()


def test_goal_endorse_view_superseded_version_shows_message(client, connector, partnership):
    lead = lead_representative(partnership)
    _propose(connector, partnership, "First.")
    _propose(connector, partnership, "Second.")
    client.force_login(lead)

    response = client.post(
        reverse("partnerships:goal-endorse", args=[partnership.slug, 1]),
        {"member": lead.membership.pk},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Version 1 has been replaced by version 2. Read and endorse version 2 instead."
    ]


def test_goal_endorse_other_partnerships_version_number_is_404(
    client, partnership, other_partnership
):
    lead = lead_representative(partnership)
    AgreementVersionFactory(partnership=other_partnership, number=7)
    client.force_login(lead)

    response = client.post(
        reverse("partnerships:goal-endorse", args=[other_partnership.slug, 7]),
        {"member": lead.membership.pk},
    )

    assert response.status_code == 404


def test_public_page_hides_goal_until_agreed_and_shows_last_agreed(client, connector, partnership):
    lead = lead_representative(partnership)
    agreed = _propose(connector, partnership, "The agreed goal.")
    agreement_endorse(actor=lead, version=agreed, member=lead.membership)
    _propose(connector, partnership, "A draft still being discussed.")

    response = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))

    content = response.content.decode()
    assert "The agreed goal." in content
    assert "A draft still being discussed." not in content


def test_public_page_hides_unagreed_goal(client, partnership):
    AgreementVersionFactory(partnership=partnership, text="Unagreed draft goal.")

    response = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))

    assert "Unagreed draft goal." not in response.content.decode()
    assert response.context["agreed_goal"] is None


def test_goal_page_lists_leads_and_endorse_button_for_lead(client, connector, partnership, leads):
    version = _propose(connector, partnership)
    agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)
    client.force_login(leads[1])

    response = client.get(reverse("partnerships:goal", args=[partnership.slug]))

    status = response.context["status"]
    assert status.endorsed_count == 1
    assert status.endorsable == [leads[1].membership]
    assert "Endorse version 1 for" in response.content.decode()


def test_home_shows_goal_waiting_for_lead(client, connector, partnership, leads):
    _propose(connector, partnership)
    client.force_login(leads[0])

    response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    assert [i.text for i in response.context["attention"]] == [
        "Common goal version 1 is waiting for your endorsement."
    ]


@pytest.mark.parametrize("rows", [1, 3])
def test_goal_history_queries_constant_with_diff(
    client, connector, partnership, rows, django_assert_num_queries
):
    for number in range(1, rows + 1):
        AgreementVersionFactory(partnership=partnership, number=number, text=f"Goal text {number}")
    client.force_login(connector)

    # session, user, role grants, partnership, count, versions (+1 if a previous page exists)
    with django_assert_num_queries(6):
        response = client.get(reverse("partnerships:goal-history", args=[partnership.slug]))

    history = response.context["history"]
    assert [item.version.number for item in history] == list(range(rows, 0, -1))
    assert history[-1].diff is None
    if rows > 1:
        assert [s for s in history[0].diff if s.op != "equal"] == [
            Segment("delete", str(rows - 1)),
            Segment("insert", str(rows)),
        ]
        assert "<del>" in response.content.decode()
        assert "style=" not in response.content.decode()


def test_terms_of_reference_versioned_and_agreed_like_goal(client, connector, partnership):
    lead = lead_representative(partnership)
    client.force_login(connector)

    client.post(
        reverse("partnerships:terms-propose", args=[partnership.slug]),
        {
            "purpose": "Agree and deliver a plan for the town.",
            "membership": "Businesses, the council and community groups.",
            "decision_making": "By consensus of the lead members.",
            "meeting_rhythm": "Every six weeks.",
        },
    )
    version = AgreementVersion.objects.get(kind=AgreementKind.TERMS_OF_REFERENCE)
    agreement_endorse(actor=lead, version=version, member=lead.membership)

    version.refresh_from_db()
    assert version.agreed_at is not None
    assert version.as_text().startswith("Purpose\nAgree and deliver a plan for the town.")
    page = client.get(reverse("partnerships:terms", args=[partnership.slug]))
    assert "Every six weeks." in page.content.decode()
    public = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))
    assert "Every six weeks." not in public.content.decode()


def test_goal_agreed_when_last_pending_lead_leaves(connector, partnership, leads):
    from partnerships.services import member_remove

    version = _propose(connector, partnership)
    agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)

    member_remove(actor=connector, member=leads[1].membership)

    version.refresh_from_db()
    assert version.agreed_at is not None


def test_goal_stays_agreed_when_a_new_lead_is_named_later(connector, partnership, leads, member):
    from partnerships.services import member_role_change

    version = _propose(connector, partnership)
    agreement_endorse(actor=leads[0], version=version, member=leads[0].membership)
    member_role_change(actor=connector, member=leads[1].membership, role=MemberRole.MEMBER)
    version.refresh_from_db()
    assert version.agreed_at is not None

    member_role_change(actor=connector, member=member.membership, role=MemberRole.LEAD)

    version.refresh_from_db()
    assert version.agreed_at is not None


def test_new_version_emails_only_current_lead_representatives_and_resets_count(
    client, connector, partnership, leads, member, django_capture_on_commit_callbacks
):
    from partnerships.services import member_remove

    former = lead_representative(partnership, "Fran Former-Lead")
    member_remove(actor=connector, member=former.membership)
    first = _propose(connector, partnership)
    for lead in leads:
        agreement_endorse(actor=lead, version=first, member=lead.membership)
    OutboundEmail.objects.all().delete()

    second = _propose(connector, partnership, "A second, better text.")
    client.force_login(connector)
    page = client.get(reverse("partnerships:goal", args=[partnership.slug]))

    first.refresh_from_db()
    assert first.agreed_at is not None
    assert [sorted(e.to) for e in OutboundEmail.objects.all()] == [sorted(u.email for u in leads)]
    assert page.context["status"].current == second
    assert page.context["status"].endorsed_count == 0
    assert "0 of 2 lead members have endorsed this version." in page.content.decode()
    assert {lead.current_endorsements == [] for lead in page.context["leads"]} == {True}


def test_goal_history_paginated_diff_of_page_last_version_uses_next_page(
    client, connector, partnership
):
    for number in range(1, 13):
        AgreementVersionFactory(partnership=partnership, number=number, text=f"Goal text {number}")
    client.force_login(connector)
    url = reverse("partnerships:goal-history", args=[partnership.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert [item.version.number for item in first.context["history"]] == list(range(12, 2, -1))
    assert [s for s in first.context["history"][-1].diff if s.op != "equal"] == [
        Segment("delete", "2"),
        Segment("insert", "3"),
    ]
    assert [item.version.number for item in second.context["history"]] == [2, 1]
    assert second.context["history"][-1].diff is None
    assert "<ins>" in first.content.decode()
