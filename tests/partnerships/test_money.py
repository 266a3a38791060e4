"""Money in asks, deliverables and matches: typed the ways people type pounds, shown the British
way, and refused with a clear message (the rest of the form kept) when it is not an amount."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import Ask, Deliverable
from tests.factories.partnerships import AskFactory, DeliverableFactory

pytestmark = pytest.mark.django_db


def _post_ask(client, partnership, member, quantity, kind="money"):
    return client.post(
        reverse("partnerships:ask-create", args=[partnership.slug]),
        {
            "member": member.pk,
            "kind": kind,
            "description": "Match funding for the skills centre",
            "quantity": quantity,
            "unit": "",
        },
    )


@pytest.mark.parametrize("typed", ["£1,200,000", "1.2m", "1,200,000.00", "£1.2m", "1200000"])
def test_ask_amount_typed_in_pounds_is_understood(client, connector, partnership, typed):
    member = AskFactory(member__partnership=partnership).member
    client.force_login(connector)

    response = _post_ask(client, partnership, member, typed)

    assert response.status_code == 302
    ask = Ask.objects.get(description="Match funding for the skills centre")
    assert (ask.quantity, ask.unit) == (Decimal("1200000.00"), "£")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-£5,000", "Enter an amount of £0 or more."),
        ("lots", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("£1,20,000", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("£200bn", "That amount is more than £100bn: check for extra zeros."),
        (
            "£6bn",
            "£6,000,000,000 is more than seems possible for money (£) (at most "
            "£5,000,000,000). Check for an extra nought.",
        ),
        ("£0", "The quantity must be more than zero."),
    ],
)
def test_ask_amount_refused_with_a_clear_message_and_the_form_kept(
    client, connector, partnership, typed, message
):
    member = AskFactory(member__partnership=partnership).member
    client.force_login(connector)

    response = _post_ask(client, partnership, member, typed)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"quantity": [message]}
    assert form["description"].value() == "Match funding for the skills centre"
    assert form["quantity"].value() == typed
    assert form["kind"].value() == "money"
    assert not Ask.objects.filter(description="Match funding for the skills centre").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("twenty", "Enter a number, like 20 or 1,500."),
        ("-3", "The quantity must be more than zero."),
    ],
)
def test_non_money_quantity_refused_with_a_clear_message(
    client, connector, partnership, typed, message
):
    member = AskFactory(member__partnership=partnership).member
    client.force_login(connector)

    response = _post_ask(client, partnership, member, typed, kind="apprenticeships")

    assert response.context["form"].errors == {"quantity": [message]}


def test_non_money_quantity_with_thousands_separator(client, connector, partnership):
    member = AskFactory(member__partnership=partnership).member
    client.force_login(connector)

    _post_ask(client, partnership, member, "1,500", kind="volunteering_hours")

    assert Ask.objects.get(description="Match funding for the skills centre").quantity == 1500


def test_money_shown_the_british_way_on_the_lists(client, connector, partnership):
    AskFactory(
        member__partnership=partnership,
        kind="money",
        unit="£",
        quantity=Decimal("1200000"),
        description="Skills centre fit-out",
    )
    DeliverableFactory(
        member__partnership=partnership,
        kind="procurement_spend",
        unit="£",
        quantity=Decimal("35000.50"),
        description="Print budget",
    )
    client.force_login(connector)

    asks = client.get(reverse("partnerships:ask-list", args=[partnership.slug])).content.decode()
    deliverables = client.get(
        reverse("partnerships:deliverable-list", args=[partnership.slug])
    ).content.decode()

    assert "£1,200,000" in asks
    assert "£35,000.50" in deliverables
    assert "<h1>Deliverables</h1>" in deliverables


def test_edit_form_shows_the_amount_in_pounds(client, connector, partnership):
    deliverable = DeliverableFactory(
        member__partnership=partnership, kind="money", unit="£", quantity=Decimal("150000")
    )
    client.force_login(connector)

    response = client.get(
        reverse("partnerships:deliverable-update", args=[partnership.slug, deliverable.pk])
    )

    assert response.context["form"]["quantity"].value() == "£150,000"


def test_match_amount_typed_in_pounds(client, connector, partnership):
    ask = AskFactory(
        member__partnership=partnership, kind="money", unit="£", quantity=Decimal("250000")
    )
    deliverable = DeliverableFactory(
        member__partnership=partnership, kind="money", unit="£", quantity=Decimal("150000")
    )
    client.force_login(connector)
    url = reverse("partnerships:ask-match", args=[partnership.slug, ask.pk])

    shown = client.get(url)
    refused = client.post(url, {"deliverable": deliverable.pk, "quantity": "£200k"})
    client.post(url, {"deliverable": deliverable.pk, "quantity": "£150k"})

    assert shown.context["form"]["quantity"].value() == "£250,000"
    assert refused.context["form"].errors == {
        "quantity": [
            "The deliverable does not have that much left: £150,000 was offered and only "
            "£150,000 is not matched yet."
        ]
    }
    assert Deliverable.objects.get(pk=deliverable.pk).matches.get().quantity == 150000
