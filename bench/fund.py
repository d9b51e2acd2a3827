"""Benchmark of the fund: a call with thousands of applications, its pages and decisions.

Runs Django in this process on a throwaway SQLite file (migrated, with the council
demo). Generates one call with ``--applications`` applications (default 2,000) from 300
example organisations, spread over every state of the workflow, with cost plans, two
submitted reviews each for those past review, and grants for the decided ones. Then it
measures, against the floor view:

- the fund office's workbench of the call (every application with its review summary),
- the public call page (terms and every published grant),
- the 360Giving JSON of every published grant,
- and ``--decisions`` approvals through ``application_transition``, each of which locks
  the call row and checks the budget (the cost of the budget guarantee).

Ends with one line ``fund: applications=… workbench_ms=… workbench_queries=…
call_page_ms=… giving_ms=… grants=… decide_ms=…``.

    python bench/fund.py                       # 2,000 applications; about a minute
    python bench/fund.py --applications 500    # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from inprocess import log, page_timing, setup_django, timed


def generate(body: Any, applications: int, seed: int = 7) -> Any:
    """One call with ``applications`` applications in every state (bulk inserts)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.models import Municipality, Organisation
    from council.models import BudgetProduct
    from fund import services, workflow
    from fund.models import Application, CostLine, Grant, Review, Score

    rnd = random.Random(seed)
    product = BudgetProduct.objects.get(number="331111")
    fund = services.fund_create(
        body=body, name="Bench-Fonds", slug="bench", budget_product=product, by=None
    )
    now = timezone.now()
    call = services.call_create(
        fund=fund,
        by=None,
        year=now.year,
        title="Bench-Aufruf",
        budget=Decimal(applications) * 40_000,
        opens_at=now - dt.timedelta(days=60),
        deadline=now + dt.timedelta(days=30),
        max_amount=Decimal(40_000),
        criteria=[
            services.CriterionSpec("Ziele", Decimal(2)),
            services.CriterionSpec("Zielgruppe"),
            services.CriterionSpec("Kosten"),
        ],
    )
    municipalities = list(Municipality.objects.all())
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench-Verein {i:03d} e. V.",
            kind=Organisation.Kind.ASSOCIATION,
            municipality=rnd.choice(municipalities),
            verified_at=now,
            is_example=True,
        )
        for i in range(300)
    )
    states = list(workflow.State)
    rows = []
    for i in range(applications):
        requested = Decimal(rnd.randrange(2_000, 40_000, 500))
        state = states[i % len(states)]
        decided = None
        if state in workflow.COMMITTED:
            decided = requested
        elif state == workflow.State.REJECTED:
            decided = Decimal(0)
        rows.append(
            Application(
                call=call,
                organisation=rnd.choice(organisations),
                state=state,
                title=f"Projekt {i:05d}",
                summary="Ein Beispielprojekt für den Benchmark.",
                own_contribution=requested / 9,
                requested_amount=requested,
                decided_amount=decided,
                submitted_at=None if state == workflow.State.DRAFT else now,
                is_example=True,
            )
        )
    created = Application.objects.bulk_create(rows, batch_size=500)
    CostLine.objects.bulk_create(
        (
            CostLine(
                application=a,
                position=0,
                category="staff",
                description="Personal",
                amount=a.requested_amount + a.own_contribution,
            )
            for a in created
        ),
        batch_size=1000,
    )
    User = get_user_model()
    reviewers = [
        User.objects.create_user(email=f"bench-review{i}@example.org", password=None)
        for i in range(2)
    ]
    reviewed = [a for a in created if a.state not in ("draft", "submitted", "eligible")]
    reviews = Review.objects.bulk_create(
        Review(application=a, reviewer=r, state=Review.State.SUBMITTED, submitted_at=now)
        for a in reviewed
        for r in reviewers
    )
    criteria = list(call.criteria.all())
    Score.objects.bulk_create(
        (Score(review=r, criterion=c, value=rnd.randint(1, 5)) for r in reviews for c in criteria),
        batch_size=2000,
    )
    Grant.objects.bulk_create(
        Grant(
            application=a,
            amount=a.decided_amount,
            financing_type="deficit",
            start=dt.date(now.year, 1, 1),
            end=dt.date(now.year, 12, 31),
        )
        for a in created
        if a.state in workflow.PUBLISHED
    )
    return call


def decide(call: Any, count: int) -> float:
    """Approve ``count`` recommended applications through the service; ms per decision."""
    from fund import services
    from fund.models import Application

    waiting = list(
        Application.objects.filter(call=call, state__in=("recommended", "not_recommended"))[:count]
    )
    if not waiting:
        return float("nan")
    took, _none = timed(
        lambda: [
            services.application_transition(application=a, name="approve", by=None) for a in waiting
        ]
    )
    return took / len(waiting) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--decisions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15, help="timed page requests (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="teilhabe-bench-fund-"))
    try:
        setup_django(directory, "fund.sqlite3")
        from django.test import Client

        from core.roles import Role
        from core.services import user_create
        from council.demo import load_demo
        from fund import workflow
        from fund.models import Application

        body = load_demo().body
        took, call = timed(lambda: generate(body, args.applications))
        grants = Application.objects.filter(call=call, state__in=workflow.PUBLISHED).count()
        log(f"generated {args.applications} applications ({grants} published) in {took:.1f} s")
        officer = user_create(
            email="bench-office@example.org", password=None, roles=[Role.FUND_OFFICER]
        )
        office = Client()
        office.force_login(officer)
        workbench = page_timing(office, f"/foerderung/verwaltung/aufruf/{call.pk}/", args.runs)
        public = Client()
        call_page = page_timing(public, f"/foerderung/aufruf/{call.pk}/", args.runs)
        giving = page_timing(public, "/opendata/360giving.json", args.runs)
        decide_ms = decide(call, args.decisions)
        log(f"{args.decisions} approvals through the service: {decide_ms:.1f} ms each")
    finally:
        if args.keep:
            log(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print(
        f"fund: applications={args.applications} workbench_ms={workbench['ms']:.1f} "
        f"workbench_queries={workbench['queries']} call_page_ms={call_page['ms']:.1f} "
        f"call_page_queries={call_page['queries']} giving_ms={giving['ms']:.1f} "
        f"grants={grants} decide_ms={decide_ms:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
