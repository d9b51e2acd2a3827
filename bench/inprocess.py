"""Shared parts of the benchmarks that run Django in their own process.

``setup_django`` points the settings at a fresh SQLite file (migrated, static files
collected as in production) and puts ``bench/`` on the path, so ``floor_urls`` serves
the application plus the floor view ``/_bench/floor``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
FLOOR_URL = "/_bench/floor"


def log(message: str) -> None:
    print(message, flush=True)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def median_seconds(action: Callable[[], Any], runs: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(runs))


def setup_django(directory: Path, name: str) -> None:
    """Point the settings at a fresh SQLite file ``name`` in ``directory`` and migrate it."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{directory / name}",
        TEILHABE_VAR_DIR=str(directory),
        DJANGO_SETTINGS_MODULE="teilhabe.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "k" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        TEILHABE_URLCONF="floor_urls",
        LOG_LEVEL="ERROR",
    )
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    # DEBUG off serves static files from the manifest, as in production.
    call_command("collectstatic", verbosity=0, interactive=False)


def page_timing(client: Any, path: str, runs: int) -> dict[str, float]:
    """Median time of ``path`` and of the floor view, and the page's query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = len(captured.captured_queries)
    page_ms = [timed(lambda: client.get(path))[0] * 1000 for _ in range(runs)]
    floor_ms = [timed(lambda: client.get(FLOOR_URL))[0] * 1000 for _ in range(runs)]
    page, floor = statistics.median(page_ms), statistics.median(floor_ms)
    log(
        f"GET {path}: {page:.1f} ms median of {runs} (min {min(page_ms):.1f}), "
        f"{len(response.content) / 1024:.0f} KiB, {queries} queries; floor {floor:.2f} ms, "
        f"ratio {page / floor:.0f}"
    )
    return {"ms": page, "queries": queries, "floor_ms": floor}
