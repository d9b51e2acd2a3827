"""``manage.py allocate INSTANCE.json``: the best portfolio of an allocation instance as JSON.

The formats of the instance and of the result are described in ``docs/allocation.md``; the
JSON API (``POST /api/fund/allocation``) reads and answers the same.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fund.allocation import InstanceError, allocate, instance_from_json


class Command(BaseCommand):
    help = "Solve an allocation instance (JSON file, or - for standard input); print JSON."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("instance", help="the instance file, or - for standard input")
        parser.add_argument("--no-explanations", action="store_true")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for each solve")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        source = options["instance"]
        try:
            stdin = options.get("stdin") or sys.stdin
            text = stdin.read() if source == "-" else Path(source).read_text("utf-8")
            instance = instance_from_json(json.loads(text))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, InstanceError) as exc:
            raise CommandError(f"{source}: {exc}") from exc
        output = allocate(
            instance,
            time_limit=options["time_limit"],
            explanations=not options["no_explanations"],
        )
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
