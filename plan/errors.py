"""Domain errors of the plan; views turn them into messages (see plan/views.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


class PlanError(ValidationError):
    """A plan action that cannot be done; the message says why and what to do instead."""


class VersionLocked(PlanError):
    """The version is adopted or superseded: nobody changes it any more."""


class AdoptionRefused(PlanError):
    """The linked paper has no recorded decision that adopts the version."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str


class PlanImportRejected(PlanError):
    """An import found bad rows; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        super().__init__([f"{p.row}/{p.column}: {p.reason}" for p in self.problems])
