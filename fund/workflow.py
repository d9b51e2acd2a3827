"""The life of a funding application as data: every state, every transition, who takes it.

One table answers "what can happen next, and who may do it": the services move an
application only along a transition listed here, the pages offer exactly the actions
listed for the user, and the applicant's timeline uses the public labels. Nothing else
in the code decides which state follows which.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ELIGIBLE = "eligible", _("eligible")
    INELIGIBLE = "ineligible", _("not eligible")
    IN_REVIEW = "in_review", _("in review")
    RECOMMENDED = "recommended", _("recommended")
    NOT_RECOMMENDED = "not_recommended", _("not recommended")
    APPROVED = "approved", _("approved")
    PARTLY_APPROVED = "partly_approved", _("partly approved")
    REJECTED = "rejected", _("rejected")
    GRANTED = "granted", _("grant issued")
    RUNNING = "running", _("running")
    PROOF_SUBMITTED = "proof_submitted", _("proof of use submitted")
    PROOF_CHECKED = "proof_checked", _("proof of use checked")
    REPAYMENT_CLAIMED = "repayment_claimed", _("repayment claimed")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Actor(models.TextChoices):
    """Who takes a transition: the applicant organisation, the fund's staff, or the system."""

    APPLICANT = "applicant", _("applicant")
    OFFICER = "officer", _("fund officer")
    DECISION = "decision", _("the deciding body")
    SYSTEM = "system", _("the system")


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[State, ...]
    target: State
    actor: Actor
    label: str | Promise
    # What the applicant reads on the timeline and in the e-mail.
    public_label: str | Promise
    needs_note: bool = False


DECIDED = (State.APPROVED, State.PARTLY_APPROVED, State.REJECTED)
WITHDRAWABLE = (
    State.DRAFT,
    State.SUBMITTED,
    State.ELIGIBLE,
    State.IN_REVIEW,
    State.RECOMMENDED,
    State.NOT_RECOMMENDED,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        (State.DRAFT,),
        State.SUBMITTED,
        Actor.APPLICANT,
        _("Submit"),
        _("The application was submitted."),
    ),
    Transition(
        "mark_eligible",
        (State.SUBMITTED,),
        State.ELIGIBLE,
        Actor.OFFICER,
        _("Eligible"),
        _("The application meets the formal requirements."),
    ),
    Transition(
        "mark_ineligible",
        (State.SUBMITTED,),
        State.INELIGIBLE,
        Actor.OFFICER,
        _("Not eligible"),
        _("The application does not meet the formal requirements."),
        needs_note=True,
    ),
    Transition(
        "start_review",
        (State.ELIGIBLE,),
        State.IN_REVIEW,
        Actor.OFFICER,
        _("Start review"),
        _("The application is being reviewed."),
    ),
    Transition(
        "recommend",
        (State.IN_REVIEW, State.NOT_RECOMMENDED),
        State.RECOMMENDED,
        Actor.OFFICER,
        _("Recommend"),
        _("The application is recommended for funding."),
    ),
    Transition(
        "not_recommend",
        (State.IN_REVIEW, State.RECOMMENDED),
        State.NOT_RECOMMENDED,
        Actor.OFFICER,
        _("Do not recommend"),
        _("The application is not recommended for funding."),
    ),
    Transition(
        "approve",
        (State.RECOMMENDED, State.NOT_RECOMMENDED),
        State.APPROVED,
        Actor.DECISION,
        _("Approve"),
        _("The application was approved."),
    ),
    Transition(
        "approve_partly",
        (State.RECOMMENDED, State.NOT_RECOMMENDED),
        State.PARTLY_APPROVED,
        Actor.DECISION,
        _("Approve in part"),
        _("The application was approved with a smaller amount."),
    ),
    Transition(
        "reject",
        (State.RECOMMENDED, State.NOT_RECOMMENDED),
        State.REJECTED,
        Actor.DECISION,
        _("Reject"),
        _("The application was rejected."),
    ),
    Transition(
        "issue_grant",
        (State.APPROVED, State.PARTLY_APPROVED),
        State.GRANTED,
        Actor.OFFICER,
        _("Issue grant notice"),
        _("The grant notice (Zuwendungsbescheid) was issued."),
    ),
    Transition(
        "start",
        (State.GRANTED,),
        State.RUNNING,
        Actor.SYSTEM,
        _("Start project"),
        _("The project is running."),
    ),
    Transition(
        "submit_proof",
        (State.RUNNING,),
        State.PROOF_SUBMITTED,
        Actor.APPLICANT,
        _("Submit proof of use"),
        _("The proof of use was submitted."),
    ),
    Transition(
        "check_proof",
        (State.PROOF_SUBMITTED,),
        State.PROOF_CHECKED,
        Actor.OFFICER,
        _("Proof checked"),
        _("The proof of use was checked."),
    ),
    Transition(
        "claim_repayment",
        (State.PROOF_CHECKED, State.GRANTED, State.RUNNING),
        State.REPAYMENT_CLAIMED,
        Actor.OFFICER,
        _("Claim repayment"),
        _("Part or all of the grant is claimed back."),
        needs_note=True,
    ),
    Transition(
        "close",
        (State.PROOF_CHECKED, State.REPAYMENT_CLAIMED),
        State.CLOSED,
        Actor.OFFICER,
        _("Close"),
        _("The funding case is closed."),
    ),
    Transition(
        "withdraw",
        WITHDRAWABLE,
        State.WITHDRAWN,
        Actor.APPLICANT,
        _("Withdraw"),
        _("The applicant withdrew the application."),
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}

# States in which the applicant may still change the application's content.
EDITABLE = (State.DRAFT,)
# States whose grants count against the call's budget.
COMMITTED = (
    State.APPROVED,
    State.PARTLY_APPROVED,
    State.GRANTED,
    State.RUNNING,
    State.PROOF_SUBMITTED,
    State.PROOF_CHECKED,
    State.REPAYMENT_CLAIMED,
    State.CLOSED,
)
# States that may be published as grants (open data, without personal data).
PUBLISHED = COMMITTED


def transition(name: str) -> Transition:
    return BY_NAME[name]


def available(state: str, actor: Actor) -> list[Transition]:
    """The transitions the actor may take from ``state``, in the table's order."""
    return [t for t in TRANSITIONS if state in t.source and t.actor == actor]


def reachable_states() -> set[State]:
    """Every state some transition leads to, plus the starting state."""
    return {State.DRAFT} | {t.target for t in TRANSITIONS}
