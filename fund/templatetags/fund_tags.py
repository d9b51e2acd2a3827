"""Template filters of the fund pages."""

from __future__ import annotations

from django import template

from fund.models import CostLine

register = template.Library()


@register.filter
def cost_category(code: str) -> str:
    """The label of a cost-plan category code as stored in a frozen revision."""
    try:
        return str(CostLine.Category(code).label)
    except ValueError:
        return code
