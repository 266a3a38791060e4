"""Two connectors acting at the same moment: the row locks keep the rules."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from partnerships.models import Match, Representative
from partnerships.services import invitation_accept, invitation_create, match_create
from tests.factories.core import OrganisationFactory, UserFactory
from tests.factories.partnerships import AskFactory, DeliverableFactory, PartnershipFactory

pytestmark = pytest.mark.integration


def _race(*calls):
    """Run each call in its own thread and connection, released together; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except ValidationError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_matches_at_once_cannot_over_match_an_ask(transactional_db):
    ask = AskFactory(quantity=Decimal(15))
    partnership = ask.partnership
    offers = [
        DeliverableFactory(member__partnership=partnership, quantity=Decimal(10)) for _ in range(2)
    ]
    connector = UserFactory()

    outcomes = _race(
        *[
            lambda offer=offer: match_create(
                actor=connector,
                partnership=partnership,
                ask=ask,
                deliverable=offer,
                quantity=Decimal(10),
            )
            for offer in offers
        ]
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Match", "ValidationError"]
    assert Match.objects.filter(ask=ask).count() == 1


def test_one_invitation_accepted_twice_at_once_works_once(transactional_db):
    _, token = invitation_create(
        actor=None,
        partnership=PartnershipFactory(),
        organisation=OrganisationFactory(),
        role="member",
        name="Pat",
        email="pat@example.org",
        site_url="http://testserver/",
    )
    people = [UserFactory(), UserFactory()]

    outcomes = _race(*[lambda p=p: invitation_accept(user=p, token=token) for p in people])

    assert sorted(type(o).__name__ for o in outcomes) == ["Representative", "ValidationError"]
    assert Representative.objects.count() == 1
