"""The money of a grant: cost plan, grant amount, repayment after the proof of use, payouts.

Pure arithmetic on ``Decimal`` without the database, so each rule of the grant notice
(ANBest-P) can be checked with worked examples and properties. Every amount that leaves
this module is rounded to cents, half up, as on a payment order.

- ``grant_amount``: what the grant notice awards, by financing type.
- ``repayment``: what is claimed back once the actual expenses and income are known
  (ANBest-P no. 2): share financing falls pro rata, deficit financing by the full amount,
  a fixed amount only when the eligible expenses fall below it or the purpose failed.
- ``payment_allowed``: whether a payment request stays within the grant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from fund.models import FinancingType

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# A line of the financing plan may usually be exceeded by up to 20 % if others make up
# for it (ANBest-P; see DOMAIN.md §6).
DEFAULT_OVERRUN_TOLERANCE = Decimal("0.20")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to cents, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _not_negative(name: str, amount: Decimal) -> None:
    if amount < 0:
        raise ValueError(f"{name} must not be negative, got {amount}.")


def _check_share(share_percent: Decimal | None) -> None:
    if share_percent is not None and not ZERO < share_percent <= HUNDRED:
        raise ValueError(
            f"The share must be more than 0 and at most 100 percent, got {share_percent}."
        )


def _require_share(share_percent: Decimal | None) -> Decimal:
    if share_percent is None:
        raise ValueError("Share financing needs the share in percent (share_percent).")
    _check_share(share_percent)
    return share_percent


@dataclass(frozen=True)
class CostPlan:
    """Kosten- und Finanzierungsplan: planned expenses per category and how they are paid."""

    expenses: Mapping[str, Decimal]
    own_contribution: Decimal = ZERO
    third_party_funds: Decimal = ZERO
    requested: Decimal = ZERO

    def __post_init__(self) -> None:
        for category, amount in self.expenses.items():
            _not_negative(f"The planned expense {category!r}", amount)
        _not_negative("The own contribution", self.own_contribution)
        _not_negative("The third-party funds", self.third_party_funds)
        _not_negative("The requested amount", self.requested)

    @property
    def total_expenses(self) -> Decimal:
        return cents(sum(self.expenses.values(), ZERO))

    @property
    def total_income(self) -> Decimal:
        return cents(self.own_contribution + self.third_party_funds + self.requested)

    @property
    def balanced(self) -> bool:
        return self.total_expenses == self.total_income

    @property
    def gap(self) -> Decimal:
        """The expenses not covered by own and third-party funds; negative if overfunded."""
        return cents(self.total_expenses - self.own_contribution - self.third_party_funds)


def grant_amount(
    financing_type: FinancingType | str,
    *,
    plan: CostPlan,
    share_percent: Decimal | None,
    cap: Decimal | None,
) -> Decimal:
    """The grant at decision time, at most ``cap`` (the call's maximum) if one is given.

    Fixed amount: the requested amount. Deficit financing: the gap the own and third-party
    funds leave. Share financing: ``share_percent`` of the planned eligible expenses.
    """
    kind = FinancingType(financing_type)
    _check_share(share_percent)
    if cap is not None:
        _not_negative("The maximum amount", cap)
    if kind == FinancingType.FIXED:
        amount = plan.requested
    elif kind == FinancingType.DEFICIT:
        amount = max(plan.gap, ZERO)
    else:
        amount = plan.total_expenses * _require_share(share_percent) / HUNDRED
    if cap is not None:
        amount = min(amount, cap)
    return cents(amount)


@dataclass(frozen=True)
class Actuals:
    """The numerical proof of use (zahlenmäßiger Nachweis): what was spent and received."""

    expenses: Mapping[str, Decimal]
    own_contribution: Decimal = ZERO
    third_party_funds: Decimal = ZERO

    def __post_init__(self) -> None:
        for category, amount in self.expenses.items():
            _not_negative(f"The actual expense {category!r}", amount)
        _not_negative("The actual own contribution", self.own_contribution)
        _not_negative("The actual third-party funds", self.third_party_funds)


@dataclass(frozen=True)
class RepaymentResult:
    """What of the grant the recipient may keep, what is claimed back, and why."""

    eligible_grant: Decimal
    repayment: Decimal
    reason: str
    # Planned categories spent beyond the tolerance; they count only up to plan × (1 + tol).
    line_overruns: tuple[str, ...] = ()
    eligible_expenses: Decimal = ZERO
    # Categories spent on but not in the cost plan; they do not count at all.
    unplanned: tuple[str, ...] = ()


def _eligible_expenses(
    plan: CostPlan, actuals: Actuals, tolerance: Decimal
) -> tuple[Decimal, tuple[str, ...], tuple[str, ...]]:
    total = ZERO
    overruns = []
    for category, planned in plan.expenses.items():
        actual = actuals.expenses.get(category, ZERO)
        limit = cents(planned * (1 + tolerance))
        if actual > limit:
            overruns.append(category)
        total += min(actual, limit)
    unplanned = tuple(c for c, a in actuals.expenses.items() if c not in plan.expenses and a > 0)
    return cents(total), tuple(overruns), unplanned


def repayment(
    financing_type: FinancingType | str,
    *,
    grant: Decimal,
    plan: CostPlan,
    actuals: Actuals,
    share_percent: Decimal | None,
    purpose_achieved: bool = True,
    overrun_tolerance: Decimal = DEFAULT_OVERRUN_TOLERANCE,
    paid: Decimal | None = None,
) -> RepaymentResult:
    """The part of the grant that stays eligible after the proof of use, and the repayment.

    ``paid`` is what was actually paid out (default: the whole grant); only that can be
    claimed back, so a recipient paid less than the eligible grant repays nothing. If the
    purpose was not achieved, the whole grant is revoked whatever the financing type.
    """
    kind = FinancingType(financing_type)
    _not_negative("The grant", grant)
    _not_negative("The overrun tolerance", overrun_tolerance)
    _check_share(share_percent)
    if paid is None:
        paid = grant
    _not_negative("The amount paid", paid)
    if paid > grant:
        raise ValueError(f"More was paid ({paid}) than granted ({grant}).")
    expenses, overruns, unplanned = _eligible_expenses(plan, actuals, overrun_tolerance)

    if not purpose_achieved:
        eligible = ZERO
        reason = _("The purpose of the grant was not achieved, so the whole grant is revoked.")
    elif kind == FinancingType.DEFICIT:
        gap = expenses - actuals.own_contribution - actuals.third_party_funds
        eligible = max(min(grant, gap), ZERO)
        reason = _(
            "Deficit financing: the grant covers only the proven gap, so lower expenses "
            "and extra income reduce it by the full amount."
        )
    elif kind == FinancingType.SHARE:
        share = _require_share(share_percent)
        eligible = min(grant, expenses * share / HUNDRED)
        reason = _(
            "Share financing: the grant is %(share)s %% of the eligible expenses "
            "and falls pro rata with them."
        ) % {"share": format(share.normalize(), "f")}
    elif expenses >= grant:
        eligible = grant
        reason = _("Fixed-amount financing: the eligible expenses reach the grant, so it stays.")
    else:
        eligible = expenses
        reason = _(
            "Fixed-amount financing: the eligible expenses fell below the grant, "
            "so the grant falls to them."
        )
    eligible = cents(eligible)
    return RepaymentResult(
        eligible_grant=eligible,
        repayment=cents(max(paid - eligible, ZERO)),
        reason=reason,
        line_overruns=overruns,
        eligible_expenses=expenses,
        unplanned=unplanned,
    )


def payment_allowed(
    *, grant: Decimal, already_requested: Decimal, requested: Decimal
) -> str | None:
    """None if a payment request (Mittelabruf) fits in the grant, else what is wrong."""
    _not_negative("The grant", grant)
    _not_negative("The amount already requested", already_requested)
    left = cents(max(grant - already_requested, ZERO))
    if requested <= 0:
        return _("Request an amount of more than 0 €; %(left)s € of the grant are left.") % {
            "left": left
        }
    if requested > left:
        return _("The request exceeds the grant: %(left)s € are left.") % {"left": left}
    return None
