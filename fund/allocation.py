"""Allocation: the best portfolio of applications for a call's money, as a mixed-integer program.

Pure model, no database: an ``Instance`` (candidates and optional constraints) goes in, an
``Allocation`` (status, objective, bound, gap, time, funded amount per candidate) comes
out. HiGHS solves it exactly. For each candidate ``i`` there are two variables: ``y_i``
(funded or not, binary) and ``x_i`` (the amount, ``min_i·y_i ≤ x_i ≤ amount_i·y_i``).
The value of a portfolio is the sum of the funded candidates' scores, pro rata to the
funded share (``score_i · x_i / amount_i``); with ``weight_by_amount`` each score is
multiplied by the amount funded in thousands of euros instead.

Constraints (every one optional): the budget; per field of action a minimum and maximum
share of the budget (a candidate counts with its full amount for each field it serves);
per municipality a minimum number of funded projects and a minimum share of the budget;
per organisation a maximum number of projects and a maximum amount; groups of candidates
that exclude each other; candidates fixed in or out.

An infeasible set of constraints is explained: the program is solved again with a slack
on every constraint (fixed choices included), minimising the slack, which names the
constraints that must give; a deletion filter then narrows all constraints to a set that
cannot hold together while any smaller part of it can.

The JSON formats of ``docs/allocation.md`` are at the end: the pydantic models of an
instance (the one validator of the command, the fund office and the JSON API),
``instance_from_json``, ``result_to_json`` and ``allocate`` (instance in, result out).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal, Self

import highspy
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

INF = highspy.kHighsInf
# Below this a funded amount counts as zero (cents).
EPSILON = 0.005


@dataclass(frozen=True)
class Candidate:
    """An application that passed review, as the allocation sees it."""

    id: str
    score: float
    amount: float
    min_amount: float | None = None  # partial funding down to this; None: all or nothing
    fields: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    organisation: str = ""

    @property
    def floor(self) -> float:
        return self.amount if self.min_amount is None else min(self.min_amount, self.amount)


@dataclass(frozen=True)
class Share:
    min: float = 0.0  # share of the budget, 0..1
    max: float = 1.0


@dataclass(frozen=True)
class Constraints:
    budget: float | None = None
    field_shares: dict[str, Share] = field(default_factory=dict)
    municipality_min_projects: dict[str, int] = field(default_factory=dict)
    municipality_min_shares: dict[str, float] = field(default_factory=dict)
    organisation_max_projects: int | None = None
    organisation_max_amount: float | None = None
    exclusive: tuple[tuple[str, ...], ...] = ()
    fixed_in: tuple[str, ...] = ()
    fixed_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instance:
    candidates: tuple[Candidate, ...]
    constraints: Constraints = Constraints()
    weight_by_amount: bool = False

    def value(self, candidate: Candidate, amount: float) -> float:
        if self.weight_by_amount:
            return candidate.score * amount / 1000
        return candidate.score * amount / candidate.amount


@dataclass(frozen=True)
class Allocation:
    status: str  # "optimal", "infeasible", "time limit", …
    objective: float | None
    bound: float | None
    gap: float | None  # relative, 0..1
    seconds: float
    amounts: dict[str, float]  # funded amount per candidate id (0 if not funded)
    conflicts: tuple[str, ...] = ()  # for an infeasible instance: what cannot hold together

    @property
    def funded(self) -> dict[str, float]:
        return {k: v for k, v in self.amounts.items() if v > EPSILON}


@dataclass
class _Row:
    name: str
    lower: float
    upper: float
    columns: list[int]
    coefficients: list[float]


def _rows(instance: Instance) -> list[_Row]:
    """Every constraint of the instance as a row over x (0..n-1) and y (n..2n-1)."""
    candidates = instance.candidates
    c = instance.constraints
    n = len(candidates)
    index = {cand.id: i for i, cand in enumerate(candidates)}
    rows: list[_Row] = []
    budget = c.budget
    if budget is not None:
        rows.append(_Row("budget", -INF, budget, list(range(n)), [1.0] * n))
    total = budget if budget is not None else sum(cand.amount for cand in candidates)
    for name, share in sorted(c.field_shares.items()):
        members = [i for i, cand in enumerate(candidates) if name in cand.fields]
        lower = share.min * total if share.min > 0 else -INF
        upper = share.max * total if share.max < 1 else INF
        rows.append(_Row(f"field:{name}", lower, upper, members, [1.0] * len(members)))
    for name, count in sorted(c.municipality_min_projects.items()):
        members = [n + i for i, cand in enumerate(candidates) if name in cand.municipalities]
        rows.append(
            _Row(f"municipality_projects:{name}", count, INF, members, [1.0] * len(members))
        )
    for name, minimum in sorted(c.municipality_min_shares.items()):
        members = [i for i, cand in enumerate(candidates) if name in cand.municipalities]
        rows.append(
            _Row(f"municipality_share:{name}", minimum * total, INF, members, [1.0] * len(members))
        )
    by_organisation: dict[str, list[int]] = {}
    for i, cand in enumerate(candidates):
        if cand.organisation:
            by_organisation.setdefault(cand.organisation, []).append(i)
    for org, members in sorted(by_organisation.items()):
        if c.organisation_max_projects is not None:
            rows.append(
                _Row(
                    f"organisation_projects:{org}",
                    -INF,
                    c.organisation_max_projects,
                    [n + i for i in members],
                    [1.0] * len(members),
                )
            )
        if c.organisation_max_amount is not None:
            rows.append(
                _Row(
                    f"organisation_amount:{org}",
                    -INF,
                    c.organisation_max_amount,
                    members,
                    [1.0] * len(members),
                )
            )
    for number, group in enumerate(c.exclusive, start=1):
        members = [n + index[g] for g in group if g in index]
        rows.append(_Row(f"exclusive:{number}", -INF, 1, members, [1.0] * len(members)))
    for cid in c.fixed_in:
        if cid in index:
            rows.append(_Row(f"fixed_in:{cid}", 1, INF, [n + index[cid]], [1.0]))
    for cid in c.fixed_out:
        if cid in index:
            rows.append(_Row(f"fixed_out:{cid}", -INF, 0, [n + index[cid]], [1.0]))
    return rows


def _highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _add_structure(h: highspy.Highs, instance: Instance) -> int:
    """Columns x_i, y_i and the linking rows; returns n."""
    candidates = instance.candidates
    n = len(candidates)
    costs = [instance.value(cand, 1.0) for cand in candidates]
    h.addVars(n, np.zeros(n), np.array([cand.amount for cand in candidates], dtype=float))
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(costs, dtype=float))
    h.changeColsIntegrality(
        n,
        np.arange(n, 2 * n, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * n),
    )
    # Per candidate: x_i - amount_i·y_i <= 0 and x_i - floor_i·y_i >= 0, added at once.
    index = np.arange(n, dtype=np.int32)
    starts = np.arange(0, 4 * n, 2, dtype=np.int32)
    columns = np.empty(4 * n, dtype=np.int32)
    columns[0::2] = np.concatenate([index, index])
    columns[1::2] = np.concatenate([index + n, index + n])
    values = np.empty(4 * n)
    values[0::2] = 1.0
    values[1::2] = -np.concatenate(
        [
            np.array([cand.amount for cand in candidates], dtype=float),
            np.array([cand.floor for cand in candidates], dtype=float),
        ]
    )
    lower = np.concatenate([np.full(n, -INF), np.zeros(n)])
    upper = np.concatenate([np.zeros(n), np.full(n, INF)])
    h.addRows(2 * n, lower, upper, 4 * n, starts, columns, values)
    return n


def _add_row(h: highspy.Highs, row: _Row, slack: tuple[int, int] | None = None) -> None:
    columns, coefficients = list(row.columns), list(row.coefficients)
    if slack is not None:
        below, above = slack
        columns += [below, above]
        coefficients += [1.0, -1.0]
    h.addRow(
        row.lower,
        row.upper,
        len(columns),
        np.array(columns, dtype=np.int32),
        np.array(coefficients, dtype=float),
    )


# HiGHS's primal solution status when a feasible portfolio was found.
FEASIBLE = int(highspy.SolutionStatus.kSolutionStatusFeasible)

STATUS = {
    "Optimal": "optimal",
    "Infeasible": "infeasible",
    "Time limit reached": "time limit",
    "Unbounded": "unbounded",
}


def solve(instance: Instance, *, time_limit: float = 60.0, gap: float = 1e-4) -> Allocation:
    """The best portfolio, exactly (to the relative ``gap``), or why there is none."""
    began = time.perf_counter()
    candidates = instance.candidates
    if not candidates:
        return Allocation("optimal", 0.0, 0.0, 0.0, 0.0, {})
    h = _highs()
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("mip_rel_gap", gap)
    n = _add_structure(h, instance)
    rows = _rows(instance)
    for row in rows:
        _add_row(h, row)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    status = STATUS.get(h.modelStatusToString(h.getModelStatus()), "error")
    seconds = time.perf_counter() - began
    if status == "infeasible":
        return Allocation(
            status,
            None,
            None,
            None,
            seconds,
            {cand.id: 0.0 for cand in candidates},
            conflicts=_conflicts(instance, rows),
        )
    info = h.getInfo()
    if info.primal_solution_status != FEASIBLE:
        # Stopped (e.g. by the time limit) before any portfolio was found.
        bound = info.mip_dual_bound + 0.0
        return Allocation(
            status,
            None,
            bound if math.isfinite(bound) else None,
            None,
            seconds,
            {cand.id: 0.0 for cand in candidates},
        )
    values = list(h.getSolution().col_value)
    amounts = {
        cand.id: (round(values[i], 2) if values[n + i] > 0.5 else 0.0)
        for i, cand in enumerate(candidates)
    }
    objective = info.objective_function_value
    bound = info.mip_dual_bound + 0.0  # no "-0.0" in the output
    relative = abs(bound - objective) / max(abs(objective), 1e-9) if objective else 0.0
    return Allocation(status, objective, bound, relative, seconds, amounts)


def _slack_names(instance: Instance, rows: Sequence[_Row]) -> tuple[str, ...]:
    """Which constraints must give: minimise the (scaled) slack on every constraint."""
    h = _highs()
    n = _add_structure(h, instance)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    total = instance.constraints.budget or sum(c.amount for c in instance.candidates) or 1.0
    first = 2 * n
    for k, row in enumerate(rows):
        # A slack in euros counts per budget; a slack in projects counts one each.
        in_money = row.columns and row.columns[0] < n
        weight = 1.0 / total if in_money else 1.0
        h.addVars(2, np.zeros(2), np.full(2, INF))
        h.changeColsCost(
            2, np.array([first + 2 * k, first + 2 * k + 1], dtype=np.int32), np.full(2, weight)
        )
        _add_row(h, row, slack=(first + 2 * k, first + 2 * k + 1))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.run()
    values = list(h.getSolution().col_value)
    return tuple(
        row.name
        for k, row in enumerate(rows)
        if values[first + 2 * k] + values[first + 2 * k + 1] > 1e-6
    )


def _feasible(instance: Instance, rows: Sequence[_Row]) -> bool:
    h = _highs()
    n = _add_structure(h, instance)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    for row in rows:
        _add_row(h, row)
    h.run()
    return STATUS.get(h.modelStatusToString(h.getModelStatus())) != "infeasible"


# Up to this many constraints the conflict is narrowed to an irreducible set.
CONFLICT_ROWS = 80


def _conflicts(instance: Instance, rows: Sequence[_Row]) -> tuple[str, ...]:
    """The constraints that cannot all hold together.

    First the slack solve names those that must give. Then, for instances of up to
    ``CONFLICT_ROWS`` constraints, a deletion filter narrows all constraints to an
    irreducible infeasible set: dropping any one of the named constraints makes the rest
    feasible, so each of them is part of the conflict (the ones that must give first in
    the list). Larger instances report the slack solve's names only.
    """
    giving = _slack_names(instance, rows)
    if len(rows) > CONFLICT_ROWS:
        return giving
    # Try dropping the others first, so the set found contains those that must give.
    kept = sorted(rows, key=lambda row: row.name in giving)
    index = 0
    while index < len(kept):
        rest = kept[:index] + kept[index + 1 :]
        if _feasible(instance, rest):
            index += 1
        else:
            kept = rest
    names = {row.name for row in kept}
    return (
        *(name for name in giving if name in names),
        *(row.name for row in rows if row.name in names and row.name not in giving),
    )


def greedy(instance: Instance) -> dict[str, float]:
    """The funding line: by score from the top until the money runs out.

    The next candidate that does not fit is funded in part if its minimum allows, and
    the line stops there. Policy constraints are ignored, as committees do.
    """
    left = instance.constraints.budget
    if left is None:
        left = math.inf
    amounts = {cand.id: 0.0 for cand in instance.candidates}
    for cand in sorted(instance.candidates, key=lambda c: (-c.score, c.amount, c.id)):
        if cand.amount <= left + EPSILON:
            amounts[cand.id] = cand.amount
            left -= cand.amount
            continue
        if cand.min_amount is not None and cand.floor <= left + EPSILON:
            amounts[cand.id] = round(left, 2)
        break
    return amounts


def value(instance: Instance, amounts: dict[str, float]) -> float:
    return sum(instance.value(cand, amounts.get(cand.id, 0.0)) for cand in instance.candidates)


def violations(instance: Instance, amounts: dict[str, float], tol: float = 0.01) -> list[str]:
    """The constraints a portfolio breaks (empty: it is feasible)."""
    broken: list[str] = []
    x = [amounts.get(cand.id, 0.0) for cand in instance.candidates]
    y = [1.0 if v > EPSILON else 0.0 for v in x]
    for cand, amount in zip(instance.candidates, x, strict=True):
        if amount > EPSILON and not (cand.floor - tol <= amount <= cand.amount + tol):
            broken.append(f"amount:{cand.id}")
    for row in _rows(instance):
        total = _row_total(row, x, y)
        if total < row.lower - tol or total > row.upper + tol:
            broken.append(row.name)
    return broken


@dataclass(frozen=True)
class Explanation:
    """Why a candidate is in the portfolio or not, computed by solving again."""

    id: str
    amount: float  # funded amount (0: not funded)
    full: bool
    change: float | None  # objective lost if forced the other way (None: impossible)
    binding: tuple[str, ...]  # constraints at their bound that include the candidate
    budget_needed: float | None = None  # for one left out: the budget at which it is funded
    conflicts: tuple[str, ...] = ()  # forcing it the other way breaks these


def _forced(instance: Instance, cid: str, *, into: bool) -> Instance:
    c = instance.constraints
    fixed_in = tuple(x for x in c.fixed_in if x != cid)
    fixed_out = tuple(x for x in c.fixed_out if x != cid)
    constraints = replace(
        c,
        fixed_in=(*fixed_in, cid) if into else fixed_in,
        fixed_out=fixed_out if into else (*fixed_out, cid),
    )
    return replace(instance, constraints=constraints)


def _with_budget(instance: Instance, budget: float) -> Instance:
    return replace(instance, constraints=replace(instance.constraints, budget=budget))


def _row_total(row: _Row, x: list[float], y: list[float]) -> float:
    """The row's activity for amounts ``x`` and funded flags ``y``."""
    n = len(x)
    return sum(
        coef * (x[col] if col < n else y[col - n])
        for col, coef in zip(row.columns, row.coefficients, strict=True)
    )


def _binding(instance: Instance, amounts: dict[str, float], cid: str) -> tuple[str, ...]:
    """The constraints that hold the candidate where it is.

    Funded: those that include it and are at their bound. Left out: those that adding it
    (at its minimum) to the portfolio would break.
    """
    n = len(instance.candidates)
    position = next(i for i, c in enumerate(instance.candidates) if c.id == cid)
    funded = amounts.get(cid, 0.0) > EPSILON
    x = [amounts.get(c.id, 0.0) for c in instance.candidates]
    if not funded:
        x[position] = instance.candidates[position].floor
    y = [1.0 if v > EPSILON else 0.0 for v in x]
    names = []
    for row in _rows(instance):
        if position not in row.columns and n + position not in row.columns:
            continue
        total = _row_total(row, x, y)
        if funded and (abs(total - row.upper) < 0.01 or abs(total - row.lower) < 0.01):
            names.append(row.name)
        elif not funded and (total > row.upper + 0.01 or total < row.lower - 0.01):
            names.append(row.name)
    return tuple(names)


def _budget_needed(
    instance: Instance, cid: str, steps: int = 12, *, time_limit: float = 60.0
) -> float | None:
    """The least budget (to 1 % of the candidate's amount) at which the optimum funds it."""
    budget = instance.constraints.budget
    cand = next(c for c in instance.candidates if c.id == cid)
    if budget is None:
        return None
    high = budget + cand.amount
    if cid not in solve(_with_budget(instance, high), time_limit=time_limit).funded:
        return None
    low = budget
    for _ in range(steps):
        if high - low <= cand.amount / 100:
            break
        middle = (low + high) / 2
        if cid in solve(_with_budget(instance, middle), time_limit=time_limit).funded:
            high = middle
        else:
            low = middle
    return math.ceil(high / 100) * 100


def explain(
    instance: Instance,
    result: Allocation,
    *,
    budget_search: bool = True,
    time_limit: float = 60.0,
) -> list[Explanation]:
    """For each candidate: funded or not, what forcing it the other way costs, what binds it."""
    explanations = []
    for cand in instance.candidates:
        amount = result.amounts.get(cand.id, 0.0)
        funded = amount > EPSILON
        other = solve(_forced(instance, cand.id, into=not funded), time_limit=time_limit)
        change = None
        if other.objective is not None and result.objective is not None:
            change = round(result.objective - other.objective, 6)
        explanations.append(
            Explanation(
                id=cand.id,
                amount=amount,
                full=funded and amount >= cand.amount - EPSILON,
                change=change,
                binding=_binding(instance, result.amounts, cand.id),
                budget_needed=None
                if funded or not budget_search
                else _budget_needed(instance, cand.id, time_limit=time_limit),
                # The forced choice itself is no reason.
                conflicts=tuple(
                    c
                    for c in other.conflicts
                    if c not in (f"fixed_in:{cand.id}", f"fixed_out:{cand.id}")
                ),
            )
        )
    return explanations


# The JSON format of docs/allocation.md. These models are the one definition of what an
# instance may hold: ``instance_from_json`` (the command, the fund office) and the JSON API
# both validate with them, so both accept and refuse the same instances with the same words.

# Bounds that keep the program's coefficients in a range HiGHS solves reliably.
MAX_EUROS = 1e12
MAX_SCORE = 1e6
MAX_COUNT = 1_000_000

Label = Annotated[str, Strict(), Field(min_length=1)]
Text = Annotated[str, Strict()]
Euros = Annotated[float, Strict(), Field(ge=0, le=MAX_EUROS, allow_inf_nan=False)]
Score = Annotated[float, Strict(), Field(ge=0, le=MAX_SCORE, allow_inf_nan=False)]
Requested = Annotated[float, Strict(), Field(gt=0, le=MAX_EUROS, allow_inf_nan=False)]
Part = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]

# Custom errors: "instance" messages follow the place they are found at; "instance_named"
# messages name their place themselves.
_HERE, _NAMED = "instance", "instance_named"


class _Format(BaseModel):
    model_config = ConfigDict(frozen=True)


class AllocationApplication(_Format):
    """An application as the allocation sees it; other keys (e.g. ``title``) are ignored."""

    id: Label = Field(description="Unique within the instance.")
    score: Score = Field(description="E.g. the reviews' weighted mean in %.")
    amount: Requested = Field(description="Requested euros (at least 0.01).")
    min_amount: Euros | None = Field(
        None, description="Partial funding down to this; absent or null: all or nothing."
    )
    fields: list[Label] = Field([], description="Fields of action it serves (any labels).")
    municipalities: list[Label] = Field([], description="Municipalities it serves (any labels).")
    organisation: Text | None = Field(None, description="The applying organisation.")

    @model_validator(mode="after")
    def _amounts(self) -> Self:
        if self.amount < 0.01:
            raise PydanticCustomError(_HERE, "“amount” must be at least one cent (0.01)")
        if self.min_amount is not None and self.min_amount > self.amount:
            raise PydanticCustomError(_HERE, "“min_amount” must not be above “amount”")
        return self

    def candidate(self) -> Candidate:
        return Candidate(
            id=self.id,
            score=self.score,
            amount=self.amount,
            min_amount=self.min_amount,
            fields=tuple(self.fields),
            municipalities=tuple(self.municipalities),
            organisation=self.organisation or "",
        )


class FieldShare(_Format):
    """Minimum and maximum share of the budget (0 to 1) for one field of action."""

    model_config = ConfigDict(extra="forbid")

    min: Part = 0.0
    max: Part = 1.0

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Self:
        if self.min > self.max:
            raise PydanticCustomError(_HERE, "“min” must not be above “max”")
        return self


class AllocationConstraints(_Format):
    """Every constraint is optional; shares are parts of the budget (0 to 1)."""

    model_config = ConfigDict(extra="forbid")

    budget: Euros | None = None
    field_shares: dict[str, FieldShare] | None = None
    municipality_min_projects: dict[str, Count] | None = None
    municipality_min_shares: dict[str, Part] | None = None
    organisation_max_projects: Count | None = None
    organisation_max_amount: Euros | None = None
    exclusive: list[list[Label]] | None = Field(
        None, description="Groups of application ids of which at most one is funded."
    )
    fixed_in: list[Label] | None = None
    fixed_out: list[Label] | None = None

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(k) for k in set(data) - set(cls.model_fields))
            if unknown:
                raise PydanticCustomError(
                    _NAMED, "unknown constraints: {names}", {"names": ", ".join(unknown)}
                )
        return data

    def constraints(self) -> Constraints:
        return Constraints(
            budget=self.budget,
            field_shares={k: Share(v.min, v.max) for k, v in (self.field_shares or {}).items()},
            municipality_min_projects=dict(self.municipality_min_projects or {}),
            municipality_min_shares=dict(self.municipality_min_shares or {}),
            organisation_max_projects=self.organisation_max_projects,
            organisation_max_amount=self.organisation_max_amount,
            exclusive=tuple(tuple(group) for group in self.exclusive or ()),
            fixed_in=tuple(self.fixed_in or ()),
            fixed_out=tuple(self.fixed_out or ()),
        )


class AllocationInstance(_Format):
    """An allocation instance: the candidates and the constraints (``docs/allocation.md``)."""

    objective: Literal["score", "score_by_amount"] = "score"
    applications: list[AllocationApplication]
    constraints: AllocationConstraints | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = Counter(a.id for a in self.applications)
        twice = sorted(i for i, n in ids.items() if n > 1)
        if twice:
            raise PydanticCustomError(
                _NAMED,
                "every application needs its own “id” (more than once: {ids})",
                {"ids": ", ".join(twice[:10])},
            )
        return self

    def instance(self) -> Instance:
        return Instance(
            tuple(a.candidate() for a in self.applications),
            self.constraints.constraints() if self.constraints else Constraints(),
            weight_by_amount=self.objective == "score_by_amount",
        )


class InstanceError(ValueError):
    """An instance that cannot be read; the message names the place and the reason."""


_REASONS = {
    "missing": "is missing",
    "float_type": "must be a number",
    "int_type": "must be a whole number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "extra_forbidden": "is unknown",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}
_WHOLE = {"missing", "list_type", "dict_type", "model_type", "model_attributes_type"}


def _number(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _reason(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "greater_than":
        return f"must be above {_number(ctx['gt'])}"
    if kind == "greater_than_equal":
        return f"must not be below {_number(ctx['ge'])}"
    if kind == "less_than_equal":
        return f"must not be above {_number(ctx['le'])}"
    if kind == "literal_error":
        return "must be " + re.sub(r"'([^']*)'", r"“\1”", str(ctx["expected"]))
    message = error["msg"]
    return _REASONS.get(kind, message[:1].lower() + message[1:])


def _place(loc: Sequence[int | str]) -> str:
    """``application 3: “fields[2]”``, ``“constraints.field_shares.Sport.min”`` (from 1)."""
    head = ""
    if len(loc) >= 2 and loc[0] == "applications" and isinstance(loc[1], int):
        head, loc = f"application {loc[1] + 1}", loc[2:]
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else f"{'.' if path else ''}{part}"
    if not path:
        return head
    return f"{head}: “{path}”" if head else f"“{path}”"


def error_messages(errors: Iterable[ErrorDetails]) -> list[str]:
    """Pydantic's errors on an instance, each as ``place reason`` in plain words."""
    messages = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == _NAMED or (not loc and error["type"] == _HERE):
            messages.append(error["msg"])
        elif error["type"] == _HERE:
            messages.append(f"{_place(loc)}: {error['msg']}")
        elif loc in ((), ("applications",)) and error["type"] in _WHOLE:
            messages.append("the instance needs a list “applications”")
        else:
            messages.append(f"{_place(loc)} {_reason(error)}")
    return list(dict.fromkeys(messages))


def error_text(messages: Sequence[str], most: int = 10) -> str:
    """The messages in one line; past ``most`` only how many more there are."""
    text = "; ".join(messages[:most])
    if len(messages) > most:
        text += f"; and {len(messages) - most} more"
    return text


def instance_from_json(data: Any) -> Instance:
    """An instance from the JSON format of ``docs/allocation.md``, or ``InstanceError``."""
    try:
        model = AllocationInstance.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(error_text(error_messages(exc.errors()))) from exc
    return model.instance()


def result_to_json(
    instance: Instance,
    result: Allocation,
    *,
    explain_all: bool = True,
    time_limit: float = 60.0,
) -> dict[str, Any]:
    """The result in the JSON format of ``docs/allocation.md``."""
    line = greedy(instance)
    output: dict[str, Any] = {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "seconds": round(result.seconds, 4),
        "amounts": result.amounts,
        "conflicts": list(result.conflicts),
        "greedy": {
            "amounts": line,
            "objective": value(instance, line),
            "violations": violations(instance, line),
        },
    }
    if explain_all and result.status == "optimal":
        output["explanations"] = [
            {k: list(v) if isinstance(v, tuple) else v for k, v in e.__dict__.items()}
            for e in explain(instance, result, time_limit=time_limit)
        ]
    return output


def allocate(
    instance: Instance, *, time_limit: float = 60.0, explanations: bool = True
) -> dict[str, Any]:
    """Solve and report in the JSON format: what ``manage.py allocate`` and the API answer.

    ``time_limit`` bounds every solve, the explanations' solves included.
    """
    result = solve(instance, time_limit=time_limit)
    return result_to_json(instance, result, explain_all=explanations, time_limit=time_limit)


# The result, declared for the API's OpenAPI document (``result_to_json`` writes it).

Status = Literal["optimal", "infeasible", "time limit", "unbounded", "error"]


class GreedyResult(BaseModel):
    amounts: dict[str, float] = Field(description="The funding line's euros per application.")
    objective: float
    violations: list[str] = Field(description="The constraints the funding line breaks.")


class ExplanationResult(BaseModel):
    id: str
    amount: float = Field(description="Funded euros (0: not funded).")
    full: bool = Field(description="Funded with its whole amount.")
    change: float | None = Field(
        description="Objective lost if forced the other way; null if that is impossible."
    )
    binding: list[str] = Field(description="The constraints that hold it where it is.")
    budget_needed: float | None = Field(
        description="Left out: the least budget at which the optimum funds it."
    )
    conflicts: list[str] = Field(description="What forcing it the other way would break.")


class AllocationResult(BaseModel):
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None = Field(description="Relative, 0 to 1.")
    seconds: float
    amounts: dict[str, float] = Field(description="Funded euros per application id.")
    conflicts: list[str] = Field(
        description="Infeasible: the constraints that cannot all hold together."
    )
    greedy: GreedyResult
    explanations: list[ExplanationResult] | None = Field(
        None, description="Per application; only if asked for and the status is optimal."
    )
