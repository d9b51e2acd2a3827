"""Loads the demo fund (the Regionsfonds and three calls) through the services.

The data lives in ``fund/data/demo-fund-region-hannover.json``: the fund, its calls,
invented example organisations and their applications, each with the state it should
reach. ``PATHS`` says which steps lead to each state; every step goes through the fund
services, as the person who would take it (the fund office, a reviewer, a member of the
applying organisation, the council's vote), so the demo keeps the rules the pages keep.

The three calls, in the order they open:

- the decided call 2025, with applications in every state of the workflow;
- a special call (*Sonderaufruf*) whose deadline passed weeks before the day the demo is
  loaded: all its applications are in review, scored by both jury members and undecided,
  and they ask for far more than its budget, for the office to try the allocation;
- an open call, opened two weeks before that day, so visitors can apply.

Applications of past windows are submitted by the system with their historic submission
time (``application_transition(at=...)``). The special and the open call lie relative to
the day of loading (``..._days_before_today``/``..._days_after_today`` in the file).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from core import services as core_services
from core.models import Municipality, Organisation, User
from core.roles import Role
from council import services as council_services
from council.demo import DEMO_PASSWORD, Demo
from council.models import BudgetProduct
from fund import services
from fund.models import Application, Call, DecisionPaper, Fund, Grant, TargetGroup
from fund.workflow import State
from plan.demo import PlanDemo
from plan.models import Goal

DEFAULT_FUND_DEMO = Path(__file__).resolve().parent / "data" / "demo-fund-region-hannover.json"

# The council decides the call's list here: every application above the small-grant
# limit that is recommended at this point goes on the decision paper.
PAPER = "paper"

_REVIEWED = ("submit", "mark_eligible", "review")
_DECIDED = (*_REVIEWED, "recommend", PAPER, "decide")
_RUNNING = (*_DECIDED, "grant", "pay")
_PROVEN = (*_RUNNING, "prove", "check_proof")

# The steps that lead an application of the decided call to each state, in order.
PATHS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.SUBMITTED: ("submit",),
    State.ELIGIBLE: ("submit", "mark_eligible"),
    State.INELIGIBLE: ("submit", "mark_ineligible"),
    State.IN_REVIEW: _REVIEWED,
    # Recommended after the paper: a small project waiting for the board.
    State.RECOMMENDED: (*_REVIEWED, PAPER, "recommend"),
    State.NOT_RECOMMENDED: (*_REVIEWED, "not_recommend"),
    State.APPROVED: _DECIDED,
    State.PARTLY_APPROVED: _DECIDED,
    State.REJECTED: (*_REVIEWED, "not_recommend", PAPER, "decide"),
    State.GRANTED: (*_DECIDED, "grant"),
    State.RUNNING: _RUNNING,
    State.PROOF_SUBMITTED: (*_RUNNING, "prove"),
    State.PROOF_CHECKED: _PROVEN,
    # The same steps: the proven figures, lower than planned, claim part of the grant back.
    State.REPAYMENT_CLAIMED: _PROVEN,
    State.CLOSED: (*_PROVEN, "close"),
    State.WITHDRAWN: ("submit", "withdraw"),
}

# How each reviewer's scores differ from the application's rating, criterion by criterion,
# unless the application lists its own ``offsets`` (one list per reviewer).
SCORE_OFFSETS = ((0, 0, -1, 0), (0, -1, 0, 1))

Step = Callable[[Application, dict[str, Any]], None]


@dataclass
class FundDemo:
    fund: Fund
    call: Call  # the decided call 2025
    open_call: Call
    decision: DecisionPaper | None
    review_call: Call | None  # reviewed, undecided, oversubscribed (None: loaded before it existed)
    created: bool = True


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _moment(value: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(value), timezone.get_default_timezone())


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def example_pdf(title: str) -> bytes:
    """A small valid one-page PDF showing ``title``, for the demo's attachments."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


@contextmanager
def _demo_context() -> Iterator[None]:
    """German texts whoever loads, and no e-mail to the invented applicants.

    The services mail the applicant after each step once the transaction commits; the
    demo's organisations do not exist, so their mail goes nowhere.
    """
    with (
        translation.override(settings.LANGUAGE_CODE),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
    ):
        yield


class _Loader:
    """Keeps the keys of the file resolved to objects while the fund is built."""

    def __init__(self, council: Demo, plan: PlanDemo, data: dict[str, Any], today: dt.date):
        self.council = council
        self.plan = plan
        self.data = data
        self.today = today
        self.municipalities = {m.key: m for m in Municipality.objects.all()}
        self.goals = {g.code: g for g in Goal.objects.filter(version=plan.adopted)}
        self.organisations: dict[str, Organisation] = {}
        self.members: dict[str, User] = {}
        self.decision: DecisionPaper | None = None
        self.steps: dict[str, Step] = {
            "submit": self.submit,
            "mark_eligible": self.by_office("mark_eligible"),
            "mark_ineligible": self.by_office("mark_ineligible", with_note=True),
            "review": self.review,
            "recommend": self.by_office("recommend"),
            "not_recommend": self.by_office("not_recommend"),
            "decide": self.decide,
            "grant": self.grant,
            "pay": self.pay,
            "prove": self.prove,
            "check_proof": self.check_proof,
            "close": self.by_office("close"),
            "withdraw": self.withdraw,
        }

    # --- people ---------------------------------------------------------------------

    def users(self) -> None:
        spec = self.data["users"]
        self.officer = core_services.user_create(
            email=spec["officer"]["email"],
            password=DEMO_PASSWORD,
            name=spec["officer"]["name"],
            roles=[Role.FUND_OFFICER],
        )
        self.reviewers = [
            core_services.user_create(
                email=r["email"], password=DEMO_PASSWORD, name=r["name"], roles=[Role.REVIEWER]
            )
            for r in spec["reviewers"]
        ]
        applicant = spec["applicant"]
        self.members[applicant["organisation"]] = core_services.user_create(
            email=applicant["email"],
            password=DEMO_PASSWORD,
            name=applicant["name"],
            roles=[Role.APPLICANT],
        )

    def organisation(self, spec: dict[str, Any]) -> None:
        """An example organisation, its representative, and the office's verification.

        Only the demo applicant signs in; the other representatives have no password.
        """
        key = spec["key"]
        member = self.members.get(key) or core_services.user_create(
            email=f"kontakt+{key}@teilhabe.example",
            password=None,
            name=f"{spec['contact_name']} (Beispiel)",
            roles=[Role.APPLICANT],
        )
        self.members[key] = member
        fields = ("legal_form", "street_address", "postal_code", "locality", "non_profit")
        organisation = core_services.organisation_create(
            name=spec["name"],
            kind=spec["kind"],
            municipality=self.municipalities.get(spec.get("municipality") or ""),
            contact_name=spec["contact_name"],
            contact_email=member.email,
            is_example=True,
            **{name: spec[name] for name in fields if name in spec},
        )
        core_services.organisation_member_add(
            organisation=organisation, user=member, function="representative"
        )
        if spec.get("verified", True):
            organisation = core_services.organisation_verify(
                organisation=organisation, by=self.officer
            )
        self.organisations[key] = organisation

    # --- fund and calls -------------------------------------------------------------

    def fund(self) -> Fund:
        spec = self.data["fund"]
        return services.fund_create(
            body=self.council.body,
            name=spec["name"],
            slug=spec["slug"],
            description=spec["description"],
            budget_product=BudgetProduct.objects.get(
                area__body=self.council.body, number=spec["budget_product"]
            ),
            small_grant_limit=_money(spec["small_grant_limit"]),
            is_example=True,
            by=None,
        )

    def call(
        self,
        fund: Fund,
        spec: dict[str, Any],
        *,
        title: str,
        year: int,
        opens_at: dt.datetime,
        deadline: dt.datetime,
    ) -> Call:
        return services.call_create(
            fund=fund,
            by=self.officer,
            year=year,
            title=title,
            motto=spec["motto"],
            description=spec["description"],
            budget=_money(spec["budget"]),
            opens_at=opens_at,
            deadline=deadline,
            serves=Call.Serves.GOALS,
            min_amount=_money(spec["min_amount"]),
            max_amount=_money(spec["max_amount"]),
            own_contribution_percent=_money(spec["own_contribution_percent"]),
            financing_types=spec["financing_types"],
            blind_review=False,
            is_example=True,
            criteria=[
                services.CriterionSpec(
                    name=c["name"],
                    weight=_money(c.get("weight", 1)),
                    scale_max=c.get("scale_max", 5),
                    description=c.get("description", ""),
                )
                for c in self.data["criteria"]
            ],
            questions=[
                services.QuestionSpec(
                    text=q["text"],
                    kind=q["kind"],
                    required=q.get("required", False),
                    help_text=q.get("help_text", ""),
                    choices=tuple(q.get("choices", ())),
                )
                for q in self.data["questions"]
            ],
            targets=[
                services.TargetSpec(plan=self.plan.plan, kind="goal", uid=self.goals[code].uid)
                for code in self.data["goals"]
            ],
        )

    def day(self, spec: dict[str, Any], name: str) -> dt.date:
        """The day ``spec`` gives as ``{name}_days_before_today`` or ``{name}_days_after_today``."""
        if f"{name}_days_before_today" in spec:
            return self.today - dt.timedelta(days=spec[f"{name}_days_before_today"])
        return self.today + dt.timedelta(days=spec[f"{name}_days_after_today"])

    def relative_call(self, fund: Fund, spec: dict[str, Any]) -> Call:
        """A call whose window lies relative to today; its title ends with the deadline's year."""
        zone = timezone.get_default_timezone()
        opens, closes = self.day(spec, "opens"), self.day(spec, "deadline")
        return self.call(
            fund,
            spec,
            title=f"{spec['title']} {closes.year}",
            year=closes.year,
            opens_at=dt.datetime.combine(opens, dt.time.min, tzinfo=zone),
            deadline=dt.datetime.combine(closes, dt.time(23, 59), tzinfo=zone),
        )

    # --- applications ---------------------------------------------------------------

    def application(
        self, call: Call, spec: dict[str, Any], *, start: dt.date, end: dt.date
    ) -> Application:
        """A draft as its organisation's representative writes it."""
        member = self.members[spec["org"]]
        application = services.application_create(
            call=call,
            organisation=self.organisations[spec["org"]],
            by=member,
            title=spec["title"],
            is_example=True,
        )
        services.application_update(
            application=application,
            by=member,
            costs=[services.CostSpec(c, d, _money(a)) for c, d, a in spec["costs"]],
            municipalities=[self.municipalities[k] for k in spec["municipalities"]],
            summary=spec["summary"],
            description=spec.get("description", ""),
            target_groups=[TargetGroup(code).value for code in spec["target_groups"]],
            goal_uids=[str(self.goals[code].uid) for code in spec["goals"]],
            start=start,
            end=end,
            own_contribution=_money(spec["own"]),
            third_party_funds=_money(spec["third"]),
            requested_amount=_money(spec["requested"]),
        )
        questions = {q["key"]: q["text"] for q in self.data["questions"]}
        by_text = {q.text: q.pk for q in call.questions.all()}
        services.answers_save(
            application=application,
            by=member,
            values={by_text[questions[key]]: value for key, value in spec["answers"].items()},
        )
        for attachment in spec.get("attachments", []):
            services.attachment_add(
                application=application,
                upload=SimpleUploadedFile(
                    attachment["name"],
                    example_pdf(attachment["description"]),
                    content_type="application/pdf",
                ),
                by=member,
                description=attachment["description"],
            )
        return application

    def relative_applications(
        self, call: Call, specs: list[dict[str, Any]]
    ) -> list[tuple[Application, dict[str, Any]]]:
        """Drafts of the call; each project starts in the third month after its deadline and
        runs the ``months`` of its spec."""
        start = _add_months(timezone.localtime(call.deadline).date(), 3)
        items = []
        for spec in specs:
            end = _add_months(start, spec["months"]) - dt.timedelta(days=1)
            items.append((self.application(call, spec, start=start, end=end), spec))
        return items

    def drive(self, call: Call, items: list[tuple[Application, dict[str, Any]]]) -> None:
        """Take every application along its path; the council decides between the halves."""
        paths = [(a, s, PATHS[s["state"]]) for a, s in items]
        for application, spec, path in paths:
            self.run(application, spec, path[: path.index(PAPER)] if PAPER in path else path)
        if any(PAPER in path for _a, _s, path in paths):
            self.decision = self.council_decides(call, items)
        for application, spec, path in paths:
            if PAPER in path:
                self.run(application, spec, path[path.index(PAPER) + 1 :])
        for application, spec in items:
            application.refresh_from_db()
            if application.state != spec["state"]:
                raise ValueError(
                    f"Demo application {spec['key']} ended {application.state}, "
                    f"not {spec['state']}; check its figures in the demo file."
                )

    def run(self, application: Application, spec: dict[str, Any], steps: tuple[str, ...]) -> None:
        for step in steps:
            self.steps[step](application, spec)
            self.inquiries(application, spec, after=step)

    def inquiries(self, application: Application, spec: dict[str, Any], *, after: str) -> None:
        for item in spec.get("inquiries", []):
            if item["after"] != after:
                continue
            inquiry = services.inquiry_ask(
                application=application, question=item["question"], by=self.officer
            )
            if item.get("answer"):
                services.inquiry_answer(
                    inquiry=inquiry, answer=item["answer"], by=self.members[spec["org"]]
                )

    # --- the steps ------------------------------------------------------------------

    def submit(self, application: Application, spec: dict[str, Any]) -> None:
        services.application_transition(
            application=application, name="submit", by=None, at=self.submitted_at(spec)
        )

    def submitted_at(self, spec: dict[str, Any]) -> dt.datetime:
        """The historic submission moment: as given, or some days before today."""
        if "submitted" in spec:
            return _moment(spec["submitted"])
        day = self.today - dt.timedelta(days=spec["submitted_days_before_today"])
        time = dt.time.fromisoformat(spec.get("submitted_time", "12:00"))
        return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())

    def by_office(self, name: str, *, with_note: bool = False) -> Step:
        """A step the fund office takes as it is, with the file's note as its reason."""

        def step(application: Application, spec: dict[str, Any]) -> None:
            services.application_transition(
                application=application,
                name=name,
                by=self.officer,
                note=spec["note"] if with_note else "",
            )

        return step

    def review(self, application: Application, spec: dict[str, Any]) -> None:
        """The office starts the review; the jury members declare and score (or not yet).

        Small projects (up to the fund's small-grant limit) are the quick-support pillar:
        the office checks them and the board decides, without the jury, unless the file
        lists reviews for them. Each reviewer's scores are the application's rating plus
        the file's ``offsets`` for that reviewer (``SCORE_OFFSETS`` without them).
        """
        application = services.application_transition(
            application=application, name="start_review", by=self.officer
        )
        limit = application.call.fund.small_grant_limit
        small = limit is not None and application.requested_amount <= limit
        progress = spec.get("reviews", [] if small else ["submitted"] * len(self.reviewers))
        criteria = list(application.call.criteria.all())
        all_offsets = spec.get("offsets", SCORE_OFFSETS)
        for index, (reviewer, status) in enumerate(zip(self.reviewers, progress, strict=False)):
            review = services.review_assign(
                application=application, reviewer=reviewer, by=self.officer
            )
            if status == "assigned":
                continue
            review = services.review_declare(
                review=review, no_conflict=status != "conflict", by=reviewer
            )
            if status != "submitted":
                continue
            offsets = all_offsets[index % len(all_offsets)]
            scores = {
                c.pk: (min(max(spec["rating"] + offsets[i % len(offsets)], 1), c.scale_max), "")
                for i, c in enumerate(criteria)
            }
            comment = self.data["review_comments"][str(spec["rating"])]
            services.review_submit(review=review, scores=scores, comment=comment, by=reviewer)

    def council_decides(
        self, call: Call, items: list[tuple[Application, dict[str, Any]]]
    ) -> DecisionPaper:
        """The office writes the paper; the finance committee recommends, the deciding body
        votes, and its vote decides the listed applications (cut where the jury cut)."""
        spec = self.data["decision_paper"]
        committees = self.council.committees
        decision = services.decision_paper_create(
            call=call,
            by=self.officer,
            reference=spec["reference"],
            deciding_body=committees[spec["deciding"]["organization"]],
            planned_date=_date(spec["deciding"]["planned_date"]),
            preparing_bodies=[committees[p["organization"]] for p in spec["preparing"]],
            amounts={a.pk: _money(s["decided"]) for a, s in items if "decided" in s},
            date=_date(spec["date"]),
            preparing_dates=[_date(p["planned_date"]) for p in spec["preparing"]],
            is_example=True,
        )
        consultations = [*spec["preparing"], spec["deciding"]]
        for consultation, c in zip(
            decision.paper.consultations.order_by("position"), consultations, strict=True
        ):
            vote = c["vote"]
            council_services.consultation_record_vote(
                consultation=consultation,
                as_proposed=vote["as_proposed"],
                votes_yes=vote["yes"],
                votes_no=vote["no"],
                votes_abstention=vote["abstention"],
                result=vote["result"],
                by=None,
            )
        # The council app calls this once the vote is committed; the demo needs the
        # decisions now, for the grants that follow. Applying twice changes nothing.
        return services.decision_apply(decision=decision)

    def decide(self, application: Application, spec: dict[str, Any]) -> None:
        """The board decides a small project; the council has decided the others."""
        application.refresh_from_db()
        limit = application.call.fund.small_grant_limit
        if limit is None or application.requested_amount > limit:
            return
        if spec["state"] == State.REJECTED:
            name, amount, note = "reject", None, spec["note"]
        elif "decided" in spec:
            name, amount, note = "approve_partly", _money(spec["decided"]), self.data["board_note"]
        else:
            name, amount, note = "approve", None, self.data["board_note"]
        services.application_transition(
            application=application, name=name, by=self.officer, note=note, amount=amount
        )

    def grant(self, application: Application, spec: dict[str, Any]) -> None:
        share = spec.get("share")
        services.grant_issue(
            application=application,
            by=self.officer,
            financing_type=spec.get("financing", "deficit"),
            start=_date(spec["start"]),
            end=_date(spec["end"]),
            share_percent=_money(share) if share is not None else None,
            conditions=self.data["grant_conditions"],
        )

    def pay(self, application: Application, spec: dict[str, Any]) -> None:
        """The organisation requests payments; the office approves and pays them as listed.

        Without a list the whole grant is requested and paid at once.
        """
        grant = Grant.objects.get(application=application)
        member = self.members[spec["org"]]
        for amount, state in spec.get("payments") or [[grant.amount, "paid"]]:
            payment = services.payment_request(
                grant=grant, amount=_money(amount), reason=self.data["payment_reason"], by=member
            )
            if state in ("approved", "paid"):
                payment = services.payment_decide(payment=payment, approve=True, by=self.officer)
            if state == "paid":
                services.payment_mark_paid(payment=payment, by=self.officer)

    def prove(self, application: Application, spec: dict[str, Any]) -> None:
        """The proof of use: the actual figures as listed, otherwise exactly as planned, and
        the participants reached as listed (``[municipality key, target group, number]``)."""
        proof = spec["proof"]
        planned: dict[str, Decimal] = {}
        for category, _description, amount in spec["costs"]:
            planned[category] = planned.get(category, Decimal(0)) + _money(amount)
        actual = planned
        if "actual" in proof:
            actual = {category: _money(amount) for category, amount in proof["actual"].items()}
        services.proof_submit(
            grant=Grant.objects.get(application=application),
            by=self.members[spec["org"]],
            narrative=proof["narrative"],
            actual_costs=actual,
            actual_own_contribution=_money(proof.get("own", spec["own"])),
            actual_third_party_funds=_money(proof.get("third", spec["third"])),
            reach=[
                services.ReachSpec(self.municipalities[key], TargetGroup(group).value, number)
                for key, group, number in proof.get("reach", [])
            ],
        )

    def check_proof(self, application: Application, spec: dict[str, Any]) -> None:
        grant = Grant.objects.select_related("proof").get(application=application)
        services.proof_check(proof=grant.proof, purpose_achieved=True, by=self.officer)

    def withdraw(self, application: Application, spec: dict[str, Any]) -> None:
        member = self.members[spec["org"]]
        services.application_transition(
            application=application, name="withdraw", by=member, note=spec["note"]
        )

    # --- the whole demo -------------------------------------------------------------

    def load(self) -> FundDemo:
        self.users()
        for spec in self.data["organisations"]:
            self.organisation(spec)
        fund = self.fund()

        decided = self.data["calls"]["decided"]
        call = self.call(
            fund,
            decided,
            title=decided["title"],
            year=decided["year"],
            opens_at=_moment(decided["opens_at"]),
            deadline=_moment(decided["deadline"]),
        )
        items = [
            (self.application(call, s, start=_date(s["start"]), end=_date(s["end"])), s)
            for s in self.data["applications"]
        ]
        self.drive(call, items)

        review_call = self.relative_call(fund, self.data["calls"]["review"])
        reviewed = self.relative_applications(review_call, self.data["review_applications"])
        self.drive(review_call, reviewed)

        open_call = self.relative_call(fund, self.data["calls"]["open"])
        self.relative_applications(open_call, self.data["open_applications"])
        return FundDemo(
            fund=fund,
            call=call,
            open_call=open_call,
            decision=self.decision,
            review_call=review_call,
        )


@transaction.atomic
def _load(council: Demo, plan: PlanDemo, data: dict[str, Any], today: dt.date) -> FundDemo:
    existing = Fund.objects.filter(slug=data["fund"]["slug"]).first()
    if existing is not None:
        # The demo's own calls open one after the other: decided, special, open. Calls
        # the office adds to the demo fund later are no examples.
        calls = list(existing.calls.filter(is_example=True).order_by("opens_at"))
        # A database loaded before the special call existed has only the first and the
        # last; it keeps working without the special call.
        call, open_call = calls[0], calls[-1]
        review_call = calls[1] if len(calls) == 3 else None
        return FundDemo(
            fund=existing,
            call=call,
            open_call=open_call,
            decision=DecisionPaper.objects.filter(call=call).first(),
            review_call=review_call,
            created=False,
        )
    return _Loader(council, plan, data, today).load()


def load_fund_demo(
    council: Demo, plan: PlanDemo, path: Path = DEFAULT_FUND_DEMO, *, today: dt.date | None = None
) -> FundDemo:
    """Load the demo fund once; a second call finds it (by its slug) and changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    with _demo_context():
        return _load(council, plan, data, today or timezone.localdate())
