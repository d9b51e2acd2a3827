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
on every constraint (fixed choices included), minimising the slack; the constraints whose
slack must be positive are the ones that cannot all hold together.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np

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
    values = list(h.getSolution().col_value)
    amounts = {
        cand.id: (round(values[i], 2) if values[n + i] > 0.5 else 0.0)
        for i, cand in enumerate(candidates)
    }
    objective = info.objective_function_value
    bound = info.mip_dual_bound + 0.0  # no "-0.0" in the output
    relative = abs(bound - objective) / max(abs(objective), 1e-9) if objective else 0.0
    return Allocation(status, objective, bound, relative, seconds, amounts)


def _conflicts(instance: Instance, rows: Sequence[_Row]) -> tuple[str, ...]:
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


def candidates_from(rows: Iterable[dict]) -> tuple[Candidate, ...]:  # type: ignore[type-arg]
    """Candidates from plain dicts (the JSON instance format)."""
    return tuple(
        Candidate(
            id=str(r["id"]),
            score=float(r["score"]),
            amount=float(r["amount"]),
            min_amount=None if r.get("min_amount") is None else float(r["min_amount"]),
            fields=tuple(r.get("fields", ())),
            municipalities=tuple(r.get("municipalities", ())),
            organisation=str(r.get("organisation", "")),
        )
        for r in rows
    )


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


def _budget_needed(instance: Instance, cid: str, steps: int = 12) -> float | None:
    """The least budget (to 1 % of the candidate's amount) at which the optimum funds it."""
    budget = instance.constraints.budget
    cand = next(c for c in instance.candidates if c.id == cid)
    if budget is None:
        return None
    high = budget + cand.amount
    if cid not in solve(_with_budget(instance, high)).funded:
        return None
    low = budget
    for _ in range(steps):
        if high - low <= cand.amount / 100:
            break
        middle = (low + high) / 2
        if cid in solve(_with_budget(instance, middle)).funded:
            high = middle
        else:
            low = middle
    return math.ceil(high / 100) * 100


def explain(
    instance: Instance, result: Allocation, *, budget_search: bool = True
) -> list[Explanation]:
    """For each candidate: funded or not, what forcing it the other way costs, what binds it."""
    explanations = []
    for cand in instance.candidates:
        amount = result.amounts.get(cand.id, 0.0)
        funded = amount > EPSILON
        other = solve(_forced(instance, cand.id, into=not funded))
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
                else _budget_needed(instance, cand.id),
                conflicts=other.conflicts,
            )
        )
    return explanations


class InstanceError(ValueError):
    """An instance file that cannot be read; the message names the place and the reason."""


def instance_from_json(data: Any) -> Instance:
    """An instance from the JSON format of ``docs/allocation.md``."""
    if not isinstance(data, dict) or not isinstance(data.get("applications"), list):
        raise InstanceError("the instance needs a list “applications”")
    rows = data["applications"]
    for number, row in enumerate(rows, start=1):
        for key in ("id", "score", "amount"):
            if key not in row:
                raise InstanceError(f"application {number}: “{key}” is missing")
        if float(row["amount"]) <= 0:
            raise InstanceError(f"application {number}: “amount” must be above 0")
    ids = [str(r["id"]) for r in rows]
    if len(set(ids)) != len(ids):
        raise InstanceError("every application needs its own “id”")
    c = data.get("constraints", {}) or {}
    known = {
        "budget",
        "field_shares",
        "municipality_min_projects",
        "municipality_min_shares",
        "organisation_max_projects",
        "organisation_max_amount",
        "exclusive",
        "fixed_in",
        "fixed_out",
    }
    unknown = set(c) - known
    if unknown:
        raise InstanceError(f"unknown constraints: {', '.join(sorted(unknown))}")
    constraints = Constraints(
        budget=None if c.get("budget") is None else float(c["budget"]),
        field_shares={
            str(k): Share(float(v.get("min", 0)), float(v.get("max", 1)))
            for k, v in (c.get("field_shares") or {}).items()
        },
        municipality_min_projects={
            str(k): int(v) for k, v in (c.get("municipality_min_projects") or {}).items()
        },
        municipality_min_shares={
            str(k): float(v) for k, v in (c.get("municipality_min_shares") or {}).items()
        },
        organisation_max_projects=c.get("organisation_max_projects"),
        organisation_max_amount=None
        if c.get("organisation_max_amount") is None
        else float(c["organisation_max_amount"]),
        exclusive=tuple(tuple(str(i) for i in group) for group in c.get("exclusive") or ()),
        fixed_in=tuple(str(i) for i in c.get("fixed_in") or ()),
        fixed_out=tuple(str(i) for i in c.get("fixed_out") or ()),
    )
    return Instance(
        candidates_from(rows),
        constraints,
        weight_by_amount=data.get("objective", "score") == "score_by_amount",
    )


def result_to_json(instance: Instance, result: Allocation, *, explain_all: bool = True) -> dict:  # type: ignore[type-arg]
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
        output["explanations"] = [e.__dict__ for e in explain(instance, result)]
    return output
