from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from levelup.models import AuditEntry
from partnerships.models import Indicator
from partnerships.services import indicator_create
from tests.factories.partnerships import IndicatorFactory

pytestmark = pytest.mark.django_db

INDICATOR_POST = {
    "name": "Apprenticeship starts",
    "unit": "starts a year",
    "baseline": "120",
    "target": "200",
    "source": "Department for Education apprenticeship data",
}
RUNNER_EXPECTED = [
    ("anonymous", 302),
    ("respondent", 404),
    ("member", 403),
    ("other_member", 404),
    ("connector", 302),
    ("other_connector", 404),
    ("site_admin", 302),
]


@pytest.mark.parametrize(("role", "expected"), RUNNER_EXPECTED)
def test_indicator_create_view_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:indicator-create", args=[partnership.slug]), INDICATOR_POST
    )

    assert response.status_code == expected
    assert Indicator.objects.count() == (1 if role in {"connector", "site_admin"} else 0)


def test_indicator_create_refuses_target_equal_to_baseline(connector, partnership):
    with pytest.raises(ValidationError) as excinfo:
        indicator_create(
            actor=connector,
            partnership=partnership,
            name="Jobs",
            unit="jobs",
            baseline=Decimal(10),
            target=Decimal(10),
            source="Survey",
        )

    assert excinfo.value.messages == ["The target must differ from the baseline."]


def test_indicator_update_is_audited_and_other_partnership_is_404(
    client, connector, partnership, other_partnership
):
    indicator = IndicatorFactory(partnership=partnership)
    theirs = IndicatorFactory(partnership=other_partnership)
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:indicator-update", args=[partnership.slug, indicator.pk]),
        {**INDICATOR_POST, "name": indicator.name},
    )
    guessed = client.post(
        reverse("partnerships:indicator-update", args=[partnership.slug, theirs.pk]),
        INDICATOR_POST,
    )

    assert response.status_code == 302
    assert guessed.status_code == 404
    entry = AuditEntry.objects.get(action="partnerships.indicator.update")
    assert entry.changes["target"] == ["70.00", "200"]


@pytest.mark.parametrize(("role", "expected"), RUNNER_EXPECTED)
def test_exit_plan_update_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:exit-plan", args=[partnership.slug]),
        {"exit_plan": "The chamber of commerce hosts the meetings from 2027."},
    )

    partnership.refresh_from_db()
    assert response.status_code == expected
    assert (partnership.exit_plan != "") is (role in {"connector", "site_admin"})


@pytest.mark.parametrize("rows", [1, 3])
def test_plan_page_queries_constant(client, member, partnership, rows, django_assert_num_queries):
    IndicatorFactory.create_batch(rows, partnership=partnership)
    client.force_login(member)

    # session, user, role grants, partnership, count, indicators
    with django_assert_num_queries(6):
        response = client.get(reverse("partnerships:plan", args=[partnership.slug]))

    assert len(response.context["indicators"]) == rows


def test_plan_page_does_not_leak_and_public_page_hides_plan(
    client, member, partnership, other_partnership
):
    IndicatorFactory(partnership=other_partnership, name="Their secret indicator")
    partnership.exit_plan = "Our exit plan."
    partnership.save()
    client.force_login(member)

    page = client.get(reverse("partnerships:plan", args=[partnership.slug])).content.decode()
    public = client.get(
        reverse("partnerships:partnership-detail", args=[partnership.slug])
    ).content.decode()

    assert "Our exit plan." in page
    assert "Their secret indicator" not in page
    assert "Our exit plan." not in public
