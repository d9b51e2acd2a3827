"""``manage.py load_demo``: load the Region Hannover demo (or another body's file)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from council.demo import DEFAULT_DEMO, DEMO_PASSWORD, load_demo
from fund.demo import DEFAULT_FUND_DEMO, load_fund_demo
from monitoring.demo import load_monitoring_demo
from plan.demo import DEFAULT_PLAN_DEMO, load_plan_demo


class Command(BaseCommand):
    help = "Load the demo data of a body (default: the Region Hannover). Safe to run twice."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--file", type=Path, default=DEFAULT_DEMO)
        parser.add_argument("--plan-file", type=Path, default=DEFAULT_PLAN_DEMO)
        parser.add_argument("--fund-file", type=Path, default=DEFAULT_FUND_DEMO)
        parser.add_argument(
            "--without-plan", action="store_true", help="council data only (no plan, no fund)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        demo = load_demo(options["file"])
        if not options["without_plan"]:
            plan_demo = load_plan_demo(demo, options["plan_file"])
            if plan_demo.created:
                self.stdout.write(
                    f"Loaded {plan_demo.plan.name}: version {plan_demo.adopted.number} in force, "
                    f"draft {plan_demo.draft.number} ({plan_demo.draft.title})."
                )
            fund_demo = load_fund_demo(demo, plan_demo, options["fund_file"])
            if fund_demo.created:
                self.stdout.write(
                    f"Loaded {fund_demo.fund.name}: {fund_demo.call.applications.count()} "
                    f"applications to {fund_demo.call.title}; "
                    + (
                        f"{fund_demo.review_call.title} waits for its allocation; "
                        if fund_demo.review_call
                        else ""
                    )
                    + f"{fund_demo.open_call.title} is open. Fund logins (password "
                    f"{DEMO_PASSWORD!r}): foerderung@teilhabe.example (fund office), "
                    "gutachten1@teilhabe.example and gutachten2@teilhabe.example (jury), "
                    "verein@teilhabe.example (applicant)"
                )
            monitoring_demo = load_monitoring_demo(plan_demo)
            if monitoring_demo.created:
                self.stdout.write(
                    f"Loaded {monitoring_demo.observations} example observations of the "
                    "plan's indicators."
                )
        if demo.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {demo.body.name}: paper {demo.seed_paper.reference}. "
                    f"Demo logins (password {DEMO_PASSWORD!r}): admin@teilhabe.example, "
                    "ratsbuero@teilhabe.example, ausschuss@teilhabe.example, "
                    "planung@teilhabe.example, koordinierung@teilhabe.example"
                )
            )
        else:
            self.stdout.write(f"{demo.body.name} is already loaded; nothing changed.")
