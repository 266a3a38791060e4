from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from levelup.models import AuditEntry
from partnerships.enums import MatchStatus
from partnerships.models import Ask, Deliverable, Match
from partnerships.selectors import asks_for_partnership, exchange_summary
from partnerships.services import (
    ask_create,
    ask_update,
    deliverable_create,
    match_create,
    match_move,
)
from tests.factories.partnerships import (
    AskFactory,
    DeliverableFactory,
    MatchFactory,
    PartnershipMemberFactory,
)

pytestmark = pytest.mark.django_db


def _ask(partnership, quantity=20, **kw):
    return AskFactory(member__partnership=partnership, quantity=Decimal(quantity), **kw)


def _offer(partnership, quantity=10, **kw):
    return DeliverableFactory(member__partnership=partnership, quantity=Decimal(quantity), **kw)


# --- Services: validation of quantities ---


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (Decimal(-5), "The quantity must be more than zero."),
        (Decimal(0), "The quantity must be more than zero."),
        (
            Decimal(20_000_000),
            "20,000,000 is more than seems possible for apprenticeships (at most 10,000). "
            "Check for an extra nought.",
        ),
    ],
)
def test_ask_create_refuses_negative_or_absurd_quantity(member, partnership, quantity, message):
    with pytest.raises(ValidationError) as excinfo:
        ask_create(
            actor=member,
            partnership=partnership,
            member=member.membership,
            kind="apprenticeships",
            description="Placements",
            quantity=quantity,
            unit="",
        )

    assert excinfo.value.message_dict == {"quantity": [message]}
    assert Ask.objects.count() == 0


def test_ask_create_uses_default_unit_and_pound_for_money(member, partnership):
    hours = ask_create(
        actor=member,
        partnership=partnership,
        member=member.membership,
        kind="volunteering_hours",
        description="Help at the food bank",
        quantity=Decimal(200),
        unit="",
    )
    money = deliverable_create(
        actor=member,
        partnership=partnership,
        member=member.membership,
        kind="money",
        description="Grant for the youth club",
        quantity=Decimal(25000),
        unit="euros",
    )

    assert (hours.unit, money.unit) == ("hours", "£")
    assert AuditEntry.objects.filter(action="partnerships.ask.create", actor=member).count() == 1


def test_ask_update_cannot_go_below_matched(connector, partnership):
    match = MatchFactory(ask=_ask(partnership, 20), quantity=Decimal(8))

    with pytest.raises(ValidationError) as excinfo:
        ask_update(actor=connector, ask=match.ask, quantity=Decimal(5))

    assert excinfo.value.message_dict == {
        "quantity": [
            "8 placements of this is already matched. Drop a match before lowering the "
            "quantity below that."
        ]
    }


# --- Services: matching ---


def test_match_create_partial_matches_from_several_offers(connector, partnership):
    ask = _ask(partnership, 20)

    match_create(
        actor=connector,
        partnership=partnership,
        ask=ask,
        deliverable=_offer(partnership, 10),
        quantity=Decimal(10),
    )
    match_create(
        actor=connector,
        partnership=partnership,
        ask=ask,
        deliverable=_offer(partnership, 10),
        quantity=Decimal(6),
    )

    annotated = asks_for_partnership(partnership=partnership).get(pk=ask.pk)
    assert (annotated.matched, annotated.state) == (Decimal(16), "partly")


def test_match_create_refuses_over_matching_the_ask(connector, partnership):
    ask = _ask(partnership, 20)
    MatchFactory(ask=ask, quantity=Decimal(15))

    with pytest.raises(ValidationError) as excinfo:
        match_create(
            actor=connector,
            partnership=partnership,
            ask=ask,
            deliverable=_offer(partnership, 10),
            quantity=Decimal(10),
        )

    assert excinfo.value.message_dict == {
        "quantity": [
            "This would over-match the ask: it needs 20 placements and only 5 placements is "
            "still unmatched."
        ]
    }
    assert Match.objects.count() == 1


def test_match_create_refuses_using_more_than_offered(connector, partnership):
    offer = _offer(partnership, 10)
    MatchFactory(deliverable=offer, ask=_ask(partnership, 20), quantity=Decimal(7))

    with pytest.raises(ValidationError) as excinfo:
        match_create(
            actor=connector,
            partnership=partnership,
            ask=_ask(partnership, 20),
            deliverable=offer,
            quantity=Decimal(5),
        )

    assert excinfo.value.message_dict == {
        "quantity": [
            "The deliverable does not have that much left: 10 placements was offered and only "
            "3 placements is not matched yet."
        ]
    }


def test_match_create_dropped_matches_free_their_quantity(connector, partnership):
    ask = _ask(partnership, 20)
    MatchFactory(ask=ask, quantity=Decimal(20), status=MatchStatus.DROPPED)

    match = match_create(
        actor=connector,
        partnership=partnership,
        ask=ask,
        deliverable=_offer(partnership, 20),
        quantity=Decimal(20),
    )

    assert match.status == MatchStatus.PROPOSED


def test_match_create_refuses_different_kinds(connector, partnership):
    with pytest.raises(ValidationError) as excinfo:
        match_create(
            actor=connector,
            partnership=partnership,
            ask=_ask(partnership, 20),
            deliverable=_offer(partnership, 10, kind="space", unit="square metres"),
            quantity=Decimal(5),
        )

    assert excinfo.value.message_dict == {
        "deliverable": ["A deliverable of space cannot meet an ask for apprenticeships."]
    }


def test_match_create_refuses_other_partnerships_offer(connector, partnership, other_partnership):
    with pytest.raises(ValidationError) as excinfo:
        match_create(
            actor=connector,
            partnership=partnership,
            ask=_ask(partnership, 20),
            deliverable=_offer(other_partnership, 10),
            quantity=Decimal(5),
        )

    assert excinfo.value.messages == [
        "The ask and the deliverable must belong to this partnership."
    ]


def test_match_move_follows_transitions_and_is_audited(connector, partnership):
    match = MatchFactory(ask=_ask(partnership))

    match_move(actor=connector, match=match, status=MatchStatus.AGREED)
    match_move(actor=connector, match=match, status=MatchStatus.IN_DELIVERY)
    moved = match_move(actor=connector, match=match, status=MatchStatus.DELIVERED)

    assert moved.status == MatchStatus.DELIVERED
    assert [
        e.changes["status"]
        for e in AuditEntry.objects.filter(action="partnerships.match.move").order_by("id")
    ] == [["proposed", "agreed"], ["agreed", "in_delivery"], ["in_delivery", "delivered"]]


def test_match_move_refuses_skipping_to_delivered(connector, partnership):
    match = MatchFactory(ask=_ask(partnership))

    with pytest.raises(ValidationError) as excinfo:
        match_move(actor=connector, match=match, status=MatchStatus.DELIVERED)

    assert excinfo.value.messages == ["A match cannot move from proposed to delivered."]


def test_match_move_back_from_dropped_refused_when_ask_since_met(connector, partnership):
    ask = _ask(partnership, 10)
    dropped = MatchFactory(ask=ask, quantity=Decimal(10), status=MatchStatus.DROPPED)
    MatchFactory(ask=ask, quantity=Decimal(10))

    with pytest.raises(ValidationError) as excinfo:
        match_move(actor=connector, match=dropped, status=MatchStatus.PROPOSED)

    assert excinfo.value.messages == [
        "This would over-match the ask: it needs 10 placements and only 0 placements is "
        "still unmatched."
    ]


def test_exchange_summary_counts(partnership):
    met, partly, _open = _ask(partnership, 10), _ask(partnership, 10), _ask(partnership, 10)
    used_offer = _offer(partnership, 30)
    _offer(partnership, 5)
    MatchFactory(ask=met, deliverable=used_offer, quantity=Decimal(10))
    MatchFactory(ask=partly, deliverable=used_offer, quantity=Decimal(4))
    MatchFactory(ask=_open, deliverable=used_offer, quantity=Decimal(3), status=MatchStatus.DROPPED)

    summary = exchange_summary(partnership=partnership)

    assert (summary.asks_met, summary.asks_partly, summary.asks_open) == (1, 1, 1)
    assert (summary.deliverables_used, summary.deliverables_unused) == (1, 1)
    assert summary.matches_by_status == {
        "proposed": 2,
        "agreed": 0,
        "in_delivery": 0,
        "delivered": 0,
        "dropped": 1,
    }


# --- Views: permissions ---


ASK_POST = {
    "kind": "skills",
    "description": "Mentors for the enterprise club",
    "quantity": "12",
    "unit": "",
}


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
def test_ask_create_view_by_role(client, login_as, partnership, member, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:ask-create", args=[partnership.slug]),
        {**ASK_POST, "member": member.membership.pk},
    )

    assert response.status_code == expected
    assert Ask.objects.count() == (1 if role in {"member", "connector", "site_admin"} else 0)


def test_ask_create_view_member_cannot_record_for_another_organisation(client, member, partnership):
    someone_else = PartnershipMemberFactory(partnership=partnership)
    client.force_login(member)

    response = client.post(
        reverse("partnerships:ask-create", args=[partnership.slug]),
        {**ASK_POST, "member": someone_else.pk},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    assert Ask.objects.count() == 0


def test_ask_create_view_shows_absurd_quantity_error(client, member, partnership):
    client.force_login(member)

    response = client.post(
        reverse("partnerships:ask-create", args=[partnership.slug]),
        {**ASK_POST, "member": member.membership.pk, "quantity": "-3"},
    )

    assert response.context["form"].errors == {"quantity": ["The quantity must be more than zero."]}


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
def test_ask_update_own_organisation_by_role(client, login_as, partnership, member, role, expected):
    ask = AskFactory(member=member.membership, quantity=Decimal(20))
    login_as(role)

    response = client.post(
        reverse("partnerships:ask-update", args=[partnership.slug, ask.pk]),
        {**ASK_POST, "member": member.membership.pk, "kind": "apprenticeships", "quantity": "25"},
    )

    ask.refresh_from_db()
    assert response.status_code == expected
    assert (ask.quantity == 25) is (expected == 302 and role != "anonymous")


def test_ask_update_other_organisation_refused_for_member(client, member, partnership):
    ask = _ask(partnership, 20)
    client.force_login(member)

    response = client.post(
        reverse("partnerships:ask-update", args=[partnership.slug, ask.pk]),
        {**ASK_POST, "member": member.membership.pk, "quantity": "1"},
    )

    assert response.status_code == 403
    ask.refresh_from_db()
    assert ask.quantity == 20


def test_deliverable_update_other_partnership_guessed_url_is_404(
    client, member, partnership, other_partnership
):
    offer = _offer(other_partnership, 10)
    client.force_login(member)

    response = client.get(
        reverse("partnerships:deliverable-update", args=[partnership.slug, offer.pk])
    )

    assert response.status_code == 404


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
def test_match_create_view_by_role(client, login_as, partnership, role, expected):
    ask, offer = _ask(partnership, 20), _offer(partnership, 10)
    login_as(role)

    response = client.post(
        reverse("partnerships:ask-match", args=[partnership.slug, ask.pk]),
        {"deliverable": offer.pk, "quantity": "10"},
    )

    assert response.status_code == expected
    assert Match.objects.count() == (1 if role in {"connector", "site_admin"} else 0)


def test_match_create_view_over_matching_shows_clear_message(client, connector, partnership):
    ask, offer = _ask(partnership, 20), _offer(partnership, 50)
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:ask-match", args=[partnership.slug, ask.pk]),
        {"deliverable": offer.pk, "quantity": "30"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "quantity": [
            "This would over-match the ask: it needs 20 placements and only 20 placements is "
            "still unmatched."
        ]
    }
    assert "There is a problem" in response.content.decode()


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
def test_match_move_view_by_role(client, login_as, partnership, role, expected):
    match = MatchFactory(ask=_ask(partnership))
    login_as(role)

    response = client.post(
        reverse("partnerships:match-move", args=[partnership.slug, match.pk]),
        {"status": "agreed"},
    )

    match.refresh_from_db()
    assert response.status_code == expected
    assert (match.status == "agreed") is (role in {"connector", "site_admin"})


def test_match_move_view_refused_transition_shows_message(client, connector, partnership):
    match = MatchFactory(ask=_ask(partnership))
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:match-move", args=[partnership.slug, match.pk]),
        {"status": "delivered"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "A match cannot move from proposed to delivered."
    ]


# --- Views: lists, query counts, leaks ---


@pytest.mark.parametrize("rows", [1, 3])
def test_ask_list_queries_constant(client, connector, partnership, rows, django_assert_num_queries):
    for _ in range(rows):
        MatchFactory(ask=_ask(partnership))
    client.force_login(connector)

    # session, user, role grants, partnership, count, asks (with matched totals)
    with django_assert_num_queries(6):
        response = client.get(reverse("partnerships:ask-list", args=[partnership.slug]))

    assert len(response.context["items"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_offer_list_queries_constant(client, member, partnership, rows, django_assert_num_queries):
    for _ in range(rows):
        _offer(partnership)
    client.force_login(member)

    # session, user, role grants, partnership, count, offers, represented members (edit links)
    with django_assert_num_queries(7):
        response = client.get(reverse("partnerships:deliverable-list", args=[partnership.slug]))

    assert len(response.context["items"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_match_board_queries_constant(
    client, connector, partnership, rows, django_assert_num_queries
):
    for _ in range(rows):
        MatchFactory(ask=_ask(partnership))
    client.force_login(connector)

    # session, user, role grants, partnership, count, matches with both sides
    with django_assert_num_queries(6):
        response = client.get(reverse("partnerships:match-board", args=[partnership.slug]))

    assert len(response.context["matches"]) == rows
    assert [len(cards) for _status, cards in response.context["columns"]] == [rows, 0, 0, 0, 0]


def test_ask_list_filters_by_state(client, member, partnership):
    met = _ask(partnership, 5, description="Met ask")
    MatchFactory(ask=met, quantity=Decimal(5))
    _ask(partnership, 5, description="Open ask")
    client.force_login(member)

    response = client.get(
        reverse("partnerships:ask-list", args=[partnership.slug]), {"state": "open"}
    )

    assert [a.description for a in response.context["items"]] == ["Open ask"]


def test_board_and_lists_do_not_leak_other_partnership(
    client, member, partnership, other_partnership
):
    MatchFactory(ask=_ask(other_partnership, description="Their secret ask"))
    MatchFactory(ask=_ask(partnership, description="Our ask"))
    client.force_login(member)

    pages = [
        client.get(reverse(name, args=[partnership.slug])).content.decode()
        for name in (
            "partnerships:ask-list",
            "partnerships:deliverable-list",
            "partnerships:match-board",
            "partnerships:exchange-summary",
        )
    ]

    assert "Our ask" in pages[0]
    assert all("Their secret ask" not in page for page in pages)


def test_summary_view_shows_counts(client, member, partnership):
    MatchFactory(ask=_ask(partnership, 5), quantity=Decimal(5))
    client.force_login(member)

    response = client.get(reverse("partnerships:exchange-summary", args=[partnership.slug]))

    assert response.context["summary"].asks_met == 1
    assert response.context["summary"].deliverables_used == 1


def test_public_page_does_not_show_asks(client, partnership):
    _ask(partnership, description="A private ask")
    Deliverable.objects.update(description="x")

    response = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))

    assert "A private ask" not in response.content.decode()


def test_home_shows_proposed_matches_to_connector_and_involved_member(
    client, connector, member, partnership
):
    MatchFactory(ask=AskFactory(member=member.membership))
    MatchFactory(ask=_ask(partnership))
    home = reverse("partnerships:partnership-home", args=[partnership.slug])

    client.force_login(connector)
    for_connector = [i.text for i in client.get(home).context["attention"]]
    client.force_login(member)
    for_member = [i.text for i in client.get(home).context["attention"]]

    assert "2 proposed match(es) are waiting to be agreed." in for_connector
    assert for_member == ["1 proposed match(es) involve your organisation."]


@pytest.mark.parametrize("rows", [1, 3])
def test_summary_queries_constant(client, member, partnership, rows, django_assert_num_queries):
    for _ in range(rows):
        MatchFactory(ask=_ask(partnership, 5), quantity=Decimal(5))
    client.force_login(member)

    # session, user, role grants, partnership, asks by state, offers used/unused, matches by status
    with django_assert_num_queries(7):
        response = client.get(reverse("partnerships:exchange-summary", args=[partnership.slug]))

    assert response.context["summary"].asks_met == rows
