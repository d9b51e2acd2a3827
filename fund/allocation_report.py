"""An allocation result as people read it: the portfolio beside the funding line, in words.

``report`` turns an instance and its result (the JSON of ``docs/allocation.md``, as solved
now or as saved with a run) into what the fund office's page shows: both portfolios with
their value, money used, projects, fields of action and municipalities reached; the
applications in which they differ; and one sentence per application that says why it is
funded or not, from the explanations the solver computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fund.allocation import EPSILON


@dataclass(frozen=True)
class Names:
    """What the keys in constraint names stand for: applications, municipalities, organisations."""

    applications: Mapping[str, str] = field(default_factory=dict)
    municipalities: Mapping[str, str] = field(default_factory=dict)
    organisations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Portfolio:
    value: float
    money: float
    count: int
    fields: tuple[str, ...]
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    organisation: str
    score: float
    requested: float
    amount: float  # in the optimal portfolio
    line_amount: float  # on the funding line
    sentence: str

    @property
    def funded(self) -> bool:
        return self.amount > EPSILON

    @property
    def partly(self) -> bool:
        return self.funded and self.amount < self.requested - EPSILON

    @property
    def on_line(self) -> bool:
        return self.line_amount > EPSILON

    @property
    def differs(self) -> bool:
        return abs(self.amount - self.line_amount) > EPSILON


@dataclass(frozen=True)
class Report:
    status: str
    optimal: bool
    objective: float | None
    gap: float | None
    seconds: float
    budget: float | None
    conflicts: tuple[str, ...]  # in words
    portfolio: Portfolio | None
    line: Portfolio
    line_violations: tuple[str, ...]  # in words
    rows: tuple[Row, ...]

    @property
    def differing(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.differs)


def _euros(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2, use_l10n=True, force_grouping=True)


def _points(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2, use_l10n=True)


def constraint_label(name: str, names: Names) -> str:
    """A constraint's name (``field:Sport``, ``budget``, …) in words."""
    kind, _sep, key = name.partition(":")
    municipality = names.municipalities.get(key, key)
    organisation = names.organisations.get(key, key)
    application = names.applications.get(key, key)
    labels = {
        "budget": _("the budget"),
        "field": _("the share of the field of action “%(name)s”") % {"name": key},
        "municipality_projects": _("the minimum number of projects in %(name)s")
        % {"name": municipality},
        "municipality_share": _("the minimum share for %(name)s") % {"name": municipality},
        "organisation_projects": _("the limit of projects for %(name)s") % {"name": organisation},
        "organisation_amount": _("the limit of money for %(name)s") % {"name": organisation},
        "exclusive": _("exclusion group %(name)s") % {"name": key},
        "fixed_in": _("“%(name)s” fixed in") % {"name": application},
        "fixed_out": _("“%(name)s” fixed out") % {"name": application},
        "amount": _("the amount of “%(name)s”") % {"name": application},
    }
    return labels.get(kind, name)


def _listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _full_stop(text: str) -> str:
    """End with one full stop, also after a name that ends with one ("… e. V.")."""
    return text if text.endswith(".") else text + "."


def sentence(
    explanation: Mapping[str, Any], requested: float, names: Names, budget: float | None = None
) -> str:
    """Why one application is funded or not, in one sentence (and a second for the budget)."""

    def labels(keys: Any) -> str:
        return _listing([constraint_label(k, names) for k in keys])

    amount = explanation["amount"]
    change = explanation.get("change")
    binding = list(explanation.get("binding", ()))
    conflicts = explanation.get("conflicts", ())
    if amount > EPSILON:
        if explanation.get("full"):
            head = _("Funded in full")
        else:
            head = _("Funded in part with %(amount)s € of %(requested)s €") % {
                "amount": _euros(amount),
                "requested": _euros(requested),
            }
        if change is None:
            why = _("leaving it out would break %(constraints)s") % {
                "constraints": labels(conflicts)
            }
        else:
            why = _("without it the portfolio would be worth %(change)s less") % {
                "change": _points(change)
            }
        text = f"{head}: {why}"
        held = [k for k in binding if k != "budget"]
        if held:
            text += "; " + _("it counts towards %(constraints)s") % {"constraints": labels(held)}
        return _full_stop(text)
    if change is None:
        why = _("funding it would break %(constraints)s") % {"constraints": labels(conflicts)}
    else:
        why = _("funding it would lower the portfolio's value by %(change)s") % {
            "change": _points(change)
        }
    text = _("Not funded: %(why)s") % {"why": why}
    if binding:
        text += "; " + _("adding it would exceed %(constraints)s") % {
            "constraints": labels(binding)
        }
    text = _full_stop(text)
    needed = explanation.get("budget_needed")
    if needed is not None and budget is not None and needed > budget:
        text += " " + _("With %(more)s € more, a budget of %(budget)s €, it would be funded.") % {
            "more": _euros(needed - budget),
            "budget": _euros(needed),
        }
    elif needed is not None:
        text += " " + _("With a budget of %(budget)s € it would be funded.") % {
            "budget": _euros(needed)
        }
    return text


def _portfolio(
    applications: list[dict[str, Any]], amounts: Mapping[str, float], value: float
) -> Portfolio:
    funded = [a for a in applications if amounts.get(a["id"], 0.0) > EPSILON]
    return Portfolio(
        value=value,
        money=sum(amounts.get(a["id"], 0.0) for a in funded),
        count=len(funded),
        fields=tuple(sorted({f for a in funded for f in a.get("fields", ())})),
        municipalities=tuple(sorted({m for a in funded for m in a.get("municipalities", ())})),
    )


def report(inputs: Mapping[str, Any], result: Mapping[str, Any], names: Names) -> Report:
    applications = list(inputs["applications"])
    explanations = {e["id"]: e for e in result.get("explanations", ())}
    optimal = result["status"] == "optimal"
    amounts = result.get("amounts", {}) if optimal else {}
    line = result["greedy"]
    budget = inputs.get("constraints", {}).get("budget")
    rows = []
    for a in applications:
        explanation = explanations.get(a["id"])
        rows.append(
            Row(
                id=a["id"],
                title=a.get("title") or names.applications.get(a["id"], a["id"]),
                organisation=names.organisations.get(a.get("organisation", ""), ""),
                score=a["score"],
                requested=a["amount"],
                amount=amounts.get(a["id"], 0.0),
                line_amount=line["amounts"].get(a["id"], 0.0),
                sentence=sentence(explanation, a["amount"], names, budget) if explanation else "",
            )
        )
    rows.sort(key=lambda r: (not r.funded, -r.score, r.title))
    return Report(
        status=result["status"],
        optimal=optimal,
        objective=result.get("objective"),
        gap=result.get("gap"),
        seconds=result.get("seconds", 0.0),
        budget=budget,
        conflicts=tuple(constraint_label(c, names) for c in result.get("conflicts", ())),
        portfolio=_portfolio(applications, amounts, result["objective"] or 0.0)
        if optimal
        else None,
        line=_portfolio(applications, line["amounts"], line["objective"]),
        line_violations=tuple(constraint_label(v, names) for v in line.get("violations", ())),
        rows=tuple(rows),
    )
