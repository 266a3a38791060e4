from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from levelup.money import GBPField, format_gbp, format_gbp_short, parse_gbp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,200,000", Decimal("1200000.00")),
        ("1.2m", Decimal("1200000.00")),
        ("1,200,000.00", Decimal("1200000.00")),
        ("£1.2bn", Decimal("1200000000.00")),
        ("150k", Decimal("150000.00")),
        (" £ 150,000 ", Decimal("150000.00")),
        ("2 million", Decimal("2000000.00")),
        ("0", Decimal("0.00")),
        ("12.345", Decimal("12.35")),
        ("GBP 500", Decimal("500.00")),
    ],
)
def test_parse_gbp_understands_british_amounts(text, expected):
    assert parse_gbp(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "Enter an amount of £0 or more."),
        ("£-1,000", "Enter an amount of £0 or more."),
        ("lots", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("1,20,000", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("12 apples", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("500bn", "That amount is more than £100bn: check for extra zeros."),
    ],
)
def test_parse_gbp_refuses_what_is_not_money(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_gbp(text)

    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    ("value", "full", "short"),
    [
        (Decimal("150000"), "£150,000", "£150,000"),
        (Decimal("1250.5"), "£1,250.50", "£1,250.50"),
        (Decimal("1200000000"), "£1,200,000,000", "£1.2bn"),
        (Decimal("35000000"), "£35,000,000", "£35m"),
        (Decimal("1000000000"), "£1,000,000,000", "£1bn"),
        (0, "£0", "£0"),
    ],
)
def test_format_gbp_writes_pounds_the_british_way(value, full, short):
    assert (format_gbp(value), format_gbp_short(value)) == (full, short)


def test_gbp_filters_render_in_templates():
    template = Template("{% load money %}{{ a|gbp }} / {{ b|gbp_short }}")

    rendered = template.render(Context({"a": Decimal("150000"), "b": Decimal("1200000000")}))

    assert rendered == "£150,000 / £1.2bn"


def test_gbp_field_cleans_to_decimal_and_shows_pounds():
    field = GBPField(required=False)

    assert field.clean("1.2m") == Decimal("1200000.00")
    assert field.clean("") is None
    assert field.prepare_value(Decimal("150000")) == "£150,000"
    with pytest.raises(ValidationError) as caught:
        field.clean("-3")
    assert caught.value.messages == ["Enter an amount of £0 or more."]
