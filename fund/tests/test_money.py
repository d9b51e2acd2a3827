"""The grant arithmetic: worked examples for each financing type and its invariants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fund.models import FinancingType
from fund.money import Actuals, CostPlan, grant_amount, payment_allowed, repayment

D = Decimal
FIXED, DEFICIT, SHARE = FinancingType.FIXED, FinancingType.DEFICIT, FinancingType.SHARE

# 20,000 € planned: 12,000 staff and 8,000 material; 10,000 own contribution.
PLAN = CostPlan(
    {"staff": D("12000"), "material": D("8000")},
    own_contribution=D("10000"),
    requested=D("10000"),
)
# 18,000 € actually spent, own contribution as planned.
SPENT_18000 = Actuals({"staff": D("11000"), "material": D("7000")}, own_contribution=D("10000"))


# --- the cost plan -------------------------------------------------------------------


def test_cost_plan_totals_balance_and_gap():
    plan = CostPlan(
        {"staff": D("12000"), "material": D("8000.50")},
        own_contribution=D("5000"),
        third_party_funds=D("3000.50"),
        requested=D("12000"),
    )
    assert plan.total_expenses == D("20000.50")
    assert plan.total_income == D("20000.50")
    assert plan.balanced
    assert plan.gap == D("12000.00")


def test_cost_plan_that_does_not_add_up_is_not_balanced():
    assert not CostPlan({"staff": D("100")}, requested=D("90")).balanced


@pytest.mark.parametrize(
    "make",
    [
        lambda: CostPlan({"staff": D("-1")}),
        lambda: CostPlan({"staff": D("1")}, own_contribution=D("-1")),
        lambda: CostPlan({"staff": D("1")}, third_party_funds=D("-1")),
        lambda: CostPlan({"staff": D("1")}, requested=D("-1")),
        lambda: Actuals({"staff": D("-1")}),
        lambda: Actuals({"staff": D("1")}, third_party_funds=D("-0.01")),
    ],
)
def test_negative_amounts_are_refused(make):
    with pytest.raises(ValueError, match="must not be negative"):
        make()


# --- the grant at decision time ------------------------------------------------------


def test_fixed_amount_grant_is_the_requested_amount():
    assert grant_amount(FIXED, plan=PLAN, share_percent=None, cap=None) == D("10000.00")
    assert grant_amount(FIXED, plan=PLAN, share_percent=None, cap=D("8000")) == D("8000.00")


def test_deficit_grant_is_the_gap_20000_costs_minus_10000_own_at_most_the_cap():
    assert grant_amount(DEFICIT, plan=PLAN, share_percent=None, cap=None) == D("10000.00")
    assert grant_amount(DEFICIT, plan=PLAN, share_percent=None, cap=D("7500")) == D("7500.00")


def test_deficit_grant_of_an_overfunded_plan_is_zero():
    plan = CostPlan({"staff": D("1000")}, own_contribution=D("1200"))
    assert grant_amount(DEFICIT, plan=plan, share_percent=None, cap=None) == D("0.00")


def test_share_grant_is_50_percent_of_20000_at_most_the_cap():
    assert grant_amount(SHARE, plan=PLAN, share_percent=D("50"), cap=None) == D("10000.00")
    assert grant_amount(SHARE, plan=PLAN, share_percent=D("50"), cap=D("9000")) == D("9000.00")


def test_share_grant_is_rounded_half_up_to_cents():
    plan = CostPlan({"staff": D("0.05")})
    assert grant_amount(SHARE, plan=plan, share_percent=D("50"), cap=None) == D("0.03")


def test_financing_type_may_be_given_as_its_stored_value():
    assert grant_amount("deficit", plan=PLAN, share_percent=None, cap=None) == D("10000.00")


def test_share_grant_without_a_share_is_refused():
    with pytest.raises(ValueError, match="needs the share"):
        grant_amount(SHARE, plan=PLAN, share_percent=None, cap=None)


@pytest.mark.parametrize("share", [D("0"), D("-5"), D("100.01")])
def test_share_outside_0_to_100_percent_is_refused(share):
    with pytest.raises(ValueError, match="more than 0 and at most 100"):
        grant_amount(SHARE, plan=PLAN, share_percent=share, cap=None)


def test_negative_cap_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        grant_amount(DEFICIT, plan=PLAN, share_percent=None, cap=D("-1"))


# --- repayment after the proof of use: worked examples ---------------------------------


def test_deficit_grant_10000_costs_18000_instead_of_20000_repays_2000():
    result = repayment(
        DEFICIT, grant=D("10000"), plan=PLAN, actuals=SPENT_18000, share_percent=None
    )
    assert result.eligible_grant == D("8000.00")
    assert result.repayment == D("2000.00")
    assert "Deficit financing" in result.reason
    assert result.line_overruns == ()


def test_deficit_grant_10000_extra_income_1500_repays_1500():
    actuals = Actuals(
        {"staff": D("12000"), "material": D("8000")},
        own_contribution=D("10000"),
        third_party_funds=D("1500"),
    )
    result = repayment(DEFICIT, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=None)
    assert result.repayment == D("1500.00")


def test_deficit_grant_own_contribution_not_paid_in_does_not_raise_the_grant():
    actuals = Actuals({"staff": D("12000"), "material": D("8000")}, own_contribution=D("8000"))
    result = repayment(DEFICIT, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=None)
    assert result.eligible_grant == D("10000.00")
    assert result.repayment == D("0.00")


def test_share_50_percent_grant_10000_of_20000_costs_18000_repays_1000():
    result = repayment(
        SHARE, grant=D("10000"), plan=PLAN, actuals=SPENT_18000, share_percent=D("50")
    )
    assert result.eligible_grant == D("9000.00")
    assert result.repayment == D("1000.00")
    assert "50 %" in result.reason


def test_share_grant_ignores_extra_third_party_income():
    actuals = Actuals(
        SPENT_18000.expenses, own_contribution=D("10000"), third_party_funds=D("3000")
    )
    result = repayment(SHARE, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=D("50"))
    assert result.repayment == D("1000.00")


def test_share_grant_without_a_share_is_refused_at_repayment_too():
    with pytest.raises(ValueError, match="needs the share"):
        repayment(SHARE, grant=D("10000"), plan=PLAN, actuals=SPENT_18000, share_percent=None)


def test_fixed_amount_5000_costs_18000_repays_nothing():
    plan = CostPlan(PLAN.expenses, own_contribution=D("15000"), requested=D("5000"))
    result = repayment(FIXED, grant=D("5000"), plan=plan, actuals=SPENT_18000, share_percent=None)
    assert result.eligible_grant == D("5000.00")
    assert result.repayment == D("0.00")
    assert "Fixed-amount financing" in result.reason


def test_fixed_amount_5000_costs_4000_repays_1000():
    plan = CostPlan(PLAN.expenses, own_contribution=D("15000"), requested=D("5000"))
    actuals = Actuals({"staff": D("4000")})
    result = repayment(FIXED, grant=D("5000"), plan=plan, actuals=actuals, share_percent=None)
    assert result.eligible_grant == D("4000.00")
    assert result.repayment == D("1000.00")


@pytest.mark.parametrize("kind", [FIXED, DEFICIT, SHARE])
def test_purpose_not_achieved_repays_the_whole_grant_of_10000(kind):
    result = repayment(
        kind,
        grant=D("10000"),
        plan=PLAN,
        actuals=SPENT_18000,
        share_percent=D("50"),
        purpose_achieved=False,
    )
    assert result.eligible_grant == D("0.00")
    assert result.repayment == D("10000.00")
    assert "purpose" in result.reason


def test_line_30_percent_over_plan_counts_only_up_to_120_percent():
    # Material 13,000 instead of 8,000 · 1.2 = 9,600 counts as 9,600: 6,000 + 9,600 = 15,600
    # eligible, minus 10,000 own = 5,600; without the cap it would be 9,000.
    actuals = Actuals({"staff": D("6000"), "material": D("13000")}, own_contribution=D("10000"))
    result = repayment(DEFICIT, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=None)
    assert result.line_overruns == ("material",)
    assert result.eligible_expenses == D("15600.00")
    assert result.repayment == D("4400.00")


def test_line_exactly_20_percent_over_plan_counts_in_full():
    actuals = Actuals({"staff": D("6000"), "material": D("9600")}, own_contribution=D("10000"))
    result = repayment(DEFICIT, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=None)
    assert result.line_overruns == ()
    assert result.eligible_expenses == D("15600.00")


def test_overrun_tolerance_can_be_set_by_the_grant_notice():
    actuals = Actuals({"staff": D("6000"), "material": D("9600")}, own_contribution=D("10000"))
    result = repayment(
        DEFICIT,
        grant=D("10000"),
        plan=PLAN,
        actuals=actuals,
        share_percent=None,
        overrun_tolerance=D("0.10"),
    )
    assert result.line_overruns == ("material",)
    assert result.eligible_expenses == D("14800.00")


def test_expenses_in_categories_not_in_the_plan_are_not_eligible():
    actuals = Actuals(
        {"staff": D("11000"), "material": D("7000"), "catering": D("2000")},
        own_contribution=D("10000"),
    )
    result = repayment(DEFICIT, grant=D("10000"), plan=PLAN, actuals=actuals, share_percent=None)
    assert result.eligible_expenses == D("18000.00")
    assert result.unplanned == ("catering",)
    assert result.repayment == D("2000.00")


def test_only_what_was_paid_out_is_claimed_back():
    # Eligible 8,000 of a 10,000 grant: paid 9,000 repays 1,000; paid 6,000 repays nothing.
    def repay(paid):
        return repayment(
            DEFICIT, grant=D("10000"), plan=PLAN, actuals=SPENT_18000, share_percent=None, paid=paid
        ).repayment

    assert repay(D("9000")) == D("1000.00")
    assert repay(D("6000")) == D("0.00")
    assert repay(D("0")) == D("0.00")


def test_paying_more_than_the_grant_is_refused():
    with pytest.raises(ValueError, match="More was paid"):
        repayment(
            DEFICIT,
            grant=D("10000"),
            plan=PLAN,
            actuals=SPENT_18000,
            share_percent=None,
            paid=D("10000.01"),
        )


def test_negative_grant_or_tolerance_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        repayment(DEFICIT, grant=D("-1"), plan=PLAN, actuals=SPENT_18000, share_percent=None)
    with pytest.raises(ValueError, match="must not be negative"):
        repayment(
            DEFICIT,
            grant=D("1"),
            plan=PLAN,
            actuals=SPENT_18000,
            share_percent=None,
            overrun_tolerance=D("-0.1"),
        )


# --- payment requests -----------------------------------------------------------------


def test_payment_request_within_the_grant_is_allowed():
    assert (
        payment_allowed(grant=D("10000"), already_requested=D("6000"), requested=D("4000")) is None
    )


def test_payment_request_above_what_is_left_is_refused_saying_what_is_left():
    message = payment_allowed(grant=D("10000"), already_requested=D("6000"), requested=D("4000.01"))
    assert message == "The request exceeds the grant: 4000.00 € are left."


def test_payment_request_after_the_grant_is_used_up_is_refused():
    message = payment_allowed(grant=D("10000"), already_requested=D("10000"), requested=D("1"))
    assert message == "The request exceeds the grant: 0.00 € are left."


@pytest.mark.parametrize("requested", [D("0"), D("-100")])
def test_payment_request_of_nothing_or_less_is_refused(requested):
    message = payment_allowed(grant=D("10000"), already_requested=D("0"), requested=requested)
    assert message is not None and "more than 0 €" in message


# --- invariants -----------------------------------------------------------------------

CATEGORIES = ["staff", "material", "rent", "travel"]
money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=D("0.01"), max_value=100, places=2)
kinds = st.sampled_from([FIXED, DEFICIT, SHARE])
expenses = st.dictionaries(st.sampled_from(CATEGORIES), money, min_size=1)
actual_expenses = st.dictionaries(st.sampled_from([*CATEGORIES, "catering"]), money)
actuals_st = st.builds(Actuals, actual_expenses, money, money)


@st.composite
def balanced_plans(draw: st.DrawFn) -> CostPlan:
    lines = draw(expenses)
    total = sum(lines.values(), D(0))
    own = draw(st.decimals(min_value=0, max_value=total, places=2))
    third = draw(st.decimals(min_value=0, max_value=total - own, places=2))
    return CostPlan(lines, own, third, total - own - third)


@st.composite
def cases(draw: st.DrawFn) -> dict:
    """Keyword arguments of ``repayment``: any plan, grant, payout and proof of use."""
    grant = draw(money)
    return {
        "financing_type": draw(kinds),
        "grant": grant,
        "paid": draw(st.decimals(min_value=0, max_value=grant, places=2)),
        "plan": draw(balanced_plans()),
        "actuals": draw(actuals_st),
        "share_percent": draw(shares),
        "purpose_achieved": draw(st.booleans()),
    }


@given(cases())
def test_repayment_is_never_negative_nor_more_than_was_paid(case):
    result = repayment(**case)
    assert D(0) <= result.repayment <= case["paid"]
    assert D(0) <= result.eligible_grant <= case["grant"]


@given(cases(), st.sampled_from([DEFICIT, SHARE]), st.data())
def test_lower_actual_costs_never_lower_the_repayment(case, kind, data):
    actuals = case["actuals"]
    if not actuals.expenses:
        actuals = Actuals({"staff": D("100")}, actuals.own_contribution, actuals.third_party_funds)
    category = data.draw(st.sampled_from(sorted(actuals.expenses)))
    spent = actuals.expenses[category]
    saved = data.draw(st.decimals(min_value=0, max_value=spent, places=2))
    lower = Actuals(
        {**actuals.expenses, category: spent - saved},
        actuals.own_contribution,
        actuals.third_party_funds,
    )
    before = repayment(**{**case, "financing_type": kind, "actuals": actuals})
    after = repayment(**{**case, "financing_type": kind, "actuals": lower})
    assert after.repayment >= before.repayment


@given(cases(), money)
def test_extra_third_party_income_raises_a_deficit_repayment_and_no_other(case, extra):
    actuals = case["actuals"]
    richer = Actuals(actuals.expenses, actuals.own_contribution, actuals.third_party_funds + extra)
    before = repayment(**case)
    after = repayment(**{**case, "actuals": richer})
    if case["financing_type"] == DEFICIT:
        assert after.repayment >= before.repayment
    else:
        assert after.repayment == before.repayment


@given(kinds, balanced_plans(), shares, st.none() | money)
def test_spending_exactly_as_planned_repays_nothing(kind, plan, share, cap):
    grant = grant_amount(kind, plan=plan, share_percent=share, cap=cap)
    actuals = Actuals(plan.expenses, plan.own_contribution, plan.third_party_funds)
    result = repayment(kind, grant=grant, plan=plan, actuals=actuals, share_percent=share)
    assert result.eligible_grant == grant
    assert result.repayment == D(0)
    assert result.line_overruns == ()
