"""Write a synthetic council (papers, meetings, people...) of a given size into the database."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from council.generate import Size, generate_council


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic council dataset, marked as example data. "
        "Meant for tests, demonstrations and benchmarks, never for a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = Size()
        parser.add_argument("--papers", type=int, default=default.papers)
        parser.add_argument(
            "--consultations", type=int, default=None, help="default: three per paper"
        )
        parser.add_argument("--meetings", type=int, default=default.meetings)
        parser.add_argument("--persons", type=int, default=default.persons)
        parser.add_argument("--committees", type=int, default=default.committees)
        parser.add_argument("--factions", type=int, default=default.factions)
        parser.add_argument("--years", type=int, default=default.years)
        parser.add_argument("--seed", type=int, default=default.seed)
        parser.add_argument("--name", default=default.name, help="name of the generated body")
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="skip the full-text index (stemming takes about 3 ms per paper)",
        )

    def handle(self, *args, **options) -> None:
        size = Size(
            papers=options["papers"],
            consultations=options["consultations"],
            meetings=options["meetings"],
            persons=options["persons"],
            committees=options["committees"],
            factions=options["factions"],
            years=options["years"],
            seed=options["seed"],
            name=options["name"],
        )
        began = time.perf_counter()
        result = generate_council(size=size, index_search=not options["no_search_index"])
        took = time.perf_counter() - began
        counts = ", ".join(f"{kind}={n}" for kind, n in sorted(result.counts.items()))
        self.stdout.write(f"Generated body {result.body.pk} in {took:.1f} s: {counts}")
