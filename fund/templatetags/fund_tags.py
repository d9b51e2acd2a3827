"""Template filters of the fund pages."""

from __future__ import annotations

from django import template

from fund.models import CostLine, TargetGroup
from fund.workflow import State

register = template.Library()


@register.filter
def cost_category(code: str) -> str:
    """The label of a cost-plan category code as stored in a frozen revision."""
    try:
        return str(CostLine.Category(code).label)
    except ValueError:
        return code


@register.filter
def target_groups(codes: list[str]) -> str:
    """Target group codes as their labels, comma-separated (unknown codes as they are)."""
    labels = []
    for code in codes or []:
        try:
            labels.append(str(TargetGroup(code).label))
        except ValueError:
            labels.append(code)
    return ", ".join(labels)


STATE_TONES = {
    State.DRAFT: "warning",
    State.INELIGIBLE: "danger",
    State.NOT_RECOMMENDED: "danger",
    State.REJECTED: "danger",
    State.REPAYMENT_CLAIMED: "danger",
    State.WITHDRAWN: "danger",
    State.APPROVED: "success",
    State.PARTLY_APPROVED: "success",
    State.GRANTED: "success",
    State.RUNNING: "success",
    State.PROOF_CHECKED: "success",
    State.CLOSED: "success",
}


@register.filter
def state_tone(state: str) -> str:
    """The KERN badge tone of an application state (the text says the state)."""
    return STATE_TONES.get(state, "info")  # type: ignore[call-overload]
