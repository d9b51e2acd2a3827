"""``manage.py allocate INSTANCE.json``: the best portfolio of an allocation instance as JSON.

The formats of the instance and of the result are described in ``docs/allocation.md``.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fund.allocation import InstanceError, instance_from_json, result_to_json, solve


class Command(BaseCommand):
    help = "Solve an allocation instance (JSON file, or - for standard input); print JSON."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("instance", help="the instance file, or - for standard input")
        parser.add_argument("--no-explanations", action="store_true")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        source = options["instance"]
        try:
            stdin = options.get("stdin") or sys.stdin
            text = stdin.read() if source == "-" else Path(source).read_text("utf-8")
            instance = instance_from_json(json.loads(text))
        except (OSError, json.JSONDecodeError, InstanceError, TypeError, ValueError) as exc:
            raise CommandError(f"{source}: {exc}") from exc
        result = solve(instance, time_limit=options["time_limit"])
        output = result_to_json(instance, result, explain_all=not options["no_explanations"])
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
