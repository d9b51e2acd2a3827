"""``manage.py import_municipalities FILE.csv``: create or update the municipality register.

Columns: key, name, kind, district_key, district_name, and optionally population. All or
nothing: a bad row writes nothing and is named with its line number.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import services
from core.errors import ImportRejected


class Command(BaseCommand):
    help = "Create or update municipalities from a CSV file (all or nothing)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="the CSV file (UTF-8)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            text = Path(options["file"]).read_text(encoding="utf-8")
            saved = services.municipalities_import(text=text)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        except ImportRejected as exc:
            raise CommandError("nothing imported:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(f"{len(saved)} municipalities imported.")
