"""``manage.py load_demo``: load the Region Hannover demo (or another body's file)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from council.demo import DEFAULT_DEMO, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo data of a body (default: the Region Hannover). Safe to run twice."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--file", type=Path, default=DEFAULT_DEMO)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        demo = load_demo(options["file"])
        if demo.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {demo.body.name}: paper {demo.seed_paper.reference}. "
                    f"Demo logins (password {DEMO_PASSWORD!r}): admin@teilhabe.example, "
                    "ratsbuero@teilhabe.example, ausschuss@teilhabe.example"
                )
            )
        else:
            self.stdout.write(f"{demo.body.name} is already loaded; nothing changed.")
