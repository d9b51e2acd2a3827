"""Numbers as the active language writes them, for texts built in Python (chart
descriptions, PDF tables); templates use ``floatformat`` and ``localize``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def number(value: Decimal | float | int | None) -> str:
    """A value without trailing zeros, thousands grouped: "6.807", "39,5"; "–" for none."""
    if value is None:
        return "–"
    return number_format(Decimal(value).normalize(), use_l10n=True, force_grouping=True)


def whole(value: Decimal | float | int) -> str:
    """A whole number (euros, people), thousands grouped: "197.800"."""
    return number_format(Decimal(value), 0, use_l10n=True, force_grouping=True)
