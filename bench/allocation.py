"""Benchmark of the allocation: generated calls of 100, 1,000 and 5,000 applications.

Each generated call has 8 fields of action, the Region's 21 municipalities, one
organisation per five applications, a budget of a quarter of what is requested, and 40
constraints: a minimum and a maximum share for each of the 8 fields (16), a minimum of
funded projects in each of the 21 municipalities (21), at most 2 projects and at most
60,000 € per organisation (2), and one group of applications that exclude each other (1).
A fifth of the applications may be funded in part. Solved with HiGHS to a relative gap of
0.01 %; the funding line (greedy by score) is computed alongside. No database.

    python bench/allocation.py                 # 100, 1,000 and 5,000 applications
    python bench/allocation.py --sizes 5000    # one size

Last line: ``allocation: n=5000 seconds=… gap=… optimal_over_greedy=…`` (the largest size).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fund.allocation import (  # noqa: E402
    Candidate,
    Constraints,
    Instance,
    Share,
    greedy,
    solve,
    value,
)

FIELDS = [f"Handlungsfeld {k}" for k in range(1, 9)]
MUNICIPALITIES = [f"0324{k:04d}" for k in range(1001, 1022)]


def generate(n: int, seed: int) -> Instance:
    rnd = random.Random(seed)
    candidates = []
    for i in range(n):
        amount = rnd.randrange(2_000, 40_001, 500)
        candidates.append(
            Candidate(
                id=f"a{i}",
                score=round(rnd.uniform(40, 100), 1),
                amount=amount,
                min_amount=amount * 0.6 if rnd.random() < 0.2 else None,
                fields=tuple(rnd.sample(FIELDS, rnd.choice([1, 1, 2]))),
                municipalities=tuple(rnd.sample(MUNICIPALITIES, rnd.choice([1, 1, 2, 3]))),
                organisation=f"o{i // 5}",
            )
        )
    budget = round(sum(c.amount for c in candidates) / 4, -3)
    constraints = Constraints(
        budget=budget,
        field_shares={f: Share(min=0.06, max=0.25) for f in FIELDS},
        municipality_min_projects={m: max(1, n // 200) for m in MUNICIPALITIES},
        organisation_max_projects=2,
        organisation_max_amount=60_000,
        exclusive=(tuple(c.id for c in candidates[:3]),),
    )
    return Instance(tuple(candidates), constraints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 5_000])
    parser.add_argument("--runs", type=int, default=3, help="solves per size (median time)")
    args = parser.parse_args()
    line = ""
    for n in args.sizes:
        instance = generate(n, seed=n)
        results = [solve(instance, gap=1e-4) for _ in range(args.runs)]
        result = results[0]
        seconds = statistics.median(r.seconds for r in results)
        line_value = value(instance, greedy(instance))
        ratio = result.objective / line_value if result.objective and line_value else float("nan")
        print(
            f"n={n}: {result.status}, {seconds:.3f} s (median of {args.runs}), "
            f"objective {result.objective:.1f}, bound {result.bound:.1f}, "
            f"gap {result.gap:.2e}, funded {len(result.funded)}, "
            f"funding line {line_value:.1f} (optimal/greedy {ratio:.3f})",
            flush=True,
        )
        line = (
            f"allocation: n={n} seconds={seconds:.3f} gap={result.gap:.2e} "
            f"optimal_over_greedy={ratio:.3f}"
        )
    print(line, flush=True)


if __name__ == "__main__":
    main()
