"""The demo fund: every state of the workflow, money that adds up, a special call in review and
a call open for visitors."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Sum
from django.test.utils import override_settings
from django.utils import timezone

from core.models import Municipality, Organisation, OrganisationMembership, User
from core.policies import has_role
from core.roles import Role
from council.demo import DEMO_PASSWORD
from fund import services, workflow
from fund.demo import PATHS, example_pdf
from fund.models import Application, CallTarget, Event, Grant, Review, TargetGroup
from fund.selectors import reach_rows, reach_totals, review_summaries
from fund.services import FundError
from fund.tests.test_360giving import _validator
from fund.workflow import State
from plan.models import Goal


@dataclass
class Loaded:
    council: Any
    plan: Any
    fund: Any


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, loaded once for this module inside a transaction rolled back at its end.

    Each test runs in a savepoint inside it (pytest-django's ``db``), so what one test
    changes the next does not see.
    """
    from council.demo import load_demo
    from fund.demo import load_fund_demo
    from plan.demo import load_plan_demo

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        council = load_demo()
        plan = load_plan_demo(council)
        yield Loaded(council, plan, load_fund_demo(council, plan))
        transaction.set_rollback(True)


@pytest.fixture
def fund_demo(loaded, db):
    return loaded.fund


def _expenses(application: Application) -> Decimal:
    return application.costs.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def test_every_state_of_the_workflow_has_a_path_in_the_demo():
    assert set(PATHS) == set(State.values)


def test_every_state_occurs_and_the_money_adds_up(fund_demo, loaded):
    call = fund_demo.call
    applications = list(Application.objects.filter(call__fund=fund_demo.fund))
    assert {a.state for a in applications if a.call_id == call.pk} == set(State.values)
    assert Application.objects.filter(call=call).count() >= 38
    assert all(a.is_example for a in applications)

    committed = services.committed(call)
    assert Decimal("0.9") * call.budget < committed <= call.budget
    for application in applications:
        income = (
            application.own_contribution
            + application.third_party_funds
            + application.requested_amount
        )
        assert _expenses(application) == income, application.title
    served = Municipality.objects.filter(applications__call=call).distinct()
    assert served.count() >= 12
    # Every target group and focus area of the fund (DOMAIN.md §3) is served.
    groups = {g for a in applications for g in a.target_groups}
    assert groups == set(TargetGroup.values)
    focus = call.questions.get(text="Förderschwerpunkt")
    assert {a.text for a in focus.answers.all()} == set(focus.choices)

    claimed = Grant.objects.filter(application__state=State.REPAYMENT_CLAIMED)
    assert claimed and all(g.proof.repayment > 0 for g in claimed)
    assert all(g.financing_type == "deficit" for g in claimed)
    checked = Grant.objects.filter(application__state__in=[State.PROOF_CHECKED, State.CLOSED])
    assert checked and all(g.proof.repayment == 0 for g in checked)
    running = Grant.objects.filter(application__state=State.RUNNING)
    assert {p.state for g in running for p in g.payments.all()} == {"requested", "approved", "paid"}
    reasons = Event.objects.filter(application__call=call, target=State.INELIGIBLE)
    assert any("außerhalb der Region" in e.note for e in reasons)

    # Every call serves the goals of the plan in force (its own administration's goals aside).
    for served_call in (call, fund_demo.review_call, fund_demo.open_call):
        targets = list(served_call.targets.all())
        assert {t.kind for t in targets} == {CallTarget.Kind.GOAL}
        goals = Goal.objects.filter(version=loaded.plan.adopted, uid__in=[t.uid for t in targets])
        assert len(goals) == len(targets) >= 10
        assert all(g.parent_id is None and g.field.code != "6" for g in goals)
    assert all(
        set(a.goal_uids) <= {str(t.uid) for t in call.targets.all()} and a.goal_uids
        for a in applications
    )


def test_the_council_decides_the_large_projects_and_the_board_the_small_ones(fund_demo):
    call = fund_demo.call
    limit = call.fund.small_grant_limit
    decision = fund_demo.decision
    paper = decision.paper
    assert paper.reference.endswith("(V) BDs") and paper.is_example
    assert paper.date == dt.date(2025, 8, 19) and decision.applied_at is not None
    preparing, deciding = paper.consultations.order_by("position")
    assert preparing.organization.name.startswith("Ausschuss für Organisation, Personal, Finanzen")
    assert preparing.is_voted and not preparing.authoritative
    assert deciding.organization.name == "Regionsausschuss" and deciding.authoritative
    assert deciding.votes_yes > deciding.votes_no

    committed = call.applications.filter(state__in=workflow.COMMITTED)
    listed = {i.application_id: i.proposed_amount for i in decision.items.all()}
    assert set(listed) == {a.pk for a in committed if a.requested_amount > limit}
    cut = [a for a in committed if a.pk in listed and listed[a.pk] < a.requested_amount]
    assert len(cut) >= 2 and all(a.decided_amount == listed[a.pk] for a in cut)
    assert Application.objects.get(call=call, state=State.PARTLY_APPROVED).pk in listed

    officer = User.objects.get(email="foerderung@teilhabe.example")
    small = [a for a in committed if a.requested_amount <= limit]
    assert small
    for application in small:
        event = application.events.get(target__in=[State.APPROVED, State.PARTLY_APPROVED])
        assert event.by == officer and "Fondsgremium" in event.note
    assert Event.objects.filter(target=State.REJECTED, by=officer).count() == 2

    reviewers = set(User.objects.filter(email__startswith="gutachten"))
    for application in call.applications.filter(pk__in=listed):
        reviews = application.reviews.filter(state=Review.State.SUBMITTED)
        assert {r.reviewer for r in reviews} == reviewers
        assert all(r.scores.count() == call.criteria.count() for r in reviews)
    in_review = call.applications.filter(state=State.IN_REVIEW)
    assert all({r.reviewer for r in a.reviews.all()} == reviewers for a in in_review)
    assert Review.objects.filter(application__in=in_review, state=Review.State.SUBMITTED).exists()


def test_the_special_call_is_reviewed_undecided_and_asks_for_far_more_than_its_budget(
    fund_demo, loaded
):
    call = fund_demo.review_call
    assert call.budget == Decimal("120000") and call.motto == "Zusammenhalt vor Ort"
    assert call.title == f"Regionsfonds für Vielfalt und Teilhabe – Sonderaufruf {call.year}"
    assert call.opens_at < call.deadline < timezone.now()
    assert call.year == timezone.localtime(call.deadline).year
    assert fund_demo.call.opens_at < call.opens_at < fund_demo.open_call.opens_at

    applications = list(call.applications.select_related("organisation"))
    assert len(applications) == 24 and {a.state for a in applications} == {State.IN_REVIEW}
    assert services.committed(call) == 0 and not call.decision_papers.exists()
    assert sum(a.requested_amount for a in applications) > 2 * call.budget
    # Small projects too are scored by the whole jury, so every application can be ranked.
    assert any(a.requested_amount <= call.fund.small_grant_limit for a in applications)
    reviewers = set(User.objects.filter(email__startswith="gutachten"))
    for application in applications:
        reviews = application.reviews.filter(state=Review.State.SUBMITTED)
        assert len(reviews) == 2 and {r.reviewer for r in reviews} == reviewers
        assert all(r.scores.count() == call.criteria.count() for r in reviews)
        assert call.opens_at <= application.submitted_at <= call.deadline
        assert application.start > timezone.localtime(call.deadline).date()

    served = Municipality.objects.filter(applications__call=call).distinct()
    assert served.count() >= 12
    organisations = [a.organisation_id for a in applications]
    assert sum(organisations.count(o) >= 2 for o in set(organisations)) >= 3
    # The applications serve the call's goals and every field of action they belong to.
    targets = {str(t.uid) for t in call.targets.all()}
    assert all(a.goal_uids and set(a.goal_uids) <= targets for a in applications)
    field_of = {str(g.uid): g.field_id for g in Goal.objects.filter(version=loaded.plan.adopted)}
    assert {field_of[u] for a in applications for u in a.goal_uids} == {
        field_of[u] for u in targets
    }
    # The jury's scores differ: no two applications tie.
    summaries = review_summaries([a.pk for a in applications])
    means = [summaries[a.pk].mean for a in applications]
    assert len(set(means)) == len(means)


def test_every_proof_of_use_reports_the_participants_reached(fund_demo):
    proven = Application.objects.filter(call=fund_demo.call, grant__proof__isnull=False)
    assert proven.count() >= 8
    for application in proven.prefetch_related("municipalities"):
        rows = list(application.grant.proof.reach.all())
        assert rows, application.title
        served = {m.pk for m in application.municipalities.all()}
        assert all(r.municipality_id in served for r in rows), application.title
        assert all(r.target_group in application.target_groups for r in rows), application.title
    by_municipality = reach_totals(by="municipality")
    assert len(by_municipality) >= 8 and all(n > 0 for n in by_municipality.values())
    assert by_municipality["03241005"] == 23  # Garbsen: the democracy workshop
    by_group = reach_totals(by="target_group")
    assert len(by_group) >= 5 and sum(by_group.values()) == sum(by_municipality.values())
    rows = reach_rows()
    assert sum(r.participants for r in rows) == sum(by_municipality.values())
    assert {r.is_example for r in rows} == {True}
    garbsen_young = [r for r in rows if r[1:4] == ("03241005", "Garbsen", "young_people")]
    assert sum(r.participants for r in garbsen_young) == 15


def test_the_demo_logins_have_their_roles_and_the_applicant_can_act_now(fund_demo):
    logins = {
        "foerderung@teilhabe.example": Role.FUND_OFFICER,
        "gutachten1@teilhabe.example": Role.REVIEWER,
        "gutachten2@teilhabe.example": Role.REVIEWER,
        "verein@teilhabe.example": Role.APPLICANT,
    }
    for email, role in logins.items():
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD) and has_role(user, role)

    applicant = User.objects.get(email="verein@teilhabe.example")
    membership = OrganisationMembership.objects.get(user=applicant)
    organisation = membership.organisation
    assert membership.function == "representative" and organisation.is_example
    assert organisation.verified_at is not None
    states = set(organisation.applications.values_list("state", flat=True))
    assert {State.DRAFT, State.SUBMITTED, State.RUNNING, State.CLOSED} <= states
    # Every organisation acts through one representative of its own.
    for other in Organisation.objects.filter(applications__call=fund_demo.call).distinct():
        assert other.memberships.filter(function="representative").count() == 1

    # The running grant: the applicant requests the next payment.
    grant = Grant.objects.get(application__organisation=organisation, application__state="running")
    payment = services.payment_request(
        grant=grant, amount=Decimal("2000"), reason="Honorare Juli und August", by=applicant
    )
    assert payment.state == "requested"

    # The open call: open now, and the applicant's draft can be submitted.
    open_call = fund_demo.open_call
    now = timezone.now()
    assert open_call.opens_at < now < open_call.deadline
    assert open_call.year == timezone.localtime(open_call.deadline).year
    assert open_call.title.endswith(str(open_call.year))
    draft = open_call.applications.get(organisation=organisation)
    assert draft.state == State.DRAFT and draft.attachments.count() == 1
    assert services.submission_problems(draft) == []
    services.application_transition(application=draft, name="submit", by=applicant)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and draft.revisions.count() == 1
    # An unfinished draft shows what is missing.
    unfinished = open_call.applications.exclude(pk=draft.pk).get(costs__isnull=True)
    assert services.submission_problems(unfinished)


def test_the_demo_grants_are_valid_360giving_without_personal_data(fund_demo, client):
    response = client.get("/opendata/360giving.json")
    document = response.json()
    assert list(_validator().iter_errors(document)) == []
    published = Grant.objects.filter(application__state__in=workflow.PUBLISHED)
    assert len(document["grants"]) == published.count() >= 18
    text = response.content.decode("utf-8")
    for organisation in Organisation.objects.filter(applications__call=fund_demo.call):
        assert organisation.contact_email not in text
        assert organisation.street_address not in text


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_loading_twice_changes_nothing(fund_demo, loaded):
    from fund.demo import load_fund_demo

    before = _counts()
    again = load_fund_demo(loaded.council, loaded.plan)
    assert not again.created
    assert (again.fund, again.call, again.review_call, again.open_call) == (
        fund_demo.fund,
        fund_demo.call,
        fund_demo.review_call,
        fund_demo.open_call,
    )
    assert again.decision == fund_demo.decision
    assert _counts() == before


# --- the historic submission time, for the demo loader only ----------------------


def _open_draft(fund_demo):
    return fund_demo.open_call.applications.exclude(costs__isnull=True).order_by("pk").first()


def test_a_past_submission_time_is_refused_for_users_future_times_and_other_steps(fund_demo):
    application = _open_draft(fund_demo)
    member = application.organisation.members.get()
    past = timezone.now() - dt.timedelta(days=1)
    refused = [
        {"name": "submit", "by": member, "at": past},
        {"name": "submit", "by": None, "at": timezone.now() + dt.timedelta(days=1)},
        {"name": "withdraw", "by": None, "at": past},
    ]
    for step in refused:
        with pytest.raises(ValueError, match="system"):
            services.application_transition(application=application, **step)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_the_system_records_a_past_submission_only_inside_the_calls_window(fund_demo):
    application = _open_draft(fund_demo)
    call = fund_demo.open_call
    with pytest.raises(FundError, match="not open yet"):
        services.application_transition(
            application=application, name="submit", by=None, at=call.opens_at - dt.timedelta(1)
        )
    inside = call.opens_at + dt.timedelta(days=2)
    services.application_transition(application=application, name="submit", by=None, at=inside)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.submitted_at == inside
    assert application.revisions.get().submitted_at == inside
    # The past calls' applications carry their historic times, inside their windows.
    for past in (fund_demo.call, fund_demo.review_call):
        for submitted in past.applications.exclude(state=State.DRAFT):
            assert past.opens_at <= submitted.submitted_at <= past.deadline
            assert submitted.revisions.get().submitted_at == submitted.submitted_at


def test_the_example_pdf_passes_the_upload_check():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import check_document

    content = example_pdf("Lageplan (Beispiel) – Grünfläche")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
    assert check_document(upload) == "pdf"
