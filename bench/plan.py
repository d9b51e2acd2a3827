"""Benchmark of the plan: copying and comparing a version of 5,000 items, and the plan page.

Runs Django in this process on a throwaway SQLite file (migrated, with the council
demo): (a) generates an adopted version of about 5,000 items, starts a draft from it
(the copy), applies 200 random edits through the services and times the comparison of
the two versions; (b) generates a second plan of 1,000 measures and renders its public
page with Django's test client, against a trivial view as the floor. Ends with one line
``plan: items=… diff_seconds=… page_ms=… copy_seconds=… page_queries=…``.

    python bench/plan.py                  # 5,000 items; about a minute
    python bench/plan.py --items 1000     # a quick look

See bench/README.md for what is measured and why.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from inprocess import FLOOR_URL, log, median_seconds, setup_django, timed

FIELDS = 8
# generate_plan writes per field one field, 2 strategic and 4 operational goals, 1 indicator.
ITEMS_PER_FIELD = 1 + 2 + 4 + 1


def item_count(version: Any) -> int:
    from plan.models import FieldOfAction, Goal, Indicator, Measure

    return sum(
        m.objects.filter(version=version).count() for m in (FieldOfAction, Goal, Indicator, Measure)
    )


def copy_and_compare(body: Any, args: argparse.Namespace) -> dict[str, Any]:
    """(a) The version of about ``args.items`` items: generate, copy, edit, compare."""
    from plan import search, services
    from plan.generate import generate_plan, random_edits
    from plan.structure import compare, compare_versions, load_snapshot

    measures = max(1, args.items - FIELDS * ITEMS_PER_FIELD)
    took, generated = timed(
        lambda: generate_plan(body, measures=measures, fields=FIELDS, slug="gross")
    )
    v1 = generated.version
    items = item_count(v1)
    log(
        f"generated version 1: {items} items ({measures} measures, {FIELDS} fields) in {took:.1f} s"
    )
    copy_seconds, draft = timed(lambda: services.version_start_draft(plan=generated.plan, by=None))
    log(
        f"draft started (copy of {item_count(draft)} items, search index included): "
        f"{copy_seconds:.2f} s"
    )
    index_seconds, _count = timed(lambda: search.index_version(draft))
    log(
        f"(stemming the draft's texts afresh, as the copy avoids, would take {index_seconds:.2f} s)"
    )
    edit_seconds, _none = timed(lambda: random_edits(draft, count=args.edits))
    log(
        f"{args.edits} random edits through the services: {edit_seconds:.2f} s "
        f"({edit_seconds / args.edits * 1000:.1f} ms each)"
    )
    compare_versions(v1, draft)  # warm up
    load_seconds = median_seconds(lambda: load_snapshot(draft), args.runs)
    old, new = load_snapshot(v1), load_snapshot(draft)
    compare_only = median_seconds(lambda: compare(old, new), args.runs)
    diff_seconds = median_seconds(lambda: compare_versions(v1, draft), args.runs)
    counts = compare(old, new).counts()
    log(
        f"snapshot load (one version): {load_seconds * 1000:.0f} ms; "
        f"compare of two loaded snapshots: {compare_only * 1000:.0f} ms"
    )
    log(
        f"compare_versions (two loads + compare): {diff_seconds * 1000:.0f} ms, "
        f"median of {args.runs}; differences {counts}"
    )
    return {"items": items, "diff_seconds": diff_seconds, "copy_seconds": copy_seconds}


def request(client: Any, path: str) -> tuple[float, Any]:
    return timed(lambda: client.get(path))


def plan_page(body: Any, args: argparse.Namespace) -> dict[str, Any]:
    """(b) The public page of a plan of ``args.page_measures`` measures, against the floor."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from plan import selectors
    from plan.generate import generate_plan

    generated = generate_plan(body, measures=args.page_measures, fields=FIELDS, slug="tausend")
    version = generated.version
    log(f"generated a second plan: {item_count(version)} items ({args.page_measures} measures)")
    client = Client()
    path = f"/integrationsplan/{generated.plan.slug}/"
    response = client.get(path)
    floor = client.get(FLOOR_URL)
    if floor.status_code != 200:
        raise SystemExit(f"GET {FLOOR_URL} answered {floor.status_code}")
    if response.status_code == 200:
        log(f"GET {path}: {len(response.content) / 1024:.0f} KiB")
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Read at once: the next request empties the connection's query log.
        queries = len(captured.captured_queries)
        page_ms, floor_ms = [], []
        for _ in range(args.page_runs):
            page_ms.append(request(client, path)[0] * 1000)
            floor_ms.append(request(client, FLOOR_URL)[0] * 1000)
        page, floor_median = statistics.median(page_ms), statistics.median(floor_ms)
        log(
            f"page: {page:.1f} ms median of {args.page_runs} (min {min(page_ms):.1f}, "
            f"max {max(page_ms):.1f}), {queries} queries"
        )
        log(f"floor ({FLOOR_URL}): {floor_median:.2f} ms; page/floor: {page / floor_median:.0f}")
    else:
        log(f"note: GET {path} answered {response.status_code}; timing selectors.plan_tree instead")
        with CaptureQueriesContext(connection) as captured:
            selectors.plan_tree(version)
        queries = len(captured.captured_queries)
        page = median_seconds(lambda: selectors.plan_tree(version), args.page_runs) * 1000
        log(f"plan_tree: {page:.1f} ms median of {args.page_runs}, {queries} queries")
    return {"page_ms": page, "page_queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5_000, help="items of the compared version")
    parser.add_argument("--edits", type=int, default=200, help="random edits to the draft")
    parser.add_argument("--runs", type=int, default=7, help="timed comparisons (median)")
    parser.add_argument("--page-measures", type=int, default=1_000)
    parser.add_argument("--page-runs", type=int, default=20, help="timed page requests (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="teilhabe-bench-plan-"))
    try:
        setup_django(directory, "plan.sqlite3")
        from council.demo import load_demo

        body = load_demo().body
        a = copy_and_compare(body, args)
        b = plan_page(body, args)
    finally:
        if args.keep:
            log(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print(
        f"plan: items={a['items']} diff_seconds={a['diff_seconds']:.3f} "
        f"page_ms={b['page_ms']:.1f} copy_seconds={a['copy_seconds']:.2f} "
        f"page_queries={b['page_queries']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
