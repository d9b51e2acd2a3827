"""``manage.py build_report [-o file.pdf]``: build the status report of the default plan now.

Runs the report's three steps in this process (no queue, nothing written to the
database) and prints how long each took: for checking the layout and the speed goal.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring import figures
from monitoring import report as renderer
from plan.selectors import default_plan


class Command(BaseCommand):
    help = "Build the status report of the default plan's version in force and time it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("-o", "--output", type=Path, help="write the PDF here")
        parser.add_argument(
            "--times",
            type=int,
            default=1,
            help="build this often in the same process (the first one loads the libraries)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = default_plan()
        version = figures.in_force(plan)
        if plan is None or version is None:
            raise CommandError("There is no plan with a version in force.")
        for run in range(1, max(options["times"], 1) + 1):
            steps: list[tuple[str, float]] = []
            start = time.perf_counter()

            def progress(percent: int, step: str, start: float = start, steps: Any = steps) -> None:
                steps.append((str(step), time.perf_counter() - start))

            pdf = renderer.build(plan, version, today=timezone.localdate(), progress=progress)
            total = time.perf_counter() - start
            if options["output"]:
                options["output"].write_bytes(pdf)
            detail = " ".join(f"{name}={seconds:.2f}s" for name, seconds in steps)
            self.stdout.write(f"report: run={run} seconds={total:.2f} bytes={len(pdf)} {detail}")
