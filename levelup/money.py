"""Money in pounds: read the ways people type it, show it the British way.

Amounts are `Decimal` pounds (two places). People type "£1,200,000", "1.2m", "£1.2bn", "150k"
or "1,200,000.00"; all of those mean the same kind of thing, so forms accept them all and
refuse, with a message that says why, what cannot be an amount of money.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest amount anyone here should type: above this it is a typo (an extra zero or two).
MAX_GBP = Decimal("100_000_000_000")  # £100bn
PENCE = Decimal("0.01")

_MULTIPLIERS = {
    "": Decimal(1),
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "b": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_AMOUNT = re.compile(
    r"^(?P<sign>-)?\s*£?\s*(?P<sign2>-)?\s*(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z]*)$"
)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_gbp(text: str | int | Decimal | None) -> Decimal:
    """The amount in pounds that `text` means, to the penny.

    Raises `ValidationError` for text that is not an amount, a negative amount, or one larger
    than `MAX_GBP`.
    """
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        cleaned = (text or "").strip().lower().replace("gbp", "£").replace(" ", "")
        match = _AMOUNT.match(cleaned)
        if not match or match["unit"] not in _MULTIPLIERS:
            raise ValidationError(
                _("Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
                code="not_money",
            )
        if match["sign"] or match["sign2"]:
            raise ValidationError(_("Enter an amount of £0 or more."), code="negative")
        number = match["number"]
        if "," in number and not _GROUPED.match(number):
            raise ValidationError(
                _("Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
                code="not_money",
            )
        try:
            value = Decimal(number.replace(",", "")) * _MULTIPLIERS[match["unit"]]
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
            raise ValidationError(_("Enter an amount in pounds."), code="not_money") from exc
    if value < 0:
        raise ValidationError(_("Enter an amount of £0 or more."), code="negative")
    if value > MAX_GBP:
        raise ValidationError(
            _("That amount is more than £100bn: check for extra zeros."), code="absurd"
        )
    return value.quantize(PENCE, rounding=ROUND_HALF_UP)


def format_gbp(value: Decimal | int | float | None) -> str:
    """£150,000 or £1,250.50: pence only when there are some."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(PENCE, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


def format_gbp_short(value: Decimal | int | float | None) -> str:
    """£1.2bn, £35m, £150,000: millions and billions in words for headlines and charts."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for size, suffix in ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "m")):
        if amount >= size:
            short = (amount / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            text = f"{short:f}".removesuffix(".0")
            return f"{sign}£{text}{suffix}"
    return sign + format_gbp(amount)


class GBPField(forms.Field):
    """A text box for an amount in pounds; `cleaned_data` holds a `Decimal`."""

    widget = forms.TextInput
    max_length = 40

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("In pounds, for example £150,000, 1.2m or £1.2bn."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("spellcheck", "false")
        self.widget.attrs.setdefault("maxlength", str(self.max_length))

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_gbp(value)
        return value

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise ValidationError(
                _("Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."), code="not_money"
            )
        return parse_gbp(text)
