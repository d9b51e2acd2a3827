"""The fund's part of the JSON API (``/api/fund/``): the allocation and its saved runs.

``POST allocation`` solves an instance as ``manage.py allocate`` does (the same validation,
the same answer); the runs are those the fund office saved for a call. Fund officers only
(``teilhabe.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from fund.allocation import AllocationInstance, AllocationResult, allocate
from fund.models import AllocationRun, Call
from teilhabe.api import ERRORS, Problem

router = Router(tags=["fund"])

# One request solves at most this many applications; explanations solve the program again
# for every application, so they are given only for the smaller instances.
MAX_APPLICATIONS = 5000
MAX_EXPLAINED = 100

# A database id (a path parameter beyond it would overflow the database's integers).
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class RunSummary(Schema):
    id: int
    created: dt.datetime
    created_by: str | None = Field(description="The name of who ran it; null if unknown.")
    status: str = Field(description="The solver status: optimal, infeasible, time limit, …")
    objective: float | None


class RunDetail(RunSummary):
    call: int = Field(description="The call's id.")
    applied_at: dt.datetime | None = Field(
        description="When the run became the call's recommendation list (null: never)."
    )
    inputs: dict[str, Any] = Field(
        description="The instance that was solved (AllocationInstance, see docs/allocation.md)."
    )
    result: AllocationResult


def _summary(run: AllocationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "created": run.created,
        "created_by": run.created_by.get_full_name() if run.created_by else None,
        "status": run.status,
        "objective": run.objective,
    }


@router.post(
    "/allocation",
    response={200: AllocationResult, 400: Problem, 422: Problem, **ERRORS},
    exclude_unset=True,
    operation_id="fund_allocation_solve",
    summary="Solve an allocation instance",
)
def allocation_solve(
    request: HttpRequest,
    instance: AllocationInstance,
    explanations: Annotated[
        bool, Query(description=f"Explain every application (at most {MAX_EXPLAINED}).")
    ] = True,
    time_limit: Annotated[
        float, Query(gt=0, le=60, description="Seconds for each solve.", allow_inf_nan=False)
    ] = 30,
) -> dict[str, Any]:
    """The best portfolio of the instance's applications, the funding line beside it and,
    unless `explanations=false`, why each application is in or out: the same JSON as
    `manage.py allocate` prints. Nothing is saved. At most 5000 applications; with
    explanations, which solve the program again for every application, at most 100.
    """
    count = len(instance.applications)
    if count > MAX_APPLICATIONS:
        raise HttpError(
            400,
            f"The instance has {count} applications; the API solves at most "
            f"{MAX_APPLICATIONS}. Use manage.py allocate for larger instances.",
        )
    if explanations and count > MAX_EXPLAINED:
        raise HttpError(
            400,
            f"The instance has {count} applications; explanations solve the program again "
            f"for every application and are given for at most {MAX_EXPLAINED}. "
            "Ask with explanations=false.",
        )
    return allocate(instance.instance(), time_limit=time_limit, explanations=explanations)


@router.get(
    "/calls/{call_id}/allocation-runs",
    response={200: list[RunSummary], 404: Problem, 422: Problem, **ERRORS},
    operation_id="fund_allocation_runs",
    summary="A call's saved allocation runs, newest first",
)
def allocation_runs(request: HttpRequest, call_id: Id) -> list[dict[str, Any]]:
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise HttpError(404, f"There is no call {call_id}.")
    runs = call.allocation_runs.select_related("created_by").order_by("-created", "-pk")
    return [_summary(run) for run in runs]


@router.get(
    "/allocation-runs/{run_id}",
    response={200: RunDetail, 404: Problem, 422: Problem, **ERRORS},
    exclude_unset=True,
    operation_id="fund_allocation_run",
    summary="One saved allocation run with its instance and result",
)
def allocation_run(request: HttpRequest, run_id: Id) -> dict[str, Any]:
    run = AllocationRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise HttpError(404, f"There is no allocation run {run_id}.")
    return {
        **_summary(run),
        "call": run.call_id,
        "applied_at": run.applied_at,
        "inputs": run.inputs,
        "result": run.result,
    }
